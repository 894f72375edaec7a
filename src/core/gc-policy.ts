/**
 * When to collect garbage for probes that measure after GC (the heap). This is the whole
 * of the heap strategy: the probes only read a value, and the engine asks the policy
 * whether a reading can be trusted as it is or must be confirmed after a full GC.
 *
 * A full GC costs ~1.2 ms per MB of live heap; around every test it makes a 30 MB suite of
 * 2,000 trivial tests 100x slower. So the default policy, `adaptive`, collects only when a
 * cheap reading says it must:
 *
 * - Every unit gets two uncollected readings. When no GC ran during the unit (V8 reports
 *   each GC through perf_hooks), their difference is what the unit allocated and still
 *   holds or has not yet been collected: an upper bound on what it leaked. Below the
 *   threshold, the unit is clean, for the price of two reads.
 * - Otherwise the unit is a candidate: a full GC now gives the live heap, and its growth
 *   over the last collected value is the second upper bound. The smaller bound is the
 *   unit's growth. Confirmations cost in proportion to what is found.
 * - A GC during the unit makes the first bound unusable (a scavenge freed garbage from
 *   before the unit). Such units are confirmed only while the time spent in leakguard's
 *   own collections stays inside a budget; and whenever that budget allows, a unit starts
 *   from a fresh collection, which keeps the second bound tight.
 *
 * `exact` collects before and after every unit: the reference, for suites small enough.
 */
import { PerformanceObserver } from 'node:perf_hooks';
import * as v8 from 'node:v8';
import { fullGc } from './gc';
import { nowMs } from './real-timers';

export type GcPolicyName = 'adaptive' | 'exact';

/**
 * Share of the run's time leakguard may spend in collections it was not forced into.
 * They keep the cheap bound tight between confirmations, and they keep the process's RSS
 * from creeping up: at 1% the 20,000-test soak ended with 22 MiB more RSS than plain
 * Mocha (heap flat), at 5% with none.
 */
const OPTIONAL_GC_BUDGET = 0.05;

/** A full collection's cost per MB of live heap, measured here at ~1.2 ms. */
const ESTIMATED_GC_MS_PER_MB = 1.2;

/** What the policy knows about a unit between its begin and end. */
export interface GcWindow {
  /** The begin readings were taken right after a full GC. */
  readonly collectedAtBegin: boolean;
}

/** The two windows there are, made once: a window is made for every unit. */
const COLLECTED_AT_BEGIN: GcWindow = Object.freeze({ collectedAtBegin: true });
const NOT_COLLECTED_AT_BEGIN: GcWindow = Object.freeze({ collectedAtBegin: false });

export interface GcPolicy {
  readonly name: GcPolicyName;
  /** Called before the begin readings; may collect. */
  beforeBegin(): GcWindow;
  /**
   * Called after the end readings, with the growth those readings show for the worst GC
   * probe relative to its threshold, and whether the readings bound the growth at all (see
   * ProbeInstance.screen). Returns whether to collect and read again.
   */
  mustConfirm(window: GcWindow, quickGrowthOverThreshold: boolean, screensBound?: boolean): boolean;
  /** Collect now (the engine then reads again); `optional`: counted against the optional budget. */
  collect(optional?: boolean): void;
  /** Whether a collection nothing forces (a checkpoint's) fits the optional budget now. */
  affordsOptionalCollection(): boolean;
  /** True when no GC ran since `beforeBegin` (so uncollected deltas are upper bounds). */
  noGcSince(window: GcWindow): boolean;
  dispose(): void;
}

export function createGcPolicy(name: GcPolicyName): GcPolicy {
  return name === 'exact' ? new ExactPolicy() : new AdaptivePolicy();
}

class ExactPolicy implements GcPolicy {
  readonly name = 'exact' as const;
  beforeBegin(): GcWindow {
    fullGc();
    return COLLECTED_AT_BEGIN;
  }
  mustConfirm(): boolean {
    return true;
  }
  collect(): void {
    fullGc();
  }
  affordsOptionalCollection(): boolean {
    return true;
  }
  noGcSince(): boolean {
    return false;
  }
  dispose(): void {}
}

class AdaptivePolicy implements GcPolicy {
  readonly name = 'adaptive' as const;
  private readonly observer: PerformanceObserver;
  private readonly startedAt = nowMs();
  private optionalGcMs = 0;
  private lastGcCostMs = 0;
  private lastGcAt = 0;
  private gcSeenSinceBegin = false;
  private nextCollectIsOptional = false;

  constructor() {
    // Entries are taken synchronously with takeRecords(); the callback only keeps the
    // observer's queue from holding them.
    this.observer = new PerformanceObserver(() => {});
    this.observer.observe({ entryTypes: ['gc'] });
    // No collection up front: it costs ~1 ms per MB of live heap (140 ms at 250 MB) and
    // most runs never need it. The first confirmation takes the first collected value;
    // until then, what a collection would cost is estimated from the heap's size, so
    // the optional budget does not spend it early.
    this.lastGcCostMs = (v8.getHeapStatistics().used_heap_size / 1024 / 1024) * ESTIMATED_GC_MS_PER_MB;
  }

  beforeBegin(): GcWindow {
    this.observer.takeRecords();
    this.gcSeenSinceBegin = false;
    // A fresh collection at begin keeps the "growth since last collection" bound tight;
    // take one whenever the optional budget has room for what the last one cost.
    const now = nowMs();
    if (now - this.lastGcAt > 50 && this.withinBudget(now)) {
      this.collect(true);
      return COLLECTED_AT_BEGIN;
    }
    return NOT_COLLECTED_AT_BEGIN;
  }

  noGcSince(): boolean {
    if (this.observer.takeRecords().length > 0) this.gcSeenSinceBegin = true;
    return !this.gcSeenSinceBegin;
  }

  mustConfirm(window: GcWindow, quickGrowthOverThreshold: boolean, screensBound = true): boolean {
    if (quickGrowthOverThreshold) return true;
    // With a collection at begin, a GC during the unit can only free the unit's own garbage:
    // the readings still bound its growth. Unless a reading fell by itself (external
    // memory counted down late, after an earlier collection freed ArrayBuffers).
    if (screensBound && (this.noGcSince() || window.collectedAtBegin)) return false;
    // A GC during the unit may hide growth; confirm while the budget allows.
    if (!this.withinBudget()) return false;
    this.nextCollectIsOptional = true;
    return true;
  }

  collect(optional = this.nextCollectIsOptional): void {
    this.nextCollectIsOptional = false;
    const started = nowMs();
    fullGc();
    const took = nowMs() - started;
    this.lastGcCostMs = took;
    this.lastGcAt = nowMs();
    if (optional) this.optionalGcMs += took;
    this.observer.takeRecords();
  }

  affordsOptionalCollection(): boolean {
    return this.withinBudget();
  }

  private withinBudget(now = nowMs()): boolean {
    const elapsed = now - this.startedAt;
    return this.optionalGcMs + this.lastGcCostMs <= OPTIONAL_GC_BUDGET * elapsed;
  }

  dispose(): void {
    this.observer.disconnect();
  }
}
