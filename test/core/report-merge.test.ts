/**
 * Memory sites across parts (parallel workers, shards): each part judged its own tests; the
 * merge judges a site again on what every part's tests kept there.
 */
import { strict as assert } from 'node:assert';
import { mergeReports } from '../../src/core/report-merge';
import type { Leak, MemorySite } from '../../src/core/report-model';
import { makeLeak, makeReport } from '../report/fixtures';

const MiB = 1024 * 1024;
const RENDER = '/p/lib/render.js:2:18';
const TABLE = '/p/lib/table.js:5:3';

function site(id: string, verdict: MemorySite['verdict'], test: string, bytes: number): MemorySite {
  return { site: id, fn: 'fn', stack: [id, '/p/test/a.spec.js:3:5'], verdict, bytes, tests: [{ test, file: 'test/a.spec.js', kind: 'test', bytes }] };
}

function retainedOnce(test: string, sites: [string, number][]): Leak {
  return makeLeak({
    test,
    probe: 'heap',
    unit: 'bytes',
    threshold: MiB,
    delta: sites.reduce((sum, [, bytes]) => sum + bytes, 0),
    items: sites.map(([id, bytes]) => ({ id, type: 'allocation site', label: 'allocated in fn', size: bytes })),
    notRepeated: 'leakguard’s time budget for garbage collections was spent',
  });
}

describe('mergeReports: memory sites', () => {
  it('a site that tests of several parts fed is a leak of each, though each part saw one test', () => {
    const parts = ['one', 'two', 'three'].map((test) =>
      makeReport({ memorySites: [site(RENDER, 'one-time', test, 2 * MiB)], retainedOnce: [retainedOnce(test, [[RENDER, 2 * MiB]])] }),
    );
    const merged = mergeReports(parts[0]!, ...parts.slice(1));
    assert.deepEqual(
      merged.memorySites?.map((entry) => [entry.site, entry.verdict, entry.tests.map((unit) => unit.test)]),
      [[RENDER, 'leak', ['one', 'two', 'three']]],
    );
    assert.deepEqual(merged.leaks.map((leak) => [leak.test, leak.delta, leak.notRepeated]), [
      ['one', 2 * MiB, undefined],
      ['two', 2 * MiB, undefined],
      ['three', 2 * MiB, undefined],
    ]);
    assert.deepEqual(merged.retainedOnce, []);
  });

  it('keeps one-time growth one-time: a site one part alone fed, and what else a promoted entry held', () => {
    const merged = mergeReports(
      makeReport({
        memorySites: [site(RENDER, 'one-time', 'one', 2 * MiB), site(TABLE, 'one-time', 'one', 3 * MiB)],
        retainedOnce: [retainedOnce('one', [[RENDER, 2 * MiB], [TABLE, 3 * MiB]])],
      }),
      makeReport({ memorySites: [site(RENDER, 'one-time', 'two', 2 * MiB)], retainedOnce: [retainedOnce('two', [[RENDER, 2 * MiB]])] }),
    );
    assert.deepEqual(
      merged.memorySites?.map((entry) => [entry.site, entry.verdict]),
      [[RENDER, 'leak'], [TABLE, 'one-time']],
    );
    assert.deepEqual(merged.leaks.map((leak) => [leak.test, leak.items.map((item) => item.id)]), [
      ['one', [RENDER]],
      ['two', [RENDER]],
    ]);
    assert.deepEqual(merged.retainedOnce.map((leak) => [leak.test, leak.delta, leak.items.map((item) => item.id)]), [['one', 3 * MiB, [TABLE]]]);
  });

  it('a site that gave memory back in a part stays bounded; one a part called a leak is one', () => {
    const bounded = mergeReports(
      makeReport({ memorySites: [site(RENDER, 'bounded', 'one', 2 * MiB)] }),
      makeReport({ memorySites: [site(RENDER, 'one-time', 'two', 2 * MiB)], retainedOnce: [retainedOnce('two', [[RENDER, 2 * MiB]])] }),
    );
    assert.equal(bounded.memorySites?.[0]?.verdict, 'bounded');
    assert.equal(bounded.leaks.length, 0);
    const leak = mergeReports(makeReport({ memorySites: [site(RENDER, 'leak', 'one', 2 * MiB)] }), makeReport({ memorySites: [site(RENDER, 'bounded', 'two', 2 * MiB)] }));
    assert.equal(leak.memorySites?.[0]?.verdict, 'leak');
  });
});
