/**
 * Child processes started through child_process (spawn, exec, execFile and fork all go
 * through ChildProcess.prototype.spawn): the live ones are kept, oldest first, for the
 * children probe, which counts them whether or not they are ref'd. Pruned on every read
 * and, when nothing reads, every time the set has doubled.
 */
import { ChildProcess } from 'node:child_process';
import { mark } from './creation-sites';

const liveChildren = new Set<ChildProcess>();
let pruneChildrenAbove = 64;

/** Child processes started through child_process that are still running, oldest first. */
export function runningChildProcesses(): ChildProcess[] {
  forgetExitedChildren();
  return [...liveChildren];
}

function forgetExitedChildren(): void {
  for (const child of liveChildren) if (hasExited(child)) liveChildren.delete(child);
}

/** Node sets exitCode or signalCode when it has seen the process end (and reaped it). */
export function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

export function wrapChildSpawn(): void {
  const prototype = ChildProcess.prototype as ChildProcess & { spawn: (...args: unknown[]) => unknown };
  const original = prototype.spawn;
  if (typeof original !== 'function') return;
  const wrapped = function (this: ChildProcess, ...args: unknown[]) {
    mark(this, wrapped);
    const result = original.apply(this, args);
    // No pid: the spawn failed (an 'error' event follows) and there is no process.
    if (typeof this.pid === 'number' && !hasExited(this)) {
      liveChildren.add(this);
      if (liveChildren.size > pruneChildrenAbove) {
        forgetExitedChildren();
        pruneChildrenAbove = Math.max(64, liveChildren.size * 2);
      }
    }
    return result;
  };
  Object.defineProperty(wrapped, 'name', { value: original.name });
  Object.defineProperty(wrapped, 'length', { value: original.length });
  prototype.spawn = wrapped;
}
