/**
 * Which temp-dir entries this process made. A temp dir is shared: other processes (a
 * parallel Mocha worker, a build tool, another test run) create and remove entries there
 * at any time, and a listing cannot tell whose they are. So the fs functions that create
 * paths are wrapped to note, for each watched directory, the top-level entry a path falls
 * under; the tmpdir probe then reports only entries this process made.
 *
 * Costs one string comparison per watched directory on each call; nothing is kept for
 * paths outside the watched directories.
 */
import { syncBuiltinESMExports } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import fs = require('node:fs');
import { ownFs } from '../core/own-fs';

const watched: string[] = [];
const ownEntries = new Set<string>();
let installed = false;
/** Moves whenever a path under a watched directory is created, opened or removed through fs. */
let changes = 0;

/**
 * A counter that moves with every change this process makes under the watched
 * directories through fs: while it stays put, no own entry came or went.
 */
export function ownChanges(): number {
  return changes;
}

/** Start noting entries created under `dirs` (absolute paths). */
export function noteCreationsUnder(dirs: readonly string[]): void {
  for (const dir of dirs) {
    const prefix = path.resolve(dir) + path.sep;
    if (!watched.includes(prefix)) watched.push(prefix);
  }
  install();
}

/** True when this process created (something under) this top-level entry. */
export function isOwnEntry(entryPath: string): boolean {
  return ownEntries.has(entryPath);
}

/** The names of the top-level entries of `dir` that this process created, present or not. */
export function ownEntryNamesIn(dir: string): string[] {
  const prefix = path.resolve(dir) + path.sep;
  const names: string[] = [];
  for (const entry of ownEntries) if (entry.startsWith(prefix)) names.push(entry.slice(prefix.length));
  return names;
}

/** Forget entries that are gone, so the set stays as small as the temp dir's leftovers. */
export function forgetEntriesNotIn(present: (entryPath: string) => boolean): void {
  for (const entry of ownEntries) if (!present(entry)) ownEntries.delete(entry);
}

/**
 * `target` may be created now (`'before'` the call that may create it: an entry that is
 * already there is not this process's, though a file is written in it; a project that
 * lives in the temp dir is not a test's leftover), was created (`'after'`: mkdtemp), or
 * may be removed (`false`).
 */
function note(target: unknown, creates: 'before' | 'after' | false = 'before'): void {
  const file = toPath(target);
  if (file === undefined) return;
  const absolute = path.resolve(file);
  for (const prefix of watched) {
    // The watched directory itself, removed or made again: its listing changes too.
    if (absolute + path.sep === prefix) changes++;
    if (!absolute.startsWith(prefix)) continue;
    const top = absolute.slice(prefix.length).split(path.sep)[0];
    const entry = prefix + top;
    if (top && creates && !ownEntries.has(entry) && (creates === 'after' || !exists(entry))) ownEntries.add(entry);
    changes++;
  }
}

function exists(entry: string): boolean {
  return ownFs.statSync(entry, { throwIfNoEntry: false }) !== undefined || isDanglingLink(entry);
}

function isDanglingLink(entry: string): boolean {
  try {
    ownFs.readlinkSync(entry);
    return true;
  } catch {
    return false;
  }
}

function noteRemoval(target: unknown): void {
  note(target, false);
}

function noteCreated(target: unknown): void {
  note(target, 'after');
}

/** An open that may create its file: its flags can (`w`, `a`, `x`, O_CREAT); a read cannot. */
function noteOpen(target: unknown, flags: unknown): void {
  const creating = typeof flags === 'number' ? (flags & fs.constants.O_CREAT) !== 0 : typeof flags === 'string' && /[wax]/.test(flags);
  if (creating) note(target);
}

function toPath(target: unknown): string | undefined {
  if (typeof target === 'string') return target;
  if (target instanceof URL) return target.protocol === 'file:' ? fileURLToPath(target) : undefined;
  if (Buffer.isBuffer(target)) return target.toString();
  return undefined;
}

/** Functions whose argument at `index` is a path they may remove (counted as changes only). */
const REMOVING: readonly [name: string, index: number][] = [
  ['rm', 0],
  ['rmdir', 0],
  ['unlink', 0],
  ['rename', 0],
];

/** Functions whose argument at `index` is a path they may create (`open`: see noteOpen). */
const CREATING: readonly [name: string, index: number][] = [
  ['mkdir', 0],
  ['writeFile', 0],
  ['appendFile', 0],
  ['copyFile', 1],
  ['cp', 1],
  ['rename', 1],
  ['symlink', 1],
  ['link', 1],
  ['createWriteStream', 0],
];

function install(): void {
  if (installed) return;
  installed = true;
  const fsFunctions = fs as unknown as Record<string, unknown>;
  const promises = fs.promises as unknown as Record<string, unknown>;
  for (const [list, noteIt] of [
    [REMOVING, noteRemoval],
    [CREATING, (target: unknown) => note(target)],
  ] as const) {
    for (const [name, index] of list) {
      wrapArgument(fsFunctions, name, index, noteIt);
      wrapArgument(fsFunctions, `${name}Sync`, index, noteIt);
      wrapArgument(promises, name, index, noteIt);
    }
  }
  // open(path, flags = 'r', ...): a read creates nothing.
  for (const [target, name] of [[fsFunctions, 'open'], [fsFunctions, 'openSync'], [promises, 'open']] as const) {
    wrapArguments(target, name, (args) => noteOpen(args[0], args[1] === undefined || typeof args[1] === 'function' ? 'r' : args[1]));
  }
  // mkdtemp names its directory itself: note what it returns.
  const mkdtempSync = fs.mkdtempSync;
  fsFunctions.mkdtempSync = function mkdtempSyncNoted(this: unknown, ...args: Parameters<typeof fs.mkdtempSync>) {
    const created = mkdtempSync.apply(this, args);
    noteCreated(created);
    return created;
  };
  const mkdtemp = fs.mkdtemp as unknown as (...args: unknown[]) => unknown;
  fsFunctions.mkdtemp = function mkdtempNoted(this: unknown, ...args: unknown[]) {
    const callback = args.at(-1);
    if (typeof callback === 'function') {
      args[args.length - 1] = function created(this: unknown, error: unknown, folder: unknown) {
        if (!error) noteCreated(folder);
        return callback.call(this, error, folder);
      };
    }
    return mkdtemp.apply(this, args);
  };
  const mkdtempPromise = fs.promises.mkdtemp;
  promises.mkdtemp = async function mkdtempPromiseNoted(this: unknown, ...args: Parameters<typeof fs.promises.mkdtemp>) {
    const created = await mkdtempPromise.apply(this, args);
    noteCreated(created);
    return created;
  };
  syncBuiltinESMExports();
}

function wrapArgument(target: Record<string, unknown>, name: string, index: number, noteIt: (path: unknown) => void): void {
  wrapArguments(target, name, (args) => noteIt(args[index]));
}

function wrapArguments(target: Record<string, unknown>, name: string, noteIt: (args: unknown[]) => void): void {
  const original = target[name];
  if (typeof original !== 'function') return;
  const wrapped = function (this: unknown, ...args: unknown[]) {
    noteIt(args);
    return (original as (...all: unknown[]) => unknown).apply(this, args);
  };
  Object.defineProperty(wrapped, 'name', { value: original.name });
  Object.defineProperty(wrapped, 'length', { value: original.length });
  target[name] = wrapped;
}
