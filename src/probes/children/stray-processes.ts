/**
 * Processes that outlive a child process killed by a test: `exec('node server.js')` runs
 * `/bin/sh -c 'node server.js'`, and `child.kill()` ends the shell, not the node process it
 * started, which the kernel hands to init and which runs on (holding the pipes of the exec
 * open). Node never hears of it, so neither does child_process tracking.
 *
 * ChildProcess.prototype.kill is wrapped: before the signal goes out, the child's
 * descendants are read from /proc (the `children` file of each of its threads, recursively;
 * a scan of every /proc/<pid>/stat where the kernel has no such file). That costs a few
 * small reads, only when a test kills a child. Each is remembered with its start time, so a
 * pid reused by another process later is not mistaken for it; a sample then checks only
 * those remembered processes, and forgets each once it has ended.
 */
import { ChildProcess } from 'node:child_process';
import { closeSync, readdirSync, readSync } from 'node:fs';
import { inOwnCode } from '../../core/own-code';
import { openSyncUntracked } from '../../instrument/file-opens';

/** A process started (directly or not) by a child process, that was running when the child was killed. */
export interface StrayProcess {
  pid: number;
  /** Field 22 of /proc/<pid>/stat (clock ticks since boot): with the pid, names one process. */
  startTime: string;
  /** The command line from /proc/<pid>/cmdline. */
  args: string[];
  /** The child process that was killed, whose descendant it was. */
  parent: ChildProcess;
}

const PROC = '/proc';
/** The deepest process tree followed below a killed child. */
const MAX_DEPTH = 16;

const strays: StrayProcess[] = [];
let installed = false;

/** ChildProcess.prototype.kill as Node has it: for leakguard's own kills (children.kill). */
let killUntracked: ChildProcess['kill'] = ChildProcess.prototype.kill;

/** Wrap ChildProcess.prototype.kill once per process to note what a killed child leaves running. */
export function trackStrayProcesses(): void {
  if (installed) return;
  installed = true;
  const prototype = ChildProcess.prototype;
  const original = prototype.kill;
  if (typeof original !== 'function') return;
  killUntracked = original;
  const kill = function kill(this: ChildProcess, ...args: Parameters<ChildProcess['kill']>): boolean {
    if (!inOwnCode() && isRunning(this)) noteStrays(this);
    return original.apply(this, args);
  };
  Object.defineProperty(kill, 'length', { value: original.length });
  prototype.kill = kill;
}

/** Kill `child` and what it started, without noting strays: leakguard's own kill (children.kill). */
export function killTree(child: ChildProcess, signal: NodeJS.Signals): boolean {
  let descendants: Omit<StrayProcess, 'parent'>[] = [];
  try {
    if (typeof child.pid === 'number') descendants = descendantsOf(child.pid);
  } catch {
    // No /proc to read (not Linux): the child alone.
  }
  const sent = killUntracked.call(child, signal);
  for (const process of descendants) killProcess(process, signal);
  return sent;
}

/** Send `signal` to a stray process if it is still the process that was noted. */
export function killProcess(stray: Pick<StrayProcess, 'pid' | 'startTime'>, signal: NodeJS.Signals): boolean {
  if (!isAlive(stray)) return false;
  try {
    process.kill(stray.pid, signal);
    return true;
  } catch {
    return false;
  }
}

/**
 * The stray processes still running whose killed parent Node has seen end (before that,
 * the parent itself is what the children probe counts), oldest first. Reads one
 * /proc/<pid>/stat per stray noted and not yet ended; nothing when there is none.
 */
export function runningStrayProcesses(): StrayProcess[] {
  if (strays.length === 0) return strays;
  for (let i = strays.length - 1; i >= 0; i--) if (!isAlive(strays[i]!)) strays.splice(i, 1);
  return strays.filter((stray) => !isRunning(stray.parent));
}

/**
 * The stray's command line now: one forked by a shell a moment before the kill may have
 * been noted as the shell, before it ran its command.
 */
export function currentCommandLine(stray: StrayProcess): string[] {
  if (!isAlive(stray)) return stray.args;
  const args = readCommandLine(stray.pid);
  return args.length > 0 ? args : stray.args;
}

function noteStrays(child: ChildProcess): void {
  try {
    const known = new Set(strays.map((stray) => `${stray.pid}:${stray.startTime}`));
    for (const process of descendantsOf(child.pid!)) {
      if (!known.has(`${process.pid}:${process.startTime}`)) strays.push({ ...process, parent: child });
    }
  } catch {
    // No /proc (not Linux): nothing is noted, the kill goes on.
  }
}

/** The processes below `pid`, parents before their children. */
export function descendantsOf(pid: number): Omit<StrayProcess, 'parent'>[] {
  const pids: number[] = [];
  let level = [pid];
  const childrenOf = childrenReader();
  for (let depth = 0; depth < MAX_DEPTH && level.length > 0; depth++) {
    const next = level.flatMap(childrenOf);
    pids.push(...next);
    level = next;
  }
  const found: Omit<StrayProcess, 'parent'>[] = [];
  for (const descendant of pids) {
    const stat = readStat(descendant);
    if (!stat || stat.state === 'Z' || stat.state === 'X') continue;
    found.push({ pid: descendant, startTime: stat.startTime, args: readCommandLine(descendant) });
  }
  return found;
}

/**
 * A function that lists the children of a pid: from /proc/<pid>/task/<tid>/children where
 * the kernel has it (CONFIG_PROC_CHILDREN), else from the parent pids of all processes.
 */
function childrenReader(): (pid: number) => number[] {
  let byParent: Map<number, number[]> | undefined;
  return (pid) => {
    if (!byParent) {
      const children = readChildrenFiles(pid);
      if (children) return children;
      byParent = parentsOfAll();
    }
    return byParent.get(pid) ?? [];
  };
}

/** The children of `pid` from its threads' `children` files; undefined when the kernel has none. */
function readChildrenFiles(pid: number): number[] | undefined {
  let tids: string[];
  try {
    tids = readdirSync(`${PROC}/${pid}/task`);
  } catch {
    return []; // Gone already.
  }
  const children: number[] = [];
  for (const tid of tids) {
    const text = readSmallFile(`${PROC}/${pid}/task/${tid}/children`);
    if (text === undefined) {
      if (tid === String(pid)) return undefined;
      continue;
    }
    for (const word of text.split(' ')) if (word !== '') children.push(Number(word));
  }
  return children;
}

function parentsOfAll(): Map<number, number[]> {
  const byParent = new Map<number, number[]>();
  for (const name of readdirSync(PROC)) {
    if (!/^\d+$/.test(name)) continue;
    const stat = readStat(Number(name));
    if (!stat) continue;
    const siblings = byParent.get(stat.parent);
    if (siblings) siblings.push(Number(name));
    else byParent.set(stat.parent, [Number(name)]);
  }
  return byParent;
}

interface Stat {
  state: string;
  parent: number;
  startTime: string;
}

/** The fields of /proc/<pid>/stat used here; the command name, in parentheses, may hold spaces and parentheses. */
function readStat(pid: number): Stat | undefined {
  const text = readSmallFile(`${PROC}/${pid}/stat`);
  if (text === undefined) return undefined;
  // After "pid (comm) ": state, ppid, ... starttime is field 22, the 20th after the name.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return { state: fields[0]!, parent: Number(fields[1]), startTime: fields[19]! };
}

function readCommandLine(pid: number): string[] {
  const text = readSmallFile(`${PROC}/${pid}/cmdline`, 'utf8') ?? '';
  return text.split('\0').filter((arg, i, all) => arg !== '' || i < all.length - 1);
}

/** Whether the process noted is still running: same pid and start time, and not a zombie. */
function isAlive(stray: Pick<StrayProcess, 'pid' | 'startTime'>): boolean {
  const stat = readStat(stray.pid);
  return stat !== undefined && stat.state !== 'Z' && stat.state !== 'X' && stat.startTime === stray.startTime;
}

function isRunning(child: ChildProcess): boolean {
  return typeof child.pid === 'number' && child.exitCode === null && child.signalCode === null;
}

const buffer = Buffer.alloc(64 * 1024);

/**
 * A /proc file's text, read without fs.openSync (wrapped to note what tests open) and
 * without allocating per call beyond the text; undefined when it cannot be read.
 */
function readSmallFile(path: string, encoding: BufferEncoding = 'latin1'): string | undefined {
  let fd: number;
  try {
    fd = openSyncUntracked(path, 'r');
  } catch {
    return undefined;
  }
  try {
    let length = 0;
    for (;;) {
      const read = readSync(fd, buffer, length, buffer.length - length, null);
      if (read === 0 || length + read >= buffer.length) {
        length += read;
        break;
      }
      length += read;
    }
    return buffer.toString(encoding, 0, length);
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}
