/**
 * The test files a run ran, read from Mocha's suite tree once at the end of the run: how
 * long each took (for `leakguard shard --timings`) and which of its tests did not run (so
 * that writing the baseline after a partial run keeps what that run could not see).
 */
import type { FileRun } from '../core/report-model';
import type { MochaHook, MochaSuite, MochaTest } from './units';

/** Mocha sets `duration` on every runnable it ran (tests and hooks), in ms. */
interface Timed {
  duration?: number;
}

interface FileTally {
  durationMs: number;
  tests: number;
  notRun: string[];
}

/** The files of `root`'s tests, in the order first met; files none of whose tests ran are left out. */
export function fileRunsOf(root: MochaSuite): FileRun[] {
  const byFile = new Map<string, FileTally>();
  const tally = (file: string): FileTally => {
    let entry = byFile.get(file);
    if (!entry) byFile.set(file, (entry = { durationMs: 0, tests: 0, notRun: [] }));
    return entry;
  };
  const visit = (suite: MochaSuite, inherited: string | undefined): void => {
    const suiteFile = suite.file ?? inherited;
    if (suiteFile !== undefined) {
      // Hooks that run once per suite; a `beforeEach` hook object keeps only its last duration.
      for (const hook of [...suite._beforeAll, ...suite._afterAll] as (MochaHook & Timed)[]) {
        if (typeof hook.duration === 'number') tally(hook.file ?? suiteFile).durationMs += hook.duration;
      }
    }
    for (const test of suite.tests as (MochaTest & Timed)[]) {
      const file = test.file ?? suiteFile;
      if (file === undefined) continue;
      const entry = tally(file);
      if (test.state === 'passed' || test.state === 'failed') {
        entry.tests++;
        if (typeof test.duration === 'number') entry.durationMs += test.duration;
      } else {
        entry.notRun.push(test.fullTitle());
      }
    }
    for (const child of suite.suites) visit(child, suiteFile);
  };
  visit(root, undefined);
  const runs: FileRun[] = [];
  for (const [file, { durationMs, tests, notRun }] of byFile) {
    if (tests === 0) continue;
    runs.push({ file, durationMs, tests, ...(notRun.length > 0 ? { notRun } : {}) });
  }
  return runs;
}
