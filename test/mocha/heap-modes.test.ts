/**
 * The adaptive heap policy collects only when a cheap reading says it must; the exact
 * policy collects before and after every test. On the same suite, adaptive must find
 * every heap leak exact finds: the leaks below are the shapes that could slip past the
 * cheap readings (a GC during the test, growth just over the threshold, Buffers outside
 * the V8 heap, async tests, leaks next to lots of garbage, hooks, growth while V8 counts
 * down ArrayBuffers an earlier collection freed).
 */
import { strict as assert } from 'node:assert';
import { Fixture, inParallel, type RunResult } from '../helpers/fixture';

const SPEC = String.raw`
const kept = require('./kept');
const objects = (count, tag) => Array.from({ length: count }, (_, i) => ({ i, tag: tag + i }));

describe('heap shapes', () => {
  it('keeps 3 MB of objects', () => { kept.push(objects(40000, 'a')); });
  it('keeps 1.5 MB, just over the threshold', () => { kept.push(objects(20000, 'b')); });
  it('keeps 2 MB while making 40 MB of garbage (GCs during the test)', () => {
    for (let round = 0; round < 40; round++) objects(10000, 'g');
    kept.push(objects(27000, 'c'));
  });
  it('keeps an 8 MB Buffer', () => { kept.push(Buffer.alloc(8 * 1024 * 1024, 1)); });
  it('keeps 3 MB after awaiting', async () => {
    await new Promise((resolve) => setTimeout(resolve, 5));
    kept.push(objects(40000, 'd'));
  });
  it('makes 40 MB of garbage and keeps nothing', () => {
    for (let round = 0; round < 40; round++) objects(10000, 'x');
  });
  it('keeps nothing', () => {});
  it('keeps 200 KB, under the threshold', () => { kept.push(objects(2500, 'e')); });
  it('drops 64 MB of ArrayBuffer memory', () => { let junk = new Uint8Array(64 * 1024 * 1024); junk[0] = 1; junk = null; });
  it('keeps 2 MB while V8 counts the freed ArrayBuffers down', () => { kept.push(objects(27000, 'f')); });
  it('runs for longer than the timeout of the async test repeated above', function (done) {
    // A repeat must leave no timer of the repeated test armed behind it.
    this.timeout(10000);
    setTimeout(done, 2500);
  });
  describe('with a hook', () => {
    afterEach(() => { kept.push(objects(40000, 'h')); });
    it('is measured with its afterEach, which keeps 3 MB', () => {});
  });
});
`;

const EXPECTED = [
  'heap shapes keeps 1.5 MB, just over the threshold',
  'heap shapes keeps 2 MB while V8 counts the freed ArrayBuffers down',
  'heap shapes keeps 2 MB while making 40 MB of garbage (GCs during the test)',
  'heap shapes keeps 3 MB after awaiting',
  'heap shapes keeps 3 MB of objects',
  'heap shapes keeps an 8 MB Buffer',
  'heap shapes with a hook is measured with its afterEach, which keeps 3 MB',
];

function heapLeaks(result: RunResult): string[] {
  assert.ok(result.report, `no report\n${result.stderr}`);
  return result.report.leaks.filter((leak) => leak.probe === 'heap' && leak.kind === 'test').map((leak) => leak.test).sort();
}

describe('heap: adaptive finds every leak exact finds', function () {
  this.timeout(180_000);
  const fixtures: Fixture[] = [];
  const runs: Record<'adaptive' | 'exact', RunResult[]> = { adaptive: [], exact: [] };

  before(async () => {
    // Two runs of each: a leak found by one run of exact and missed by one of adaptive
    // must not pass by luck.
    const plan = (['adaptive', 'exact'] as const).flatMap((mode) => [mode, mode]);
    await inParallel(
      plan.map((mode) => async () => {
        const fixture = new Fixture({
          'test/shapes.spec.js': SPEC,
          'test/kept.js': 'module.exports = [];\n',
          '.leakguardrc.json': JSON.stringify({ report: { json: 'leakguard-report.json' }, probes: { heap: { mode } } }),
        });
        fixtures.push(fixture);
        runs[mode].push(await fixture.run(['test']));
      }),
      2,
    );
  });

  after(() => {
    for (const fixture of fixtures) fixture.remove();
  });

  it('every test passes, as it does without leakguard (repeats leave nothing armed)', () => {
    for (const run of [...runs.adaptive, ...runs.exact]) {
      assert.equal(run.code, 0, run.stdout + run.stderr);
      assert.match(run.stdout, /12 passing/);
      assert.doesNotMatch(run.stdout + run.stderr, /multiple times|Timeout of/);
    }
  });

  it('exact mode finds the planted leaks and nothing else', () => {
    for (const run of runs.exact) assert.deepEqual(heapLeaks(run), EXPECTED, run.stderr);
  });

  it('adaptive mode finds the same leaks as exact mode, in every run', () => {
    for (const run of runs.adaptive) assert.deepEqual(heapLeaks(run), heapLeaks(runs.exact[0]!), run.stderr);
  });

  it('and measures them alike: each leak within 25% of what exact mode measured for it', () => {
    // V8 itself does not give one number: the same 20,000 objects measured after full
    // collections in a plain script came out between 1.28 and 1.89 MB, and exact mode's
    // own measurements of one test (its first run and its repeats, in both runs) spread as
    // far (1.19 to 1.73 MB). So adaptive is held to that spread, widened by 25%.
    const exact = new Map<string, number[]>();
    for (const run of runs.exact) {
      for (const leak of run.report!.leaks.filter((entry) => entry.probe === 'heap' && entry.kind === 'test')) {
        exact.set(leak.test, [...(exact.get(leak.test) ?? []), leak.delta, ...(leak.repeats ?? [])]);
      }
    }
    for (const run of runs.adaptive) {
      for (const leak of run.report!.leaks.filter((entry) => entry.probe === 'heap' && entry.kind === 'test')) {
        const measured = exact.get(leak.test)!;
        const [low, high] = [Math.min(...measured), Math.max(...measured)];
        assert.ok(
          leak.delta >= low * 0.75 && leak.delta <= high * 1.25,
          `${leak.test}: adaptive ${leak.delta}, exact between ${low} and ${high}`,
        );
      }
    }
  });
});
