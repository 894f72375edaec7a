import { ChildProcess } from 'node:child_process';
import * as timers from 'node:timers';
import { defineProbe, reusingUnchanged, sameElements, type LeakItem, type ProbeContext, type ProbeInstance } from '../../core/probe';
import { stackLocations } from '../../core/stack-frames';
import { trackCreationSites } from '../../instrument';
import { hasExited, runningChildProcesses } from '../../instrument/child-processes';
import { creationSite } from '../../instrument/creation-sites';
import { childDescriptors } from '../handle-labels';
import { kindOf, type ItemKind } from '../item-kinds';
import { currentCommandLine, killProcess, killTree, runningStrayProcesses, trackStrayProcesses, type StrayProcess } from './stray-processes';

export interface ChildrenOptions {
  kill?: boolean;
}

/** An item of this probe, as newItems() makes it. */
interface ChildItem extends LeakItem {
  id: string;
  pid: number;
  command: string;
  /** For a process that outlived a killed child (type `stray`): that child's pid and command line. */
  parent?: { pid: number; command: string };
}

/** The hint for each type of item: a child a test started (`process`), or a process one left behind (`stray`). */
const CHILD_KINDS: Readonly<Record<'process' | 'stray', ItemKind>> = {
  process: {
    hint: 'A child process started in this test was still running after it. Wait for it to exit in the test (await once(child, "exit")), or kill it in afterEach (child.kill()); for exec/execFile, pass a timeout.',
  },
  stray: {
    hint: 'A child process was killed in this test, but a process it had started was still running after it (kill() ends only the child: with exec() or shell: true, that is the shell, not the command it runs). Start the command without a shell (execFile or spawn with the program and its arguments), or start it with detached: true and end the whole group with process.kill(-child.pid); and wait for the exit (await once(child, "exit")).',
  },
};

/** How long a leaked child gets to end after SIGTERM before it is sent SIGKILL. */
const KILL_GRACE_MS = 2000;
/** The longest command line shown in a label. */
const MAX_COMMAND_LENGTH = 200;

/**
 * Child processes a test started and that are still running after it: spawn, exec,
 * execFile and fork all go through ChildProcess.prototype.spawn, which
 * instrument/child-processes.ts wraps to keep the live ones. A sample copies that list
 * (usually empty: well under 1 us). Memory and CPU come from pidusage, only for the
 * children that leaked.
 *
 * Unlike the handles probe, it counts children that were unref'd or detached: they do not
 * keep Mocha alive, but they go on running (and using memory and CPU) after the run.
 * Processes started by native code without child_process are not seen.
 *
 * A child killed by a test may leave its own children running (the command an exec()'s
 * shell started): they are counted too, as strays (see stray-processes.ts), with the line
 * that started the killed child.
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
  hint: (item) => kindOf(CHILD_KINDS, item?.type, CHILD_KINDS.process).hint,
  create: createChildrenProbe,
});

function createChildrenProbe({ options }: ProbeContext<ChildrenOptions>): ProbeInstance<Running[]> {
  trackCreationSites();
  trackStrayProcesses();
  const killer = options.kill === true ? new Killer() : undefined;
  return {
    // The same children as at the last sample (most often none): that reading holds.
    sample: reusingUnchanged(() => {
      const children = runningChildProcesses();
      const strays = runningStrayProcesses();
      const running: Running[] = strays.length === 0 ? children : [...children, ...strays];
      return { value: running.length, state: running };
    }, sameElements),
    newItems: (before, after) => newChildren(before.state!, after.state!),
    describe: (items) => withUsage(items as ChildItem[]),
    endLeaked: killer && ((items) => items.map((item) => {
      const running = runningOf(item);
      return running && killer.kill(running) ? { ...item, killed: true, label: `${item.label} (killed by leakguard)` } : item;
    })),
  };
}

/** What a sample lists: child processes, and processes that outlived a killed child. */
type Running = ChildProcess | StrayProcess;

function isStray(running: Running): running is StrayProcess {
  return !(running instanceof ChildProcess);
}

function newChildren(before: Running[], after: Running[]): ChildItem[] {
  if (after.length === 0) return [];
  const known = new Set(before);
  const items: ChildItem[] = [];
  for (const running of after) {
    if (known.has(running)) continue;
    if (isStray(running)) {
      items.push(strayItem(running));
      continue;
    }
    // Exited since the sample was taken (during settling, for instance): not a leak.
    if (hasExited(running)) continue;
    items.push(childItem(running));
  }
  return items;
}

function childItem(child: ChildProcess): ChildItem {
  const pid = child.pid!;
  const command = commandLine(child.spawnargs.length > 0 ? child.spawnargs : [child.spawnfile]);
  const item: ChildItem = { id: childId(child), type: 'process', label: itemLabel('child process', pid, command), pid, command };
  // Its pipes, which the fds and handles probes see too: one resource (see core/shared-resources.ts).
  const fds = childDescriptors(child);
  if (fds.length > 0) item.fds = fds;
  const stack = stackLocations(creationSite(child)?.stack);
  if (stack.length > 0) item.stack = stack;
  return item;
}

/** A process that outlived the child it was started by, which a test killed: where that child was started. */
function strayItem(stray: StrayProcess): ChildItem {
  const command = commandLine(currentCommandLine(stray));
  const parent = { pid: stray.parent.pid!, command: commandLine(stray.parent.spawnargs.length > 0 ? stray.parent.spawnargs : [stray.parent.spawnfile]) };
  const item: ChildItem = {
    id: strayId(stray),
    type: 'stray',
    label: itemLabel('process', stray.pid, command, parent),
    pid: stray.pid,
    command,
    parent,
  };
  // The killed child's pipes, which the stray holds open (the fds and handles probes see
  // them): one resource with it (see core/shared-resources.ts).
  const fds = childDescriptors(stray.parent);
  if (fds.length > 0) item.fds = fds;
  const stack = stackLocations(creationSite(stray.parent)?.stack);
  if (stack.length > 0) item.stack = stack;
  return item;
}

/**
 * `child process pid 12 (3.1 MiB RSS, 0% CPU): node x.js`; a stray says first which killed
 * child it outlived (`process pid 13 left running by killed child process pid 12 (...)`):
 * a label shortened to fit a line keeps its start and cuts the command.
 */
function itemLabel(what: string, pid: number, command: string, parent?: { pid: number }, usage?: string): string {
  const outlived = parent ? ` left running by killed child process pid ${parent.pid}` : '';
  return `${what} pid ${pid}${outlived}${usage ? ` (${usage})` : ''}: ${command}`;
}

function childId(child: ChildProcess): string {
  return `child:${child.pid}`;
}

function strayId(stray: StrayProcess): string {
  return `stray:${stray.pid}:${stray.startTime}`;
}

/** The child or stray an item names, while it runs (see the `kill` option). */
function runningOf(item: LeakItem): Running | undefined {
  return runningChildProcesses().find((child) => childId(child) === item.id) ?? runningStrayProcesses().find((stray) => strayId(stray) === item.id);
}

/**
 * `node -e "setTimeout(() => {}, 60000)"`: arguments with spaces or quotes are quoted; a
 * long one is cut after the last whole argument that fits (` ...`), not inside one.
 */
function commandLine(args: readonly string[]): string {
  const quoted = args.map((arg) => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : JSON.stringify(arg)));
  const text = quoted.join(' ');
  if (text.length <= MAX_COMMAND_LENGTH) return text;
  let kept = '';
  for (const arg of quoted) {
    const next = kept ? `${kept} ${arg}` : arg;
    if (next.length > MAX_COMMAND_LENGTH - 4) break;
    kept = next;
  }
  return kept ? `${kept} ...` : `${text.slice(0, MAX_COMMAND_LENGTH - 3)}...`;
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
      label: itemLabel(item.parent ? 'process' : 'child process', item.pid, item.command, item.parent, `${formatMiB(stats.memory)} RSS, ${cpuPercent}% CPU`),
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
  private readonly pending = new Set<Running>();
  private readonly onExit = (): void => {
    for (const running of this.pending) send(running, 'SIGKILL');
  };

  constructor() {
    process.on('exit', this.onExit);
  }

  /** Send SIGTERM to the child (and what it started) or the stray; false when it has already ended. */
  kill(running: Running): boolean {
    if (!send(running, 'SIGTERM')) return false;
    this.pending.add(running);
    const timer = timers.setTimeout(() => {
      this.pending.delete(running);
      send(running, 'SIGKILL');
    }, KILL_GRACE_MS);
    timer.unref();
    return true;
  }
}

/** Signal a running child (with its descendants: they would outlive it) or stray; false when it has ended. */
function send(running: Running, signal: NodeJS.Signals): boolean {
  if (isStray(running)) return killProcess(running, signal);
  if (hasExited(running)) return false;
  try {
    return killTree(running, signal);
  } catch {
    return false;
  }
}
