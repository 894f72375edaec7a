import type { ChildProcess } from 'node:child_process';
import * as timers from 'node:timers';
import { defineProbe, sameElements, type LeakItem, type ProbeContext, type ProbeInstance, type Reading } from '../core/probe';
import { stackLocations } from '../core/stack-frames';
import { creationSite, runningChildProcesses, trackCreationSites } from './creation-sites';
import { childDescriptors } from './handle-labels';

export interface ChildrenOptions {
  kill?: boolean;
}

/** An item of this probe, as newItems() makes it. */
interface ChildItem extends LeakItem {
  id: string;
  pid: number;
  command: string;
}

/** How long a leaked child gets to end after SIGTERM before it is sent SIGKILL. */
const KILL_GRACE_MS = 2000;
/** The longest command line shown in a label. */
const MAX_COMMAND_LENGTH = 200;

/**
 * Child processes a test started and that are still running after it: spawn, exec,
 * execFile and fork all go through ChildProcess.prototype.spawn, which creation-sites.ts
 * wraps to keep the live ones. A sample copies that list (usually empty: well under
 * 1 us). Memory and CPU come from pidusage, only for the children that leaked.
 *
 * Unlike the handles probe, it counts children that were unref'd or detached: they do not
 * keep Mocha alive, but they go on running (and using memory and CPU) after the run.
 * Processes started by native code without child_process are not seen.
 */
export const childrenProbe = defineProbe<ChildrenOptions>({
  name: 'children',
  unit: 'count',
  description: 'child processes started by a test and still running after it',
  defaultThreshold: 0,
  settle: true,
  options: {
    kill: {
      type: 'boolean',
      default: false,
      description:
        'kill each leaked child once it is reported (SIGTERM, then SIGKILL after 2 s), so a leaky test cannot keep CI running or leave processes behind',
    },
  },
  hint: 'A child process started in this test was still running after it. Wait for it to exit in the test (await once(child, "exit")), or kill it in afterEach (child.kill()); for exec/execFile, pass a timeout.',
  create: createChildrenProbe,
});

function createChildrenProbe({ options }: ProbeContext<ChildrenOptions>): ProbeInstance {
  trackCreationSites();
  const kill = options.kill === true;
  const killer = kill ? new Killer() : undefined;
  let last: Reading | undefined;
  return {
    sample: (): Reading => {
      const children = runningChildProcesses();
      // The same children as at the last sample (most often none): that reading holds.
      if (last && sameElements(last.state as ChildProcess[], children)) return last;
      last = { value: children.length, state: children };
      return last;
    },
    newItems: (before, after) => newChildren(before.state as ChildProcess[], after.state as ChildProcess[]),
    describe: async (items) => {
      const described = await withUsage(items as ChildItem[]);
      if (!killer) return described;
      return described.map((item, i) => {
        const child = childOfItem.get(items[i]!);
        return child && killer.kill(child) ? { ...item, killed: true, label: `${item.label} (killed by leakguard)` } : item;
      });
    },
  };
}

function newChildren(before: ChildProcess[], after: ChildProcess[]): ChildItem[] {
  if (after.length === 0) return [];
  const known = new Set(before);
  const items: ChildItem[] = [];
  for (const child of after) {
    // Exited since the sample was taken (during settling, for instance): not a leak.
    if (known.has(child) || child.exitCode !== null || child.signalCode !== null) continue;
    items.push(childItem(child));
  }
  return items;
}

function childItem(child: ChildProcess): ChildItem {
  const pid = child.pid!;
  const command = commandLine(child.spawnargs.length > 0 ? child.spawnargs : [child.spawnfile]);
  const item: ChildItem = { id: `child:${pid}`, type: 'process', label: `child process pid ${pid}: ${command}`, pid, command };
  // Its pipes, which the fds and handles probes see too: one resource (see core/shared-resources.ts).
  const fds = childDescriptors(child);
  if (fds.length > 0) item.fds = fds;
  const stack = stackLocations(creationSite(child)?.stack);
  if (stack.length > 0) item.stack = stack;
  childOfItem.set(item, child);
  return item;
}

/** The child process of each item newItems() made, for describe() and kill. */
const childOfItem = new WeakMap<LeakItem, ChildProcess>();

/** `node -e "setTimeout(() => {}, 60000)"`: arguments with spaces or quotes are quoted. */
function commandLine(args: readonly string[]): string {
  const text = args.map((arg) => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : JSON.stringify(arg))).join(' ');
  return text.length > MAX_COMMAND_LENGTH ? `${text.slice(0, MAX_COMMAND_LENGTH - 3)}...` : text;
}

interface Usage {
  cpu: number;
  memory: number;
  ctime: number;
  elapsed: number;
}

type Pidusage = ((pids: number[], options: { maxage?: number }) => Promise<Record<string, Usage | undefined>>) & { clear(): void };

/**
 * Memory (RSS) and CPU of each leaked child, from pidusage (loaded on first use). Its
 * `cpu` compares two reads a moment apart; the average over the child's life says more
 * about a process left running, so it is computed from the CPU time and the elapsed time.
 */
async function withUsage(items: ChildItem[]): Promise<ChildItem[]> {
  const pids = items.map((item) => item.pid);
  if (pids.length === 0) return items;
  let usage: Record<string, Usage | undefined>;
  try {
    const pidusage = require('pidusage') as Pidusage;
    // pidusage keeps each pid's /proc/<pid>/stat open for `maxage` ms (default 60 s); a much
    // shorter one races its own cleanup, which can close the descriptor while it reads.
    usage = await pidusage(pids, { maxage: 5000 });
  } catch {
    return items;
  }
  return items.map((item) => {
    const stats = usage[String(item.pid)];
    if (!stats) return item;
    const cpuPercent = stats.elapsed > 0 ? Math.round((stats.ctime / stats.elapsed) * 1000) / 10 : 0;
    return {
      ...item,
      // Before the command line, which the summary may shorten.
      label: `child process pid ${item.pid} (${formatMiB(stats.memory)} RSS, ${cpuPercent}% CPU): ${item.command}`,
      memory: stats.memory,
      cpuPercent,
      cpuTimeMs: Math.round(stats.ctime),
      elapsedMs: Math.round(stats.elapsed),
    };
  });
}

function formatMiB(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}

/**
 * Kills leaked children: SIGTERM now, SIGKILL to those still running after the grace
 * time (a real, unref'd timer: a faked clock cannot stop it, and it keeps nothing
 * alive), and SIGKILL at exit to those still running then.
 */
class Killer {
  private readonly pending = new Set<ChildProcess>();
  private readonly onExit = (): void => {
    for (const child of this.pending) if (isRunning(child)) child.kill('SIGKILL');
  };

  constructor() {
    process.on('exit', this.onExit);
  }

  /** Send SIGTERM to the child; false when it has already ended. */
  kill(child: ChildProcess): boolean {
    if (!isRunning(child)) return false;
    try {
      child.kill('SIGTERM');
    } catch {
      return false;
    }
    this.pending.add(child);
    const timer = timers.setTimeout(() => {
      this.pending.delete(child);
      if (isRunning(child)) child.kill('SIGKILL');
    }, KILL_GRACE_MS);
    timer.unref();
    return true;
  }
}

function isRunning(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}
