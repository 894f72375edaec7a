/**
 * Mode "fail", failAt "test": a leaking test is reported once, as failed, by every
 * reporter. Mocha announces a test passed before its `afterEach` hooks run, and
 * leakguard fails it in its root `afterEach`: counted as passed and failed, the json
 * reporter said `passes 2, failures 1` for 2 tests and the xunit reporter `skipped="-1"`.
 * Where no test leaks, the output is byte for byte that of plain Mocha.
 */
import { strict as assert } from 'node:assert';
import { Fixture, jsonReporterOutcome, leakPairs } from '../helpers/fixture';
import { assertSameStdout, describeRun, runPlain } from '../helpers/compare';

const LEAKY_SPEC = String.raw`
const timers = [];
after(() => timers.splice(0).forEach(clearInterval));
describe('counts', () => {
  afterEach(function tidy() {});
  it('leaks an interval', () => {
    timers.push(setInterval(() => {}, 1000));
  });
  it('passes', () => {});
  it('fails by itself', () => {
    throw new Error('own failure');
  });
  it.skip('is skipped', () => {});
  it('passes last', async () => {});
});
`;

/** No leak; an `afterEach` hook fails: Mocha prints the passed test, then the hook's failure. */
const CLEAN_SPEC = String.raw`
describe('clean', () => {
  it('passes', () => {});
  it('passes too', (done) => setImmediate(done));
  it('fails by itself', () => {
    throw new Error('own failure');
  });
});
describe('failing afterEach', () => {
  afterEach(function breaks() {
    throw new Error('afterEach failed');
  });
  it('passes before its hook fails', () => {});
  it('never runs', () => {});
});
`;

describe('failAt "test": every reporter counts a leaking test once', function () {
  this.timeout(120_000);
  let fixture: Fixture;

  before(() => {
    fixture = new Fixture({
      'leaky/leaky.spec.js': LEAKY_SPEC,
      'clean/clean.spec.js': CLEAN_SPEC,
      '.leakguardrc.json': JSON.stringify({ mode: 'fail', failAt: 'test', report: { json: 'leakguard-report.json' } }),
    });
  });

  after(() => fixture.remove());

  it('json reporter: passes + failures + pending = tests (5, with the skipped one); the leaking test only among the failures', async () => {
    const guarded = await fixture.run(['--reporter', 'json', 'leaky']);
    const plain = await runPlain(fixture, ['--reporter', 'json', 'leaky']);
    const stats = (stdout: string) => (JSON.parse(stdout.slice(stdout.search(/^\{/m))) as { stats: Record<string, number> }).stats;
    const { tests, passes, failures, pending } = stats(guarded.stdout);
    assert.deepEqual({ tests, passes, failures, pending }, { tests: 5, passes: 2, failures: 2, pending: 1 }, describeRun(guarded));
    assert.equal(stats(plain.stdout).tests, 5);
    const outcome = jsonReporterOutcome(guarded.stdout)!;
    assert.deepEqual(outcome.failures, ['counts fails by itself', 'counts leaks an interval']);
    assert.deepEqual(outcome.passes, ['counts passes', 'counts passes last']);
    // Without leakguard the same tests ran, and the one that leaks passed.
    const without = jsonReporterOutcome(plain.stdout)!;
    assert.deepEqual([...outcome.passes, ...outcome.failures].sort(), [...without.passes, ...without.failures].sort());
    assert.deepEqual(outcome.pending, without.pending);
    assert.equal(guarded.code, 2, describeRun(guarded));
    assert.deepEqual(leakPairs(guarded.report), ['handles: counts leaks an interval']);
  });

  it('--parallel: the json reporter counts the leaking test once too (the workers hold the pass)', async () => {
    const serial = await fixture.run(['--reporter', 'json', 'leaky']);
    const parallel = await fixture.run(['--reporter', 'json', '--parallel', 'leaky']);
    const stats = (stdout: string) => (JSON.parse(stdout.slice(stdout.search(/^\{/m))) as { stats: Record<string, number> }).stats;
    const counts = ({ tests, passes, failures, pending }: Record<string, number>) => ({ tests, passes, failures, pending });
    assert.deepEqual(counts(stats(parallel.stdout)), counts(stats(serial.stdout)), describeRun(parallel));
    assert.deepEqual(jsonReporterOutcome(parallel.stdout), jsonReporterOutcome(serial.stdout));
    assert.equal(parallel.code, serial.code);
  });

  it('xunit reporter: each test listed once, skipped="1"', async () => {
    const guarded = await fixture.run(['--reporter', 'xunit', 'leaky']);
    const suite = /<testsuite [^>]*>/.exec(guarded.stdout)?.[0] ?? '';
    assert.match(suite, / tests="5" failures="0" errors="2" skipped="1" /, describeRun(guarded));
    assert.equal(guarded.stdout.match(/<testcase /g)?.length, 5, 'four that ran and the skipped one');
    assert.equal(guarded.stdout.match(/name="leaks an interval"/g)?.length, 1);
  });

  it('spec reporter: the leaking test is listed once, as failed', async () => {
    const guarded = await fixture.run(['--reporter', 'spec', 'leaky']);
    assert.match(guarded.stdout, /^ {4}1\) leaks an interval\n {4}✔ passes\n {4}2\) fails by itself\n {4}- is skipped\n {4}✔ passes last\n/m, describeRun(guarded));
    assert.match(guarded.stdout, /^ {2}2 passing.*\n {2}1 pending\n {2}2 failing$/m);
  });

  for (const reporter of ['spec', 'json', 'xunit', 'tap', 'dot']) {
    it(`no leak, a failing afterEach: ${reporter} reporter's stdout is plain Mocha's`, async () => {
      const guarded = await fixture.run(['--reporter', reporter, 'clean']);
      const plain = await runPlain(fixture, ['--reporter', reporter, 'clean']);
      assertSameStdout(guarded, plain);
      assert.deepEqual(leakPairs(guarded.report), []);
    });
  }
});
