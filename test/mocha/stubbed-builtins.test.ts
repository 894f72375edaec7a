/**
 * A test that stubs what leakguard writes with (`fs.writeSync`, `fs.writeFileSync`,
 * `fs.renameSync`) and its clock (`process.hrtime.bigint`), and leaves them stubbed: the
 * summary and the report are still written (leakguard uses what it took at load), and
 * Mocha's output is what it is without leakguard.
 */
import { strict as assert } from 'node:assert';
import { Fixture, leakPairs } from '../helpers/fixture';
import { assertSameStdout, describeRun, runPlain } from '../helpers/compare';

const STUBS_SPEC = String.raw`
const fs = require('node:fs');
const timers = [];
after(() => timers.splice(0).forEach(clearInterval));
describe('stubs', () => {
  it('leaks an interval', () => {
    timers.push(setInterval(() => {}, 1000));
  });
  it('stubs the clock and fs, and leaves them stubbed', () => {
    const broken = (name) => () => {
      throw new Error(name + ' is stubbed');
    };
    process.hrtime.bigint = broken('process.hrtime.bigint');
    fs.writeSync = broken('fs.writeSync');
    fs.writeFileSync = broken('fs.writeFileSync');
    fs.renameSync = broken('fs.renameSync');
  });
  it('runs with the stubs in place', () => {});
});
`;

const LEAKY_SPEC = String.raw`
const timers = [];
after(() => timers.splice(0).forEach(clearInterval));
describe('other file', () => {
  it('leaks an interval too', () => {
    timers.push(setInterval(() => {}, 1000));
  });
});
`;

describe('a test that stubs fs and process.hrtime.bigint and leaves them stubbed', function () {
  this.timeout(120_000);
  let fixture: Fixture;

  before(() => {
    fixture = new Fixture({
      'test/stubs.spec.js': STUBS_SPEC,
      'test/other.spec.js': LEAKY_SPEC,
      '.leakguardrc.json': JSON.stringify({ report: { json: 'leakguard-report.json' } }),
    });
  });

  after(() => fixture.remove());

  for (const [name, args] of [
    ['serial', ['test']],
    ['--parallel', ['--parallel', '--jobs', '2', 'test']],
  ] as const) {
    it(`${name}: Mocha's output is unchanged, and the summary and the report are written`, async () => {
      const guarded = await fixture.run(['--reporter', 'spec', ...args]);
      const plain = await runPlain(fixture, ['--reporter', 'spec', ...args]);
      assert.equal(plain.code, 0, describeRun(plain));
      if (name === 'serial') assertSameStdout(guarded, plain);
      else assert.equal(guarded.code, plain.code, describeRun(guarded));
      assert.match(guarded.stderr, /^leakguard: 2 leaks from 2 causes in 2 of 4 tests/m, describeRun(guarded));
      assert.equal(guarded.report?.tests, 4, describeRun(guarded));
      assert.deepEqual(leakPairs(guarded.report), ['handles: other file leaks an interval too', 'handles: stubs leaks an interval']);
    });
  }
});
