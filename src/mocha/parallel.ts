/**
 * `mocha --parallel`: root hooks run in worker processes (one Mocha run per test file),
 * global fixtures only in the main process, the teardown after every worker is done, and
 * Mocha's serializer drops custom fields. So each worker writes its findings for each
 * file into a run directory the main process made, and the main process merges them.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import { ownFs } from '../core/own-fs';
import type { LeakReport } from '../core/report-model';

/** Inherited by the workers, which Mocha forks after the global setup. */
export const RUN_DIR_ENV = 'LEAKGUARD_RUN_DIR';
/** The pid of the main process that made the run dir, inherited by the workers with it. */
export const RUN_PID_ENV = 'LEAKGUARD_RUN_PID';
/** Set by a main process that fails the run once for the leaks of every worker (see failOnceForLeaks). */
export const MAIN_FAILS_ENV = 'LEAKGUARD_MAIN_FAILS';

/**
 * True in a Mocha parallel worker: a process that the main process which made the run dir
 * forked itself. A Mocha run that a test starts inside a worker inherits the same
 * environment, but its parent is that worker: it is a run of its own, and its leaks are not
 * the outer run's.
 */
export function inParallelWorker(): boolean {
  return process.env[RUN_DIR_ENV] !== undefined && process.env[RUN_PID_ENV] === String(process.ppid);
}

/**
 * Main process: a fresh directory for this run's partial reports. Not in os.tmpdir(),
 * which a test may empty: in the project's `node_modules/.cache/leakguard/`, where there
 * is one that can be written (the dir is removed when the run ends), else in os.tmpdir().
 */
export function createRunDir(projectDir = process.cwd()): string {
  const dir = makeRunDir(path.join(projectDir, 'node_modules', '.cache', 'leakguard')) ?? ownFs.mkdtempSync(path.join(os.tmpdir(), 'leakguard-run-'));
  process.env[RUN_DIR_ENV] = dir;
  process.env[RUN_PID_ENV] = String(process.pid);
  return dir;
}

function makeRunDir(parent: string): string | undefined {
  if (!ownFs.statSync(path.dirname(path.dirname(parent)), { throwIfNoEntry: false })?.isDirectory()) return undefined;
  try {
    ownFs.mkdirSync(parent, { recursive: true });
    return ownFs.mkdtempSync(path.join(parent, 'run-'));
  } catch {
    return undefined;
  }
}

/** node_modules/.cache/leakguard and .cache, once nothing else is in them (another run's dir may be). */
function removeIfEmpty(dir: string): void {
  if (path.basename(dir) !== 'leakguard' || path.basename(path.dirname(dir)) !== '.cache') return;
  try {
    ownFs.rmdirSync(dir);
    ownFs.rmdirSync(path.dirname(dir));
  } catch {
    // Not empty, or gone: either way nothing of this run is left.
  }
}

let written = 0;

/**
 * Worker: one file per test file's run; written whole, then renamed, so a reader never sees
 * half. The dir is made again if something removed it.
 */
export function writePartialReport(report: LeakReport): void {
  const dir = process.env[RUN_DIR_ENV];
  if (!dir) return;
  const name = `${process.pid}-${++written}`;
  const temporary = path.join(dir, `.${name}.tmp`);
  ownFs.mkdirSync(dir, { recursive: true });
  ownFs.writeFileSync(temporary, JSON.stringify(report));
  ownFs.renameSync(temporary, path.join(dir, `${name}.json`));
}

/** Main process: every partial report written so far (none if the dir is gone), then the directory is removed. */
export function collectPartialReports(dir: string): LeakReport[] {
  try {
    let names: string[];
    try {
      names = ownFs.readdirSync(dir).filter((name) => name.endsWith('.json'));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    // Worker pid, then sequence: a stable order, close to the order the files ran in.
    names.sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
    return names.map((name) => JSON.parse(ownFs.readFileSync(path.join(dir, name), 'utf8')) as LeakReport);
  } finally {
    ownFs.rmSync(dir, { recursive: true, force: true });
    removeIfEmpty(path.dirname(dir));
    delete process.env[RUN_DIR_ENV];
    delete process.env[RUN_PID_ENV];
    delete process.env[MAIN_FAILS_ENV];
  }
}
