/**
 * Timers made through the global setTimeout and setInterval. Their objects are not in
 * process._getActiveHandles(), so the live ones are kept here (in creation order, pruned
 * as they fire or are cleared) so the handles probe can say which timer leaked.
 */
import timersModule = require('node:timers');
import { promisify } from 'node:util';
import { asOwnCode, inOwnCode } from '../core/own-code';
import { creationSite, mark, type CreationSite } from './creation-sites';

/** Live timers created through the wrapped globals, oldest first. */
const liveTimers = new Set<NodeJS.Timeout>();
let pruneAbove = 1024;

/**
 * Forget timers that fired or were cleared. Called on every sample, so what is kept is
 * what is live (and leakguard's memory does not grow with the number of timers made).
 */
export function forgetFinishedTimers(): void {
  for (const timer of liveTimers) if (isDone(timer)) liveTimers.delete(timer);
}

/** Timers created through the global functions after `since` that are still pending and ref'd. */
export function pendingTimersSince(since: number): NodeJS.Timeout[] {
  const pending: NodeJS.Timeout[] = [];
  for (const timer of liveTimers) {
    if (isDone(timer)) {
      liveTimers.delete(timer);
      continue;
    }
    if (creationSite(timer)!.sequence > since && timer.hasRef()) pending.push(timer);
  }
  return pending;
}

function isPending(timer: NodeJS.Timeout): boolean {
  return !isDone(timer);
}

function isDone(timer: NodeJS.Timeout): boolean {
  // Node marks a timer destroyed when it fired (and does not repeat) or was cleared.
  return (timer as unknown as { _destroyed?: boolean })._destroyed === true;
}

/** The timer item id of a timer's site (as the handles probe names it). */
export function timerId(site: CreationSite): string {
  return `timer:${site.sequence}`;
}

/** leakguard's wrappers of globals, each with the function it wraps. */
const wrappedGlobals = new WeakMap<Function, Function>();

/**
 * The function a global had before leakguard wrapped it, for one of leakguard's wrappers;
 * anything else as it is. Code that kept the global from before leakguard started (a
 * fake-timer library restoring "the real setTimeout") puts back an equivalent function.
 */
export function unwrapGlobal(value: unknown): unknown {
  return (typeof value === 'function' && wrappedGlobals.get(value)) || value;
}

export function wrapTimer(kind: 'setTimeout' | 'setInterval'): void {
  const original = globalThis[kind] as (...args: unknown[]) => NodeJS.Timeout;
  const wrapped = function (this: unknown, callback: unknown, delay?: unknown, ...rest: unknown[]) {
    if (inOwnCode()) {
      // A probe's own timer: not tracked, and what its callback creates is the probe's too.
      return original.call(this, typeof callback === 'function' ? asOwnCode(callback as () => unknown) : callback, delay, ...rest);
    }
    const timer = original.call(this, callback, delay, ...rest);
    mark(timer, wrapped, { timer: { kind, delayMs: typeof delay === 'number' ? delay : 1 }, isOpen: isPending });
    if (creationSite(timer)) liveTimers.add(timer);
    // Samples prune too; this bounds the set when nothing samples (handles probe off).
    if (liveTimers.size > pruneAbove) {
      forgetFinishedTimers();
      pruneAbove = Math.max(1024, liveTimers.size * 2);
    }
    return timer;
  };
  // util.promisify(setTimeout) must keep working.
  const custom = (original as unknown as Record<symbol, unknown>)[promisify.custom];
  if (custom) Object.defineProperty(wrapped, promisify.custom, { value: custom });
  Object.defineProperty(wrapped, 'name', { value: original.name });
  wrappedGlobals.set(wrapped, original);
  (globalThis as Record<string, unknown>)[kind] = wrapped;
  // `import { setInterval } from 'node:timers'` too (syncBuiltinESMExports runs after).
  if (timersModule[kind] === original) (timersModule as Record<string, unknown>)[kind] = wrapped;
}
