/**
 * How the fds probe reads the descriptor table: numbers only, listed again only when the
 * kernel's count or the creation sequence says something may have changed.
 */
import { closeSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import type { Reading } from '../../core/probe';
import { creationSequence } from '../../instrument/creation-sites';
import { openSyncUntracked } from '../../instrument/file-opens';

/** What a reading of this probe holds. */
export interface FdListing {
  /** The open descriptors, by number (see listOpenFds). */
  names: readonly string[];
  /** The creation sequence when they were listed (see openedSince). */
  sequence: number;
  /** The table was full (EMFILE): nothing could be listed; `names` are the last ones listed. */
  full?: true;
}

/** A reading of this probe. */
type FdReading = Reading<FdListing> & { state: FdListing };

/** The item of a unit that left the descriptor table full: no descriptor can be named then. */
export const TABLE_FULL_ID = 'fd-table-full';

function isTableFull(error: unknown): boolean {
  const code = errorCode(error);
  return code === 'EMFILE' || code === 'ENFILE';
}

/**
 * A sample lists the fd directory only when something may have changed: the kernel's
 * count of open descriptors moved, or something tracked was created or opened through fs
 * (the creation sequence). Else, and when the listing and the sequence are those of the
 * last sample, that reading is handed back: the engine then knows that nothing changed
 * without comparing. So a sample costs the same however many descriptors are open. What
 * the count cannot see: between two samples, a descriptor opened outside the wrapped
 * functions (a native addon's, a worker thread's, a socket a server accepted from another
 * process) while another one closes, the count left as it was.
 */
export function fdSampler(fdDir: string): () => FdReading {
  const limit = openFilesLimit();
  // Resolved once: the kernel resolves /proc/self again on every call, half of a stat's
  // ~9 us here and ~25 us in a busy run (express: two per test).
  const counting = countingDir(fdDir);
  const dir = counting ?? fdDir;
  let last: FdReading | undefined;
  /** The kernel's count when `last` was listed. */
  let listedCount: number | undefined;
  return () => {
    const sequence = creationSequence();
    // Something tracked was created since the last listing: the table is listed again
    // whatever the count says, and the listing gives the count (one stat less per test
    // where each test opens a socket or a file).
    const moved = last === undefined || last.state.sequence !== sequence;
    const count = counting && !moved ? openCount(dir) : undefined;
    if (last && !last.state.full && count !== undefined && count === listedCount) return last;
    // Until a listing succeeds, no count stands for one.
    listedCount = undefined;
    let names: string[];
    try {
      names = listOpenFds(dir);
    } catch (error) {
      if (!isTableFull(error)) throw error;
      last = tableFull(last, limit, sequence);
      return last;
    }
    // What the kernel counts once the listing's own descriptor is closed: the names left.
    listedCount = counting ? (count ?? names.length) : undefined;
    if (last && !last.state.full && !moved && sameNames(last.state.names, names)) return last;
    last = { value: names.length, state: { names, sequence } };
    return last;
  };
}

/**
 * No descriptor is left to list the table with (EMFILE): the count is the process's
 * limit (every number below it is taken), else 1 more than the last; the names are the
 * last ones listed. The unit that filled the table is the one whose reading goes from
 * listed to full: its leak is that (see newFds).
 */
function tableFull(last: FdReading | undefined, limit: number | undefined, sequence: number): FdReading {
  if (last?.state.full) return last;
  const names = last ? last.state.names : [];
  const value = limit ?? (last?.value ?? 0) + 1;
  return { value, state: { names, sequence, full: true } satisfies FdListing };
}

/**
 * The number of open descriptors, from the size Linux (6.2 and later) gives a process's
 * fd directory in /proc: a stat, ~5 us, where listing it costs ~30 us and more with every
 * open descriptor.
 */
function openCount(fdDir: string): number | undefined {
  try {
    return statSync(fdDir).size || undefined;
  } catch {
    return undefined;
  }
}

/**
 * The /proc fd directory `fdDir` resolves to (/proc/self/fd: this process's own), where
 * its size counts what is open; undefined elsewhere (0: an older kernel; a plain directory).
 */
function countingDir(fdDir: string): string | undefined {
  try {
    const resolved = realpathSync(fdDir);
    return /^\/proc\/\d+\/fd$/.test(resolved) && openCount(resolved) !== undefined ? resolved : undefined;
  } catch {
    return undefined;
  }
}

function sameNames(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The soft limit on open files, from /proc/self/limits (read while descriptors are left); undefined elsewhere. */
function openFilesLimit(): number | undefined {
  try {
    const limits = readFileSync('/proc/self/limits', 'utf8');
    const soft = /^Max open files\s+(\d+)/m.exec(limits)?.[1];
    return soft === undefined ? undefined : Number(soft);
  } catch {
    return undefined;
  }
}

/**
 * On Linux, O_PATH: a descriptor that only names a place, which the kernel makes without
 * opening the device. O_PATH is 010000000 on every architecture Node runs on.
 */
const LOWEST_FREE_PROBE: [string, number | string] = process.platform === 'linux' ? ['/', 0o10000000] : ['/dev/null', 'r'];

function lowestFreeFd(): number {
  const fd = openSyncUntracked(LOWEST_FREE_PROBE[0], LOWEST_FREE_PROBE[1]);
  closeSync(fd);
  return fd;
}

/**
 * The open descriptors, as their names in `fdDir` (numbers only: reading every link
 * would cost ~100 us per sample).
 *
 * readdirSync opens a descriptor on the directory, which shows up in its own listing and
 * is closed when it returns; a test that then opens a file gets that same number, and
 * the leak would hide behind it. open() returns the lowest free descriptor, which is the
 * one the listing used, so opening one right after finds it. Should another thread
 * close a lower descriptor in between, that one is dropped instead (rightly: it is
 * closed) and the listing's own stays in, so a test reusing its number is missed: a rare
 * miss, never a false report.
 */
export function listOpenFds(fdDir: string): string[] {
  const names = readdirSync(fdDir);
  const own = names.indexOf(String(lowestFreeFd()));
  if (own !== -1) names.splice(own, 1);
  return names;
}

export function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | null)?.code;
}
