/**
 * The shapes a memory leak takes in a test, found by allocation site in every run: growth
 * just over the threshold, growth beside lots of garbage (GCs during the test), Buffers
 * outside the V8 heap, async tests, a leak made in an afterEach hook, growth while V8
 * counts down ArrayBuffers an earlier GC freed. None of them waits for a GC at its end.
 */
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { Fixture, inParallel, type RunResult } from '../helpers/fixture';

const OBJECTS = 'const objects = (count, tag) => Array.from({ length: count }, (_, i) => ({ i, tag: tag + i }));';

const SPEC = String.raw`
const kept = require('./kept');
${OBJECTS}

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
  it('runs for longer than the timeout of the async test run again above', function (done) {
    // A run again must leave no timer of the test armed behind it.
    this.timeout(10000);
    setTimeout(done, 2500);
  });
  describe('with a hook', () => {
    afterEach(() => { kept.push(objects(40000, 'h')); });
    it('is measured with its afterEach, which keeps 3 MB', () => {});
  });
});
`;

/** The tests that keep objects, and how many each keeps. */
const OBJECT_LEAKS: Record<string, number> = {
  'heap shapes keeps 3 MB of objects': 40000,
  'heap shapes keeps 1.5 MB, just over the threshold': 20000,
  'heap shapes keeps 2 MB while making 40 MB of garbage (GCs during the test)': 27000,
  'heap shapes keeps 3 MB after awaiting': 40000,
  'heap shapes keeps 2 MB while V8 counts the freed ArrayBuffers down': 27000,
  'heap shapes with a hook is measured with its afterEach, which keeps 3 MB': 40000,
};
const BUFFER_LEAK = 'heap shapes keeps an 8 MB Buffer';
/** Feeds the same site with one or two samples' worth: named with it or not, never alone. */
const SMALL = 'heap shapes keeps 200 KB, under the threshold';

function heapLeaks(result: RunResult): string[] {
  assert.ok(result.report, `no report\n${result.stderr}`);
  return result.report.leaks.filter((leak) => leak.probe === 'heap' && leak.kind === 'test').map((leak) => leak.test).sort();
}

/** What `count` of these objects keep, measured after a full GC in a plain Node process. */
function bytesKeptBy(count: number): number {
  const script = `${OBJECTS} gc(); const before = process.memoryUsage().heapUsed; const kept = objects(${count}, 'z'); gc(); console.log(process.memoryUsage().heapUsed - before + 0 * kept.length);`;
  return Number(execFileSync(process.execPath, ['--expose-gc', '-e', script], { encoding: 'utf8' }).trim());
}

describe('heap: the shapes of a memory leak, by site, in every run', function () {
  this.timeout(180_000);
  const fixtures: Fixture[] = [];
  const runs: RunResult[] = [];

  before(async () => {
    await inParallel(
      [0, 1, 2].map(() => async () => {
        const fixture = new Fixture({
          'test/shapes.spec.js': SPEC,
          'test/kept.js': 'module.exports = [];\n',
          '.leakguardrc.json': JSON.stringify({ report: { json: 'leakguard-report.json' } }),
        });
        fixtures.push(fixture);
        runs.push(await fixture.run(['test']));
      }),
      2,
    );
  });

  after(() => {
    for (const fixture of fixtures) fixture.remove();
  });

  it('every test passes, as it does without leakguard (a run again leaves nothing armed)', () => {
    for (const run of runs) {
      assert.equal(run.code, 0, run.stdout + run.stderr);
      assert.match(run.stdout, /12 passing/);
      assert.doesNotMatch(run.stdout + run.stderr, /multiple times|Timeout of/);
    }
  });

  it('finds every planted leak and nothing else, the same in every run', () => {
    const planted = [...Object.keys(OBJECT_LEAKS), BUFFER_LEAK].sort();
    for (const run of runs) {
      const found = heapLeaks(run);
      assert.deepEqual(found.filter((test) => test !== SMALL), planted, run.stderr);
      assert.deepEqual(found, heapLeaks(runs[0]!), run.stderr);
    }
  });

  it('puts every test that kept objects under one site, the function that allocated them', () => {
    for (const run of runs) {
      const sites = run.report!.memorySites!.filter((site) => site.verdict === 'leak' && site.stack.length > 0);
      assert.equal(sites.length, 1, JSON.stringify(run.report!.memorySites));
      assert.equal(sites[0]!.fn, 'objects');
      assert.match(sites[0]!.site, /^test\/shapes\.spec\.js:3:\d+$/);
      const tests = sites[0]!.tests.map((test) => test.test).filter((test) => test !== SMALL);
      assert.deepEqual(tests.sort(), Object.keys(OBJECT_LEAKS).sort());
      assert.equal(run.stderr.match(/^\d+ tests kept memory allocated in objects /gm)?.length, 1, run.stderr);
    }
  });

  it('measures them from ~64 KiB samples: the site within [0.5, 1.5]x of a plain process, each test under 2x, the Buffer as 8 MiB', () => {
    const reference = new Map([20000, 27000, 40000].map((count) => [count, bytesKeptBy(count)]));
    const expectedInAll = Object.values(OBJECT_LEAKS).reduce((sum, count) => sum + reference.get(count)!, 0);
    for (const run of runs) {
      const site = run.report!.memorySites!.find((entry) => entry.fn === 'objects')!;
      assert.ok(site.bytes >= 0.5 * expectedInAll && site.bytes <= 1.5 * expectedInAll, `the site: ${site.bytes}, a plain process keeps ${expectedInAll}`);
      for (const leak of run.report!.leaks.filter((entry) => entry.probe === 'heap')) {
        if (leak.test === SMALL) continue;
        if (leak.test === BUFFER_LEAK) {
          assert.deepEqual(leak.items.map((item) => item.type), ['external memory']);
          assert.ok(Math.abs(leak.delta - 8 * 1024 * 1024) < 0.1 * 8 * 1024 * 1024, `Buffer: ${leak.delta}`);
          continue;
        }
        // A sample that falls on a temporary (Array.from's growing store) counts nothing, one
        // that falls on a kept object ~64 KiB: per test, an estimate within 2x.
        const expected = reference.get(OBJECT_LEAKS[leak.test]!)!;
        assert.ok(leak.delta > 0 && leak.delta <= 2 * expected, `${leak.test}: ${leak.delta}, a plain process keeps ${expected}`);
      }
    }
  });
});
