import { strict as assert } from 'node:assert';
import { MemoryTrend } from '../../src/core/memory-trend';

const MB = 1024 * 1024;

describe('MemoryTrend: growth per file between collections', () => {
  it('gives each file the growth between the collections around its units', () => {
    const trend = new MemoryTrend(100 * MB);
    for (let i = 0; i < 30; i++) trend.unitRan('a.spec.js');
    trend.collected(109 * MB);
    for (let i = 0; i < 10; i++) trend.unitRan('b.spec.js');
    trend.collected(109.5 * MB);
    assert.deepEqual(trend.grownAbove(4 * MB), [{ group: 'a.spec.js', growth: 9 * MB, units: 30 }]);
    assert.deepEqual(trend.grownAbove(0).map((entry) => entry.group), ['a.spec.js', 'b.spec.js']);
  });

  it('takes off what was reported per unit, and nets out what a file freed later', () => {
    const trend = new MemoryTrend(100 * MB);
    trend.unitRan('a.spec.js');
    trend.explained('a.spec.js', 6 * MB); // a leak already reported for one of its tests
    trend.unitRan('a.spec.js');
    trend.collected(108 * MB);
    assert.deepEqual(trend.grownAbove(4 * MB), []);
    trend.unitRan('c.spec.js');
    trend.collected(113 * MB);
    trend.unitRan('c.spec.js');
    trend.collected(108 * MB);
    assert.deepEqual(trend.grownAbove(0).map(({ group, growth }) => [group, growth]), [['a.spec.js', 2 * MB]]);
  });

  it('shares a window that spans two files by their number of units', () => {
    const trend = new MemoryTrend(0);
    for (let i = 0; i < 3; i++) trend.unitRan('a');
    trend.unitRan('b');
    trend.collected(8 * MB);
    assert.deepEqual(trend.grownAbove(0), [
      { group: 'a', growth: 6 * MB, units: 3 },
      { group: 'b', growth: 2 * MB, units: 1 },
    ]);
  });

  it('a collection with no units in between only moves the baseline', () => {
    const trend = new MemoryTrend(10 * MB);
    trend.collected(50 * MB);
    assert.equal(trend.baseline, 50 * MB);
    trend.unitRan('a');
    trend.collected(51 * MB);
    assert.deepEqual(trend.grownAbove(0), [{ group: 'a', growth: MB, units: 1 }]);
  });
});
