/**
 * An uncaught error from a test's stray callback, thrown while leakguard waits after that
 * test, must fail the test that plain Mocha fails with it, and the run must go on: the
 * issue's case is a timer that throws 30 ms after its test ended, a synchronous test
 * after it, and a test still running when the timer fires.
 */
import { strict as assert } from 'node:assert';
import { Fixture, leakPairs } from '../helpers/fixture';
import { assertSameStdout, describeRun, runPlain } from '../helpers/compare';

const STRAY_SPEC = String.raw`
describe('first', () => {
  it('1 throws from a timer after it ends', () => {
    setTimeout(() => { throw new Error('stray'); }, 30);
  });
  it('2 is synchronous', () => {});
  it('3 settles at once', async () => {});
  it('4 is running when the timer fires', function (done) {
    // Never calls done: Mocha fails it with the stray error, with or without leakguard.
    this.timeout(60000);
  });
  it('5 fails', () => {
    throw new Error('plain failure');
  });
  it('6 passes', () => {});
});
describe('second', () => {
  it('runs', () => {});
});
`;

describe('a stray error thrown while leakguard waits', function () {
  this.timeout(120_000);
  let fixture: Fixture;

  before(() => {
    fixture = new Fixture({ 'test/stray.spec.js': STRAY_SPEC });
  });

  after(() => fixture.remove());

  for (const [name, config] of [
    ['default config', {}],
    ['mode fail, failAt "test" (a leaking test fails in its place)', { mode: 'fail', failAt: 'test' }],
  ] as const) {
    it(`${name}: fails the test plain Mocha fails, and every later test runs`, async () => {
      fixture.write({ '.leakguardrc.json': JSON.stringify({ ...config, report: { json: 'leakguard-report.json' } }) });
      for (const reporter of ['spec', 'json']) {
        const guarded = await fixture.run(['--reporter', reporter, 'test']);
        const plain = await runPlain(fixture, ['--reporter', reporter, 'test']);
        assert.equal(plain.code, 2, describeRun(plain));
        if (reporter === 'spec') {
          assert.match(plain.stdout, /5 passing.*\n\s+2 failing/, describeRun(plain));
          assert.match(plain.stdout, /1\) first\n\s+4 is running when the timer fires:\n\s+Uncaught Error: stray/);
        }
        assertSameStdout(guarded, plain);
        // The timer was pending when test 1 ended and fired while leakguard waited for it to
        // settle: no leak, and the report of all 7 tests is written.
        assert.equal(guarded.report?.tests, 7, describeRun(guarded));
        assert.deepEqual(leakPairs(guarded.report), []);
      }
    });
  }
});
