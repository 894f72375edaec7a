/**
 * What one or more runs covered, from their reports' `files`: which baseline entries
 * belong to a test (or hook) that ran, and were judged again, and which to tests that no
 * run saw (a `--grep`, one shard of several), whose entries must be kept when the
 * baseline is written again.
 */
import * as path from 'node:path';
import type { BaselineEntry } from './baseline';
import type { LeakReport } from './report-model';

export class RunCoverage {
  private constructor(
    /** Absolute test file → the titles of its tests that did not run (empty: all ran). */
    private readonly files: ReadonlyMap<string, ReadonlySet<string>>,
  ) {}

  /**
   * The coverage of `reports` (their paths absolute, or relative to `cwd`); undefined when
   * one of them does not say which files it ran (a report of leakguard 0.1, a run cut short).
   */
  static of(reports: readonly LeakReport[], cwd: string): RunCoverage | undefined {
    if (!reports.every((report) => report.files)) return undefined;
    const files = new Map<string, Set<string>>();
    for (const run of reports.flatMap((report) => report.files ?? [])) {
      const file = path.resolve(cwd, run.file);
      const notRun = new Set(run.notRun ?? []);
      const seen = files.get(file);
      // Run by several reports: only what none of them ran is left out.
      files.set(file, seen ? new Set([...seen].filter((title) => notRun.has(title))) : notRun);
    }
    return new RunCoverage(files);
  }

  /**
   * Whether the unit of `entry` (its file relative to `baseDir`) surely ran. Hooks and file
   * units of a file that ran only in part may not have: they count as not run, so their
   * entries are kept. An entry without a file cannot be placed: not run either.
   */
  ran(entry: Pick<BaselineEntry, 'kind' | 'test' | 'file'>, baseDir: string): boolean {
    if (entry.file === undefined) return false;
    const notRun = this.files.get(path.resolve(baseDir, entry.file));
    if (!notRun) return false;
    if (notRun.size === 0) return true;
    return entry.kind === 'test' && !notRun.has(entry.test);
  }
}
