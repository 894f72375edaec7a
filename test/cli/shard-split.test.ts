/** splitIntoShards and parseShardSpec: what every machine of a CI matrix computes alike. */
import { strict as assert } from 'node:assert';
import { parseShardSpec, splitIntoShards } from '../../src/core/shard-split';

const FILES = Array.from({ length: 23 }, (_, index) => `test/unit/module-${String(index).padStart(2, '0')}.spec.js`);

describe('shard split', () => {
  it('puts every file in exactly one shard, sorted, with shard sizes at most one apart', () => {
    const shards = splitIntoShards(FILES, 3);
    assert.equal(shards.length, 3);
    assert.deepEqual(shards.flat().sort(), FILES);
    for (const shard of shards) assert.deepEqual(shard, [...shard].sort());
    const sizes = shards.map((shard) => shard.length);
    assert.ok(Math.max(...sizes) - Math.min(...sizes) <= 1, `sizes ${sizes}`);
  });

  it('gives the same split whatever order the files are listed in (the same on every machine)', () => {
    const reversed = splitIntoShards([...FILES].reverse(), 3);
    const again = splitIntoShards([FILES[5]!, ...FILES], 3); // a file listed twice counts once
    assert.deepEqual(reversed, splitIntoShards(FILES, 3));
    assert.deepEqual(again, splitIntoShards(FILES, 3));
  });

  it('deals files out by a hash of the path, not by name: one directory does not fill one shard', () => {
    const shards = splitIntoShards(FILES, 3);
    // Sorted names dealt in runs would put module-00..07 together.
    assert.notDeepEqual(shards[0], FILES.slice(0, shards[0]!.length));
  });

  it('balances by the timings given, heaviest first; files without a timing weigh the mean', () => {
    const durations = new Map([
      ['a.spec.js', 100],
      ['b.spec.js', 60],
      ['c.spec.js', 50],
      ['d.spec.js', 10],
    ]);
    assert.deepEqual(splitIntoShards(['a.spec.js', 'b.spec.js', 'c.spec.js', 'd.spec.js'], 2, durations), [
      ['a.spec.js', 'd.spec.js'],
      ['b.spec.js', 'c.spec.js'],
    ]);
    // new.spec.js weighs the mean (55): a (100) and b (60) open the shards, new joins b's, c then a's.
    const withNew = splitIntoShards(['a.spec.js', 'b.spec.js', 'c.spec.js', 'new.spec.js'], 2, durations);
    assert.deepEqual(withNew, [['a.spec.js', 'c.spec.js'], ['b.spec.js', 'new.spec.js']]);
  });

  it('gives every shard a file when there are as many files as shards, even when their timings are 0', () => {
    const durations = new Map(FILES.slice(0, 3).map((file) => [file, 0]));
    assert.deepEqual(splitIntoShards(FILES.slice(0, 3), 3, durations).map((shard) => shard.length), [1, 1, 1]);
  });

  it('reads <index>/<total> and refuses what is not a shard', () => {
    assert.deepEqual(parseShardSpec('2/3'), { index: 2, total: 3 });
    assert.deepEqual(parseShardSpec('3/3'), { index: 3, total: 3 });
    for (const bad of ['4/3', '0/3', '1/0', '2', '2/3/4', 'a/b', '-1/3', '1.5/3', '']) assert.equal(parseShardSpec(bad), undefined, bad);
  });
});
