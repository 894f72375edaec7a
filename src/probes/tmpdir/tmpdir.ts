import { accessSync, constants, lstatSync, type Stats } from 'node:fs';
import { stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import type FastGlob from 'fast-glob';
import { defineProbe, type LeakItem, type ProbeContext, type ProbeInstance, type Reading } from '../../core/probe';
import { RealPromise } from '../../core/real-timers';
import { DirListing } from './dir-listing';
import { anyOf, globMatcher, type Matcher } from '../patterns';
import { forgetEntriesNotIn, isOwnEntry, noteCreationsUnder, ownChanges, ownEntryNamesIn } from '../../instrument/temp-creations';

export interface TmpdirOptions {
  dirs?: string[];
  ignore?: string[];
  otherProcesses?: boolean;
}

/** What this probe says: one kind of item (a temp entry) with its hint, and its warnings. */
const MESSAGES = {
  hint: 'A temp file/dir was created in this test and not removed. Remove it in afterEach (fs.rmSync(dir, { recursive: true, force: true })).',
  nothingReadable: 'no directory to watch can be read; probe switched off',
  notWatching: (dir: string, code: string): string => `cannot read ${dir} (${code}); not watching it`,
  countedAsEmpty: (dir: string, code: string): string => `cannot read ${dir} (${code}); counting it as empty while it cannot be read`,
};

type EntryType = 'file' | 'dir' | 'other';

/** An item of this probe, as newItems() makes it. */
interface EntryItem extends LeakItem {
  id: string;
  path: string;
  type: EntryType;
}

/** A directory being watched, and whether its failure to read has been reported. */
interface WatchedDir {
  listing: DirListing;
  warned: boolean;
  /** The listing at the previous sample, to notice a change. */
  lastSeen?: ReadonlySet<string>;
}

/**
 * Caches that tools write into the temp dir while the tests load code, not the tests:
 * - `tsx-*`: tsx's transform cache ($TMPDIR/tsx-<uid>/), created when the first file is
 *   compiled, which may be a module a test imports lazily.
 * - `node-compile-cache`: where module.enableCompileCache() puts Node's compile cache
 *   when neither it nor NODE_COMPILE_CACHE names a directory (Node 22.1+).
 */
const ALWAYS_IGNORED: readonly string[] = ['tsx-*', 'node-compile-cache'];

const EMPTY: ReadonlySet<string> = new Set();

/**
 * Files and directories a test leaves at the top level of the temp dir (or the dirs
 * configured). Only entries this process made through fs are reported (unless
 * `otherProcesses`), and fs tells which those are: a sample stats them by name, and never
 * lists the directory, which a shared /tmp can fill with 100,000 entries of other programs.
 * With `otherProcesses`, a sample is one stat() per directory, and the listing is read
 * again only when the directory changed (see DirListing).
 */
export const tmpdirProbe = defineProbe<TmpdirOptions>({
  name: 'tmpdir',
  unit: 'count',
  description: 'files and directories left in the temp dir',
  defaultThreshold: 0,
  settle: { attempts: 3, maxWaitMs: 50 },
  options: {
    dirs: {
      type: 'string[]',
      description:
        'directories whose top-level entries are watched (default: the OS temp dir, os.tmpdir()); relative paths resolve against the config file\'s directory',
    },
    ignore: {
      type: 'string[]',
      default: [],
      description: 'entry names not to report; * matches any characters ("tsx-*", "*.lock"); added to the built-in list',
    },
    otherProcesses: {
      type: 'boolean',
      default: false,
      description:
        'also report entries this process did not create through fs (made by child processes, or by other programs sharing the temp dir, such as parallel Mocha workers)',
    },
  },
  hint: MESSAGES.hint,
  create: createTmpdirProbe,
});

/** What a reading of this probe holds: the names in each directory (see sampleDirs). */
type Listings = ReadonlyArray<ReadonlySet<string>>;

function createTmpdirProbe(context: ProbeContext<TmpdirOptions>): ProbeInstance<Listings> | null {
  const dirs = readableDirs(context);
  if (dirs.length === 0) {
    context.warn(MESSAGES.nothingReadable);
    return null;
  }
  const ignored = anyOf([...ALWAYS_IGNORED, ...(context.options.ignore ?? [])].map(globMatcher));
  noteCreationsUnder(dirs.map((watched) => watched.listing.dir));
  const everyone = context.options.otherProcesses === true;
  const whose = everyone ? () => true : isOwnEntry;
  const read = everyone ? (watched: WatchedDir) => readOrEmpty(watched, context.warn) : presentOwnEntries;
  // Only entries this process made are reported, and making or removing one goes through
  // fs, which moves ownChanges(): while it stays put, the last reading stands, for free.
  let last: { changes: number; reading: Reading<Listings> } | undefined;
  const sample = (): Reading<Listings> => {
    if (last && !everyone && last.changes === ownChanges()) return last.reading;
    const changes = ownChanges();
    const reading = sampleDirs(dirs, read);
    last = { changes, reading };
    return reading;
  };
  return {
    sample,
    newItems: (before, after) => newEntries(dirs, before, after, ignored).filter((item) => whose(item.path)),
    describe: (items) => RealPromise.all((items as EntryItem[]).map(describeEntry)),
  };
}

/**
 * The configured directories that can be read now; each one that cannot is named in a
 * warning. Listed only where every entry counts (`otherProcesses`).
 */
function readableDirs({ options, rootDir, warn }: ProbeContext<TmpdirOptions>): WatchedDir[] {
  const paths = new Set((options.dirs ?? [tmpdir()]).map((dir) => resolve(rootDir, dir)));
  const watched: WatchedDir[] = [];
  for (const dir of paths) {
    const listing = new DirListing(dir);
    try {
      if (options.otherProcesses) listing.read();
      else accessSync(dir, constants.R_OK | constants.X_OK);
      watched.push({ listing, warned: false });
    } catch (error) {
      warn(MESSAGES.notWatching(dir, errorCode(error)));
    }
  }
  return watched;
}

/**
 * One Set of names per directory, in `state`. The Sets are the listings' own, so an
 * unchanged directory gives the very same Set and newItems() skips it at once.
 */
function sampleDirs(dirs: readonly WatchedDir[], read: (watched: WatchedDir) => ReadonlySet<string>): Reading<Listings> {
  const listings = dirs.map(read);
  if (listings.some((names, i) => names !== dirs[i]!.lastSeen)) {
    // Something changed: forget own entries that are gone, so that set stays small.
    forgetEntriesNotIn((entry) =>
      dirs.some((watched, i) => dirname(entry) === watched.listing.dir && listings[i]!.has(basename(entry))),
    );
    listings.forEach((names, i) => (dirs[i]!.lastSeen = names));
  }
  let value = 0;
  for (const names of listings) value += names.size;
  return {
    value,
    state: listings,
    // Built only when asked, as 100,000 entries are too many objects to make on every
    // sample: the engine reads items only to judge what a `before all` hook created.
    get items(): LeakItem[] {
      return listings.flatMap((names, i) =>
        [...names].map((name) => {
          const path = join(dirs[i]!.listing.dir, name);
          return { id: path, label: path, path };
        }),
      );
    },
  };
}

/**
 * The entries of `watched` that this process made and that are there now: one lstat each.
 * The same Set as last time when they are the same ones, so newItems() skips the dir.
 */
function presentOwnEntries(watched: WatchedDir): ReadonlySet<string> {
  const present = ownEntryNamesIn(watched.listing.dir).filter((name) => lstatSync(join(watched.listing.dir, name), { throwIfNoEntry: false }) !== undefined);
  const lastSeen = watched.lastSeen;
  if (lastSeen && lastSeen.size === present.length && present.every((name) => lastSeen.has(name))) return lastSeen;
  return new Set(present);
}

/** A directory that can no longer be read (removed by a test, made unreadable) counts as empty until it can. */
function readOrEmpty(watched: WatchedDir, warn: (message: string) => void): ReadonlySet<string> {
  try {
    return watched.listing.read();
  } catch (error) {
    if (!watched.warned) {
      watched.warned = true;
      warn(MESSAGES.countedAsEmpty(watched.listing.dir, errorCode(error)));
    }
    return EMPTY;
  }
}

function newEntries(dirs: readonly WatchedDir[], before: Reading<Listings>, after: Reading<Listings>, ignored: Matcher): EntryItem[] {
  const was = before.state!;
  const items: EntryItem[] = [];
  after.state!.forEach((names, i) => {
    const old = was[i];
    if (names === old) return;
    for (const name of names) {
      if (old?.has(name) || ignored(name)) continue;
      const item = entryItem(join(dirs[i]!.listing.dir, name));
      if (item) items.push(item);
    }
  });
  return items;
}


/** An item for a new entry; undefined when it is already gone again. */
function entryItem(path: string): EntryItem | undefined {
  try {
    return { id: path, label: path, path, type: entryType(lstatSync(path)) };
  } catch {
    return undefined;
  }
}

function entryType(stats: Stats): EntryType {
  if (stats.isFile()) return 'file';
  return stats.isDirectory() ? 'dir' : 'other';
}

/**
 * Files get their size; directories the total size and number of the files in them. The
 * size stays out of the label: the summary prints it after the label of any item with one.
 */
async function describeEntry(item: EntryItem): Promise<LeakItem> {
  if (item.type === 'dir') {
    const { files, size } = await directoryTotals(item.path);
    return { ...item, size, files, label: `${item.path}/ with ${files} ${files === 1 ? 'file' : 'files'}` };
  }
  if (item.type !== 'file') return item;
  try {
    return { ...item, size: (await stat(item.path)).size };
  } catch {
    return item;
  }
}

async function directoryTotals(dir: string): Promise<{ files: number; size: number }> {
  // `cwd` rather than a pattern built from the path: temp names may hold glob characters.
  // Loaded on first use: only leaked directories need a walk, and it keeps start-up light.
  const fg = require('fast-glob') as typeof FastGlob;
  const entries = await fg('**', {
    cwd: dir,
    stats: true,
    dot: true,
    onlyFiles: true,
    followSymbolicLinks: false,
    suppressErrors: true,
  });
  let size = 0;
  for (const entry of entries) size += entry.stats?.size ?? 0;
  return { files: entries.length, size };
}

function errorCode(error: unknown): string {
  return (error as NodeJS.ErrnoException | null)?.code ?? String(error);
}
