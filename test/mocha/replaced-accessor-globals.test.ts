/**
 * Globals that Node keeps as accessors (`performance`) or turns into data properties on
 * assignment (`Request`, `Headers`, ...), replaced by plain assignment as sinon's fake timers
 * do, through a real Mocha run: the test that leaves one replaced is reported, the one that
 * puts it back is not.
 */
import { strict as assert } from 'node:assert';
import { Fixture, leakPairs, type RunResult } from '../helpers/fixture';

const SPEC = String.raw`
const realPerformance = performance;
const realRequest = Request;
after(() => {
  // Root-level cleanup so later code runs with the real ones; undoing a leak is not a leak.
  globalThis.performance = realPerformance;
  globalThis.Request = realRequest;
});

describe('fake clock', () => {
  it('fakes performance and leaves it faked', () => {
    globalThis.performance = { now: () => 0, timeOrigin: 0 };
    if (performance.now() !== 0) throw new Error('not faked');
  });
  it('fakes performance and puts it back', () => {
    const saved = globalThis.performance;
    globalThis.performance = { now: () => 0, timeOrigin: 0 };
    globalThis.performance = saved;
  });
  describe('installed in beforeEach, uninstalled in afterEach', () => {
    let saved;
    beforeEach(() => {
      saved = globalThis.performance;
      globalThis.performance = { now: () => 1, timeOrigin: 0 };
    });
    afterEach(() => {
      globalThis.performance = saved;
    });
    it('runs on the fake clock', () => {
      if (performance.now() !== 1) throw new Error('not faked');
    });
  });
});

describe('fetch stubs', () => {
  it('stubs Request and leaves it stubbed', () => {
    globalThis.Request = class FakeRequest {};
  });
  it('runs after the stub', () => {});
});
`;

describe('accessor globals replaced by assignment, end to end', function () {
  this.timeout(120_000);
  let fixture: Fixture;
  let run: RunResult;

  before(async () => {
    fixture = new Fixture({
      'test/globals.spec.js': SPEC,
      '.leakguardrc.json': JSON.stringify({ report: { json: 'leakguard-report.json' } }),
    });
    run = await fixture.run(['test']);
  });

  after(() => fixture.remove());

  it("leaves Mocha's results as they are", () => {
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /5 passing/);
  });

  it('reports the tests that leave performance and Request replaced, and none that put them back', () => {
    assert.deepEqual(leakPairs(run.report), ['globals: fake clock fakes performance and leaves it faked', 'globals: fetch stubs stubs Request and leaves it stubbed'], run.stderr);
    const labels = run.report!.leaks.flatMap((leak) => leak.items.map((item) => item.label)).sort();
    assert.deepEqual(labels, ['global "Request" replaced', 'global "performance" replaced']);
    assert.match(run.stderr, /global "performance" replaced/);
  });
});
