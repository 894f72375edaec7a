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

  it("allows what the runner keeps per unit on top of the threshold: a big file of trivial tests is no leak", () => {
    const trend = new MemoryTrend(100 * MB);
    for (let i = 0; i < 20_000; i++) trend.unitRan('huge.spec.js');
    // Mocha keeps ~0.8 KB of every test it ran: 15 MB over 20,000 tests.
    trend.collected(115 * MB);
    for (let i = 0; i < 30; i++) trend.unitRan('adds-up.spec.js');
    trend.collected(124 * MB);
    const perUnit = 2 * 1024;
    assert.deepEqual(
      trend.grownAbove(4 * MB, perUnit).map((entry) => entry.group),
      ['adds-up.spec.js'],
    );
    // Without the allowance, the big file would be reported too.
    assert.deepEqual(
      trend.grownAbove(4 * MB).map((entry) => entry.group),
      ['huge.spec.js', 'adds-up.spec.js'],
    );
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

  it('a file that ended below the threshold, shown without a collection, shares nothing with the next', () => {
    const trend = new MemoryTrend(10 * MB);
    for (let i = 0; i < 30; i++) trend.unitRan('cleared');
    trend.endedBelow(11 * MB); // uncollected: live heap plus garbage, so at least the live heap
    for (let i = 0; i < 30; i++) trend.unitRan('adds-up');
    trend.collected(18 * MB);
    assert.deepEqual(trend.grownAbove(4 * MB), [{ group: 'adds-up', growth: 7 * MB, units: 30 }]);
    assert.deepEqual(trend.grownAbove(0).map((entry) => entry.group), ['adds-up']);
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

  it('a collection with no units before any window only moves the baseline', () => {
    const trend = new MemoryTrend(10 * MB);
    trend.collected(50 * MB);
    assert.equal(trend.baseline, 50 * MB);
    trend.unitRan('a');
    trend.collected(51 * MB);
    assert.deepEqual(trend.grownAbove(0), [{ group: 'a', growth: MB, units: 1 }]);
  });

  it('a collection with no units since the last one belongs to the window before (memory freed a turn late)', () => {
    // A test holds 20 MB for a turn after it ends: the confirming collection sees it, the
    // next one (no test in between) sees it gone. The file has not grown.
    const trend = new MemoryTrend(100 * MB);
    trend.unitRan('ws.test.js');
    trend.collected(120 * MB);
    trend.collected(100.5 * MB);
    assert.deepEqual(trend.grownAbove(0), [{ group: 'ws.test.js', growth: 0.5 * MB, units: 1 }]);
    // And what a repeat of the unit keeps is charged there, where it is also explained.
    trend.explained('ws.test.js', 2 * MB);
    trend.collected(102.5 * MB);
    assert.deepEqual(trend.grownAbove(0), [{ group: 'ws.test.js', growth: 0.5 * MB, units: 1 }]);
  });
});
