/**
 * Which baseline entries a set of reports re-judged (their tests ran) and which they could
 * not see, and the baseline file written from them (a real file in a temp dir).
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { mergeReports } from '../../src/core/report-merge';
import { RunCoverage } from '../../src/core/run-coverage';
import { updateBaselineSync } from '../../src/report/baseline-file';
import { makeLeak, makeReport } from '../report/fixtures';

describe('run coverage and the baseline written from reports', () => {
  const project = path.resolve('/project');
  const orders = { file: 'test/orders.spec.js', durationMs: 40, tests: 2 };
  const partial = { file: 'test/cache.spec.js', durationMs: 10, tests: 1, notRun: ['cache evicts'] };

  it('counts a unit as run when its file ran in full, or when its test is not among those left out', () => {
    const coverage = RunCoverage.of([makeReport({ files: [orders, partial] })], project)!;
    assert.equal(coverage.ran({ kind: 'test', test: 'orders polls', file: 'test/orders.spec.js' }, project), true);
    assert.equal(coverage.ran({ kind: 'hook', test: '"before all" hook in orders', file: 'test/orders.spec.js' }, project), true);
    assert.equal(coverage.ran({ kind: 'test', test: 'cache warms up', file: 'test/cache.spec.js' }, project), true);
    assert.equal(coverage.ran({ kind: 'test', test: 'cache evicts', file: 'test/cache.spec.js' }, project), false);
    // A hook of a file that ran in part may not have run; a file no report ran did not.
    assert.equal(coverage.ran({ kind: 'hook', test: '"before all" hook in cache', file: 'test/cache.spec.js' }, project), false);
    assert.equal(coverage.ran({ kind: 'test', test: 'users signs up', file: 'test/users.spec.js' }, project), false);
    assert.equal(coverage.ran({ kind: 'test', test: 'orders polls' }, project), false);
  });

  it('resolves entry files against the baseline file directory and report files against the working directory', () => {
    const coverage = RunCoverage.of([makeReport({ files: [orders] })], project)!;
    assert.equal(coverage.ran({ kind: 'test', test: 'orders polls', file: '../test/orders.spec.js' }, path.join(project, 'config')), true);
  });

  it('knows nothing when one report does not say which files it ran', () => {
    assert.equal(RunCoverage.of([makeReport({ files: [orders] }), makeReport()], project), undefined);
  });

  it('a test left out of one shard but run by another ran; merged file runs add up', () => {
    const other = { file: 'test/cache.spec.js', durationMs: 5, tests: 1, notRun: ['cache warms up'] };
    const reports = [makeReport({ files: [partial] }), makeReport({ files: [other] })];
    const coverage = RunCoverage.of(reports, project)!;
    assert.equal(coverage.ran({ kind: 'test', test: 'cache evicts', file: 'test/cache.spec.js' }, project), true);
    assert.deepEqual(mergeReports(reports[0]!, reports[1]!).files, [{ file: 'test/cache.spec.js', durationMs: 15, tests: 2 }]);
    assert.equal(mergeReports(reports[0]!, makeReport()).files, undefined);
  });

  it('writes the leaks found, keeps entries of tests that did not run, drops those of tests that ran clean', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'leakguard-baseline-'));
    try {
      const file = path.join(dir, 'leakguard-baseline.json');
      const previous = [
        { kind: 'test' as const, test: 'orders polls', probe: 'handles', file: 'test/orders.spec.js' },
        { kind: 'test' as const, test: 'orders lists', probe: 'handles', file: 'test/orders.spec.js' },
        { kind: 'test' as const, test: 'users signs up', probe: 'fds', file: 'test/users.spec.js', what: ['kept as it was'] },
      ];
      const report = makeReport({
        files: [orders],
        leaks: [makeLeak({ test: 'orders polls', probe: 'handles', file: 'test/orders.spec.js' })],
        known: [makeLeak({ test: 'orders ships', probe: 'fds', file: 'test/orders.spec.js' })],
      });
      const update = updateBaselineSync(file, previous, [report], dir);
      assert.deepEqual(update, { written: 3, kept: 1, dropped: 1, coverageKnown: true });
      const written = JSON.parse(fs.readFileSync(file, 'utf8')) as { leaks: { test: string; what?: string[] }[] };
      assert.deepEqual(written.leaks.map((entry) => entry.test), ['orders polls', 'orders ships', 'users signs up']);
      assert.deepEqual(written.leaks[2]!.what, ['kept as it was']);
      // Without coverage, nothing that was not found again is dropped.
      assert.deepEqual(updateBaselineSync(file, previous, [makeReport()], dir), { written: 3, kept: 3, dropped: 0, coverageKnown: false });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
