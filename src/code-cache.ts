/**
 * Load a CommonJS file with V8's code cache. Node compiles a file anew in every process:
 * for leakguard's one file (~320 KB, see scripts/build.js) that was ~10 ms of every Mocha
 * run, half of what loading leakguard cost. V8 can instead take the compiled code from
 * data that an earlier run saved; Node 22 offers this for every module
 * (module.enableCompileCache), but only process-wide, and Node 20 not at all.
 *
 * The data lives in `node_modules/.cache/<name>/` of the nearest directory with a
 * node_modules (where babel, nyc and eslint keep theirs), one file per entry, Node
 * version, architecture and build of the file: V8 checks only the source's length, so
 * the name holds the file's size and modification time. V8 rejects data made under other V8 flags;
 * it is then saved again. It is saved when the process exits, and only when there was
 * none or it was rejected. A cache that cannot be read or written only costs the time it
 * would have saved.
 *
 * Not part of the joined file: it loads it (scripts/build.js ships it beside it).
 */
import * as fs from 'node:fs';
import { createRequire, wrap } from 'node:module';
import * as path from 'node:path';
import * as vm from 'node:vm';

interface Loaded {
  exports: Record<string, () => unknown>;
  /** Saves the compiled code, once an entry has run the parts of the file it needs. */
  keep?: () => void;
}

const loaded = new Map<string, Loaded>();

/**
 * Run `entry`, one of the functions that CommonJS file `file` (absolute) exports, the file
 * compiled with the code cache kept under `name`, and return what it returns. The file is
 * run once per process. Each entry has data of its own: what it runs is compiled by the
 * time it returns, and saved with the rest, which the first entry run in a process decides.
 */
export function loadWithCodeCache(file: string, name: string, entry: string): unknown {
  let loading = loaded.get(file);
  if (!loading) {
    loading = load(file, name, entry);
    loaded.set(file, loading);
  }
  const run = loading.exports[entry];
  if (typeof run !== 'function') throw new TypeError(`${file} exports no function "${entry}"`);
  const result = run();
  loading.keep?.();
  loading.keep = undefined;
  return result;
}

function load(file: string, name: string, entry: string): Loaded {
  let script: vm.Script;
  let cacheFile: string | undefined;
  let cachedData: Buffer | undefined;
  try {
    cacheFile = cachePath(file, name, entry);
    cachedData = cacheFile === undefined ? undefined : readIfPresent(cacheFile);
    script = new vm.Script(wrap(fs.readFileSync(file, 'utf8')), { filename: file, cachedData });
  } catch {
    // Not compiled: Node's own loader, without the cache.
    return { exports: require(file) as Loaded['exports'] };
  }
  const module = { exports: {} as Loaded['exports'], filename: file, id: file, loaded: false };
  const run = script.runInThisContext() as (exports: unknown, require: NodeJS.Require, module: unknown, filename: string, dirname: string) => void;
  run.call(module.exports, module.exports, createRequire(file), module, file, path.dirname(file));
  module.loaded = true;
  if (cacheFile === undefined || (cachedData !== undefined && !script.cachedDataRejected)) return { exports: module.exports };
  const target = cacheFile;
  return {
    exports: module.exports,
    keep: () => {
      // Where it cannot be saved (a read-only install), making the data (~1.5 ms) is waste.
      if (!mayWrite(path.dirname(target))) return;
      let data: Buffer;
      try {
        // Now, under the V8 flags the file was compiled with: leakguard sets --expose-gc
        // later, and data made after that would be rejected at the next load.
        data = script.createCachedData();
      } catch {
        return;
      }
      process.once('exit', () => save(target, data));
    },
  };
}

/** `<dir>/node_modules/.cache/<name>/<file>-<entry>-<node>-<arch>-<size>-<mtime>.cache`, dir the nearest with a node_modules. */
function cachePath(file: string, name: string, entry: string): string | undefined {
  const stats = fs.statSync(file, { bigint: true });
  const base = `${path.basename(file, '.js')}-${entry}-${process.version}-${process.arch}-`;
  for (let dir = path.dirname(file); ; dir = path.dirname(dir)) {
    const modules = path.basename(dir) === 'node_modules' ? dir : path.join(dir, 'node_modules');
    if (fs.existsSync(modules)) return path.join(modules, '.cache', name, `${base}${stats.size}-${stats.mtimeNs}.cache`);
    if (path.dirname(dir) === dir) return undefined;
  }
}

/** Whether `dir` can be made, or written in if it is there: its nearest existing ancestor is a directory this process may write in. */
function mayWrite(dir: string): boolean {
  for (let current = dir; ; current = path.dirname(current)) {
    try {
      if (!fs.statSync(current).isDirectory()) return false;
      fs.accessSync(current, fs.constants.W_OK);
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') return false;
    }
    if (path.dirname(current) === current) return false;
  }
}

function readIfPresent(file: string): Buffer | undefined {
  try {
    return fs.readFileSync(file);
  } catch {
    return undefined;
  }
}

/** Write the data (through a temporary file: another process may be reading it), and drop the data of other builds of the same file for this Node. */
function save(cacheFile: string, data: Buffer): void {
  const dir = path.dirname(cacheFile);
  const temporary = `${cacheFile}.${process.pid}.tmp`;
  try {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(temporary, data);
    fs.renameSync(temporary, cacheFile);
    const stale = path.basename(cacheFile).replace(/\d+-\d+\.cache$/, '');
    for (const entry of fs.readdirSync(dir)) {
      if (entry.startsWith(stale) && entry.endsWith('.cache') && entry !== path.basename(cacheFile)) fs.rmSync(path.join(dir, entry), { force: true });
    }
  } catch {
    try {
      fs.rmSync(temporary, { force: true });
    } catch {
      // Nothing more to do: the next run compiles afresh.
    }
  }
}
