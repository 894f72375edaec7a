/**
 * A suite that keeps a big fixture under a tight heap limit: plain Mocha passes, and so must
 * Mocha with leakguard. Running that test again (to tell a leak from one-time growth) would
 * keep the fixture twice and die of "Reached heap limit", with no summary and no report.
 */
import { strict as assert } from 'node:assert';
import { Fixture, type RunResult } from '../helpers/fixture';

const SPEC = `
const kept = require('./kept');
describe('a big fixture', () => {
  it('keeps 320 MB for the rest of the run', () => {
    for (let i = 0; i < 40; i++) kept.push(new Array(1e6).fill(i));
  });
  it('runs after it', () => {});
});
`;

describe('a test that keeps most of a tight heap limit', function () {
  this.timeout(120_000);
  let fixture: Fixture;
  let plain: RunResult;
  let guarded: RunResult;

  before(async () => {
    fixture = new Fixture({
      'test/big.spec.js': SPEC,
      'test/kept.js': 'module.exports = [];\n',
      '.leakguardrc.json': JSON.stringify({ report: { json: 'leakguard-report.json' } }),
    });
    const args = ['--max-old-space-size=512', 'test'];
    plain = await fixture.run(args, { register: false, reportPath: 'none.json' });
    guarded = await fixture.run(args);
  });

  after(() => fixture.remove());

  it('passes with leakguard as without it: not run again, no "heap limit"', () => {
    assert.equal(plain.code, 0, plain.stdout + plain.stderr);
    assert.equal(guarded.code, 0, guarded.stdout + guarded.stderr);
    assert.match(guarded.stdout, /2 passing/);
    assert.doesNotMatch(guarded.stdout + guarded.stderr, /heap limit|out of memory/i);
  });

  it('still reports the memory the test kept, in the summary and the report', () => {
    const leaks = guarded.report?.leaks.filter((leak) => leak.probe === 'heap') ?? [];
    assert.deepEqual(leaks.map((leak) => leak.test), ['a big fixture keeps 320 MB for the rest of the run'], guarded.stderr);
    assert.ok(leaks[0]!.delta > 200 * 1024 * 1024, `delta ${leaks[0]!.delta}`);
    assert.match(guarded.stderr, /1 test kept memory allocated in/);
  });
});
