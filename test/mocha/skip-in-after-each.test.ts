/**
 * `this.skip()` in an `afterEach` hook: Mocha marks the test that ran pending (and, since the
 * hook stays pending, every later test of the suite, each after it ran). Those tests ran:
 * they are measured, and Mocha's output is what it is without leakguard.
 */
import { strict as assert } from 'node:assert';
import { Fixture, leakPairs } from '../helpers/fixture';
import { assertSameStdout, describeRun, runPlain } from '../helpers/compare';

const SKIP_SPEC = String.raw`
const fs = require('node:fs');
const timers = [];
const fds = [];
after(() => {
  timers.splice(0).forEach(clearInterval);
  fds.splice(0).forEach((fd) => fs.closeSync(fd));
});
describe('skips in afterEach', () => {
  afterEach(function () {
    this.skip();
  });
  it('leaks an interval', () => {
    timers.push(setInterval(() => {}, 1000));
  });
  it('is clean', () => {});
  it('leaves a file open', () => {
    fds.push(fs.openSync(__filename, 'r'));
  });
});
describe('after the skipping suite', () => {
  it('leaks an interval too', () => {
    timers.push(setInterval(() => {}, 1000));
  });
});
`;

describe('a suite whose afterEach calls this.skip()', function () {
  this.timeout(120_000);
  let fixture: Fixture;

  before(() => {
    fixture = new Fixture({ 'test/skip.spec.js': SKIP_SPEC });
  });

  after(() => fixture.remove());

  for (const reporter of ['spec', 'json']) {
    it(`is measured; the ${reporter} reporter's output and the exit code are plain Mocha's`, async () => {
      fixture.write({ '.leakguardrc.json': JSON.stringify({ report: { json: 'leakguard-report.json' } }) });
      const guarded = await fixture.run(['--reporter', reporter, 'test']);
      const plain = await runPlain(fixture, ['--reporter', reporter, 'test']);
      assertSameStdout(guarded, plain);
      assert.deepEqual(
        leakPairs(guarded.report),
        [
          'fds: skips in afterEach leaves a file open',
          'handles: after the skipping suite leaks an interval too',
          'handles: skips in afterEach leaks an interval',
        ],
        describeRun(guarded),
      );
    });
  }

  it('mode fail: the leaks fail the run, though Mocha will not fail a test marked pending', async () => {
    fixture.write({ '.leakguardrc.json': JSON.stringify({ mode: 'fail', report: { json: 'leakguard-report.json' } }) });
    // Only the skipping suite: no other test's failure may be what fails the run.
    const args = ['--reporter', 'spec', '--grep', 'skips in afterEach', 'test'];
    const guarded = await fixture.run(args);
    const plain = await runPlain(fixture, args);
    assert.equal(plain.code, 0, describeRun(plain));
    assert.match(plain.stdout, /3 passing/);
    assert.equal(guarded.code, 1, describeRun(guarded));
    assert.match(guarded.stdout, /3 passing.*\n {2}1 failing\n\n {2}1\) "after all" hook: leakguard in "\{root\}":\n {5}Error: leakguard found 2 leaks/);
    assert.deepEqual(leakPairs(guarded.report), ['fds: skips in afterEach leaves a file open', 'handles: skips in afterEach leaks an interval']);
  });
});
