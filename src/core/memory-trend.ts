/**
 * Small leaks that add up: 30 tests that each keep 300 KB stay under a 1 MB per-test
 * threshold, yet grow the heap by 9 MB. No single test can be blamed with confidence, so
 * the growth is followed per group of tests (a test file), between full collections:
 *
 * - Each full collection gives the live heap exactly. The growth between two collections
 *   goes to the groups whose tests ran in between, shared by number of tests. Windows do
 *   not span files: at the end of a file the engine either collects, or shows with an
 *   uncollected reading that the file cannot have grown past the threshold (see
 *   LeakEngine.checkpoint and {@link MemoryTrend.endedBelow}).
 * - What the run already reported for a unit (its leak, growth retained once, what its
 *   repeats kept) is taken off its group: that growth has been explained.
 * - Before the first collection, the baseline is an uncollected reading taken when the
 *   engine started. It holds garbage, so it is higher than the live heap was: the first
 *   window's growth is under-estimated, never over-estimated. A false alarm costs trust;
 *   a missed small leak is found once the run collects.
 *
 * Growth freed later in the same group nets out (a cache a file clears in its `after`).
 * Memory is per group, not per test: a 4,000-test run in 200 files keeps 200 entries.
 */

export interface GroupGrowth {
  /** The group: the test file. */
  group: string;
  /** Net growth of the live value over the group's tests, less what was reported per unit. */
  growth: number;
  /** Tests (units) of the group that ran between collections. */
  units: number;
}

interface GroupState {
  growth: number;
  units: number;
}

export class MemoryTrend {
  private readonly groups = new Map<string, GroupState>();
  /** Units per group since the last collection. */
  private window = new Map<string, number>();
  private windowUnits = 0;
  /** The last window closed by a collection. */
  private previous: { window: Map<string, number>; units: number } | undefined;

  constructor(
    /** The value at the start: an uncollected reading, never below the live value (see above). */
    private lastValue: number,
  ) {}

  /** The value the window's growth is measured from (the last collected value). */
  get baseline(): number {
    return this.lastValue;
  }

  /** A unit of `group` ran. */
  unitRan(group: string): void {
    this.window.set(group, (this.window.get(group) ?? 0) + 1);
    this.windowUnits++;
  }

  /** Growth the run reported for a unit of `group` (a leak, growth retained once, repeats). */
  explained(group: string, bytes: number): void {
    if (!(bytes > 0)) return;
    this.state(group).growth -= bytes;
  }

  /**
   * A full collection read `value`: the growth since the last one is shared among the
   * window's groups. A collection with no unit since the last one (a second look at the
   * same unit, a repeat of it) belongs with the window before: what it sees (memory the
   * unit held for a turn longer and has freed since, or what a repeat kept) is that
   * window's units' doing.
   */
  collected(value: number): void {
    const growth = value - this.lastValue;
    this.lastValue = value;
    if (this.windowUnits === 0) {
      if (this.previous) this.share(growth, this.previous.window, this.previous.units, false);
      return;
    }
    this.share(growth, this.window, this.windowUnits, true);
    this.previous = { window: this.window, units: this.windowUnits };
    this.window = new Map();
    this.windowUnits = 0;
  }

  /**
   * A group ended without a collection because `bound`, an uncollected reading (live heap
   * plus garbage), shows it cannot have grown past the threshold. Its growth is let go,
   * and `bound` becomes the baseline: never below the live heap, so the next group's
   * growth is under-estimated, never over-estimated, and never shared with this one.
   */
  endedBelow(bound: number): void {
    this.lastValue = bound;
    this.window = new Map();
    this.windowUnits = 0;
    this.previous = undefined;
  }

  /**
   * Groups whose net growth is above `threshold`, largest first; `perUnit`: memory the
   * runner itself keeps for each unit it ran, allowed on top of the threshold.
   */
  grownAbove(threshold: number, perUnit = 0): GroupGrowth[] {
    return [...this.groups]
      .filter(([, state]) => state.growth > threshold + perUnit * state.units)
      .map(([group, state]) => ({ group, growth: Math.round(state.growth), units: state.units }))
      .sort((a, b) => b.growth - a.growth);
  }

  private share(growth: number, window: Map<string, number>, windowUnits: number, countUnits: boolean): void {
    for (const [group, units] of window) {
      const state = this.state(group);
      state.growth += (growth * units) / windowUnits;
      if (countUnits) state.units += units;
    }
  }

  private state(group: string): GroupState {
    let state = this.groups.get(group);
    if (!state) {
      state = { growth: 0, units: 0 };
      this.groups.set(group, state);
    }
    return state;
  }
}
