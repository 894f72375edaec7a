/**
 * `mocha --parallel`: root hooks run in worker processes (one Mocha run per test file),
 * global fixtures only in the main process, the teardown after every worker is done, and
 * Mocha's serializer drops custom fields. So each worker writes its findings for each
 * file into a run directory the main process made, and the main process merges them.
 */
import { ownFs } from '../core/own-fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { LeakReport } from '../core/report-model';

/** Inherited by the workers, which Mocha forks after the global setup. */
export const RUN_DIR_ENV = 'LEAKGUARD_RUN_DIR';
/** The pid of the main process that made the run dir, inherited by the workers with it. */
export const RUN_PID_ENV = 'LEAKGUARD_RUN_PID';

/**
 * True in a Mocha parallel worker: a process that inherited a run dir from the main process
 * (Mocha 9 and later also set MOCHA_WORKER_ID for the workers; Mocha 8.4 does not).
 */
export function inParallelWorker(): boolean {
  if (process.env[RUN_DIR_ENV] === undefined) return false;
  const main = process.env[RUN_PID_ENV];
  return process.env.MOCHA_WORKER_ID !== undefined || (main !== undefined && main !== String(process.pid));
}

/** Main process: a fresh directory for this run's partial reports. */
export function createRunDir(): string {
  const dir = ownFs.mkdtempSync(path.join(os.tmpdir(), 'leakguard-run-'));
  process.env[RUN_DIR_ENV] = dir;
  process.env[RUN_PID_ENV] = String(process.pid);
  return dir;
}

let written = 0;

/** Worker: one file per test file's run; written whole, then renamed, so a reader never sees half. */
export function writePartialReport(report: LeakReport): void {
  const dir = process.env[RUN_DIR_ENV];
  if (!dir) return;
  const name = `${process.pid}-${++written}`;
  const temporary = path.join(dir, `.${name}.tmp`);
  ownFs.writeFileSync(temporary, JSON.stringify(report));
  ownFs.renameSync(temporary, path.join(dir, `${name}.json`));
}

/** Main process: every partial report written so far, then the directory is removed. */
export function collectPartialReports(dir: string): LeakReport[] {
  try {
    const names = ownFs.readdirSync(dir).filter((name) => name.endsWith('.json'));
    // Worker pid, then sequence: a stable order, close to the order the files ran in.
    names.sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
    return names.map((name) => JSON.parse(ownFs.readFileSync(path.join(dir, name), 'utf8')) as LeakReport);
  } finally {
    ownFs.rmSync(dir, { recursive: true, force: true });
    delete process.env[RUN_DIR_ENV];
    delete process.env[RUN_PID_ENV];
  }
}
