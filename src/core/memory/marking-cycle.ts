/**
 * Whether V8 is inside an incremental marking cycle: one began (the `incremental` GC entry
 * V8 reports as marking starts) and no full GC has finished it yet.
 *
 * It matters to a read: a full GC that finishes a cycle keeps everything the cycle marked,
 * though the code dropped it since. A test that stores into an object the marker already
 * passed (a cache, a class-level map) and is cleaned up in its `afterEach` leaves memory
 * that survives that GC, and would count as kept.
 */
import { constants, PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';

export class MarkingCycle {
  private unfinished = false;
  // GC entries come a turn after the GC; those not taken by `takeRecords` come here.
  private readonly observer = new PerformanceObserver((list) => this.note(list.getEntries()));

  constructor() {
    this.observer.observe({ entryTypes: ['gc'] });
  }

  /** A cycle may be under way (as far as the GC entries V8 has reported by now tell). */
  get mayBeUnfinished(): boolean {
    this.note(this.observer.takeRecords());
    return this.unfinished;
  }

  stop(): void {
    this.observer.disconnect();
  }

  private note(entries: readonly PerformanceEntry[]): void {
    for (const entry of entries) {
      const kind = (entry as { detail?: { kind?: number } | null }).detail?.kind;
      if (kind === constants.NODE_PERFORMANCE_GC_INCREMENTAL) this.unfinished = true;
      else if (kind === constants.NODE_PERFORMANCE_GC_MAJOR) this.unfinished = false;
    }
  }
}
