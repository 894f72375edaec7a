/**
 * Each test is measured by leakguard's root afterEach, from where the last unit ended.
 * Through a real Mocha subprocess, in mode "warn" and with failAt "test" (which fails a
 * leaking test in its place), the same findings: a test in the middle of a suite is
 * blamed, not the next one; the last test of a suite is measured before Mocha drops the
 * suite's test functions (memory that only they keep is still the test's), also when it is
 * a retry.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Fixture, inParallel, leakPairs, type RunResult } from '../helpers/fixture';

// The memory scenarios run apart: when a suite ends, Mocha drops its test functions and
// what only they kept is freed, and a test confirmed against a collection taken before
// that release sees its growth net of it (a known limit of the adaptive heap mode).
const MIDDLE_SPEC = String.raw`
const intervals = [];
describe('middle', () => {
  it('before the leak', () => {});
  it('starts an interval', () => { intervals.push(setInterval(() => {}, 1000)); });
  it('after the leak', () => {});
});
// Let the process exit: the interval is the leak under test, not a reason to hang. (Cleared
// at the run's end, not in the suite's own after(), which would make it no leak.)
after(() => { for (const interval of intervals) clearInterval(interval); });
`;

const SUITE_ONLY_SPEC = String.raw`
describe('kept by the suite only', () => {
  // Only this suite's test functions reach the array: Mocha drops them when the suite ends.
  const ownKept = [];
  it('clean', () => {});
  it('keeps 3 MB as the last test', () => {
    for (let i = 0; i < 30000; i++) ownKept.push({ i, text: 'record ' + i });
  });
});
`;

const RETRIED_SPEC = String.raw`
describe('retried last', function () {
  this.retries(1);
  const ownKept = [];
  let attempts = 0;
  it('clean', () => {});
  it('keeps 3 MB on its passing retry', () => {
    attempts++;
    if (attempts === 1) throw new Error('flaky on its first attempt');
    for (let i = 0; i < 30000; i++) ownKept.push({ i, text: 'record ' + i });
  });
});
`;

const LAST_SPEC = String.raw`
describe('after everything', () => {
  it('clean', () => {});
});
`;

const EXPECTED = {
  a: ['handles: middle starts an interval', 'heap: kept by the suite only keeps 3 MB as the last test'],
  b: ['heap: retried last keeps 3 MB on its passing retry'],
};

describe('test boundaries: mode "warn" and failAt "test" blame the same tests', function () {
  this.timeout(120_000);
  let fixture: Fixture;
  const runs: Record<string, RunResult> = {};

  before(async () => {
    fixture = new Fixture({
      'a/1-middle.spec.js': MIDDLE_SPEC,
      'a/2-suite-only.spec.js': SUITE_ONLY_SPEC,
      'a/3-last.spec.js': LAST_SPEC,
      'b/retried.spec.js': RETRIED_SPEC,
    });
    const plan: [string, string, boolean][] = [
      ['warn a', 'a', false],
      ['warn b', 'b', false],
      ['fail a', 'a', true],
      ['fail b', 'b', true],
    ];
    await inParallel(
      plan.map(([name, dir, failing]) => async () => {
        fs.writeFileSync(path.join(fixture.dir, `${name.replace(' ', '-')}.leakguardrc.json`), JSON.stringify({ ...(failing ? { mode: 'fail' } : {}), report: { json: `${name.replace(' ', '-')}.json` } }));
        runs[name] = await fixture.run(['--reporter', 'dot', dir], {
          env: { LEAKGUARD_CONFIG: `${name.replace(' ', '-')}.leakguardrc.json` },
          reportPath: `${name.replace(' ', '-')}.json`,
        });
      }),
    );
  });

  after(() => fixture?.remove());

  it('mode "warn": exactly the leaking tests, the last of each suite and a retried one included', () => {
    for (const dir of ['a', 'b'] as const) {
      const run = runs[`warn ${dir}`]!;
      assert.equal(run.code, 0, run.stdout + run.stderr);
      assert.deepEqual(leakPairs(run.report), EXPECTED[dir], run.stderr);
    }
  });

  it('failAt "test": the same tests, each failed in its place', () => {
    for (const dir of ['a', 'b'] as const) {
      const run = runs[`fail ${dir}`]!;
      assert.deepEqual(leakPairs(run.report), EXPECTED[dir], run.stderr);
      assert.equal(run.code, EXPECTED[dir].length, run.stdout + run.stderr);
    }
  });
});
