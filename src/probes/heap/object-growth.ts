/**
 * The heap probe's costly look at a likely leak: a heap snapshot before and after the
 * last repeat of the test (see heap-snapshot.ts), to say which kinds of object grew
 * (constructor-growth.ts) and what retains them (retainer-path.ts).
 *
 * A snapshot costs time and memory in proportion to the heap, in the measured process:
 * V8 builds the whole object graph in C++ before it writes a byte, and glibc keeps most
 * of that memory afterwards. Measured for one look (both snapshots, read and analysed) on
 * a heap of small objects (the dearest kind per MB), 2 cores:
 *
 *   heap     Node 20: time, peak RSS added     Node 24
 *   25 MB    4.0 s, +270 MB                    3.0 s, +250 MB
 *   120 MB   22 s,  +1.0 GB                    12 s,  +0.8 GB (103 MB)
 *   245 MB   54 s,  +2.1 GB                    28 s,  +1.7 GB (224 MB)
 *
 * That is more than leakguard may cost by default, so it is off (`never`) unless asked
 * for. With `auto` a look is taken only while the heap is under {@link AUTO_MAX_HEAP_BYTES},
 * for at most {@link AUTO_MAX_LOOKS} leak per run and within {@link AUTO_TIME_BUDGET_MS};
 * `always` lifts those limits. A clean
 * test never pays, nor does a suspect whose earlier runs did not all grow: only the last
 * repeat of a likely leak is looked at.
 */
import type { TypeGrowth } from '../../core/probe';
import { nowMs } from '../../core/real-timers';

/**
 * The snapshot reader and its analyses, loaded on the first look: most runs take none, and
 * every run loads this module (the heap probe's), so they stay out of leakguard's start-up.
 */
function tools(): typeof import('./heap-snapshot') & typeof import('./constructor-growth') & typeof import('./retainer-path') {
  return {
    ...(require('./heap-snapshot') as typeof import('./heap-snapshot')),
    ...(require('./constructor-growth') as typeof import('./constructor-growth')),
    ...(require('./retainer-path') as typeof import('./retainer-path')),
  };
}

export type SnapshotPolicy = 'auto' | 'always' | 'never';
export const SNAPSHOT_POLICIES: readonly SnapshotPolicy[] = ['auto', 'always', 'never'];

/** `auto`: no look once the live heap is larger than this (~10 s and +0.5 GB of RSS per look on Node 20). */
export const AUTO_MAX_HEAP_BYTES = 64 * 1024 * 1024;
/**
 * `auto`: at most this many leaks per run are looked at. One: a look costs seconds and
 * hundreds of MB of RSS that the process keeps, a price to pay once, when a leak is there
 * to explain, not per leak in a suite that leaks everywhere.
 */
export const AUTO_MAX_LOOKS = 1;
/** `auto`: no new look when it would take the looks of the run past this (judged by the last one). */
export const AUTO_TIME_BUDGET_MS = 15_000;

export interface ObjectGrowth {
  growthByType: TypeGrowth[];
  retainerPath?: string[];
}

/** Ends a look: the second snapshot and what it shows (undefined when it failed). */
export type EndLook = () => Promise<ObjectGrowth | undefined>;

export class ObjectGrowthTracker {
  private looks = 0;
  private spentMs = 0;
  private lastLookMs = 0;
  private warned = false;

  constructor(
    private readonly policy: SnapshotPolicy,
    private readonly warn: (message: string) => void,
  ) {}

  /**
   * Take the first snapshot if a look is due and affordable; the returned function takes
   * the second one and reads both. Undefined: no look this time.
   */
  async begin(likelyLeak: boolean): Promise<EndLook | undefined> {
    if (!this.affordable(likelyLeak)) return undefined;
    this.looks++;
    const started = nowMs();
    const { heapObjectIdWatermark } = tools();
    let watermark: number;
    try {
      watermark = await heapObjectIdWatermark();
    } catch (error) {
      this.failed(error);
      return undefined;
    } finally {
      this.lastLookMs = nowMs() - started;
      this.spentMs += this.lastLookMs;
    }
    return async () => {
      const resumed = nowMs();
      try {
        return await this.read(watermark);
      } catch (error) {
        this.failed(error);
        return undefined;
      } finally {
        const took = nowMs() - resumed;
        this.lastLookMs += took;
        this.spentMs += took;
      }
    };
  }

  /**
   * Drop V8's object ids once no look is needed any more (see forgetHeapObjectIds): at the
   * end of the run, since it also stops the sampling heap profiler the memory lane runs.
   */
  async dispose(): Promise<void> {
    if (this.looks === 0) return;
    await tools()
      .forgetHeapObjectIds()
      .catch(() => undefined);
  }

  private affordable(likelyLeak: boolean): boolean {
    if (this.policy === 'never' || !likelyLeak) return false;
    if (this.policy === 'always') return true;
    return (
      this.looks < AUTO_MAX_LOOKS &&
      this.spentMs + this.lastLookMs <= AUTO_TIME_BUDGET_MS &&
      process.memoryUsage().heapUsed <= AUTO_MAX_HEAP_BYTES
    );
  }

  private async read(watermark: number): Promise<ObjectGrowth> {
    const { heapGraph, newObjects, constructorGrowth, retainerPath } = tools();
    // Nothing of the graph outlives this call: typed arrays, freed with it.
    const graph = await heapGraph();
    const fresh = newObjects(graph, watermark);
    const growthByType = constructorGrowth(graph, fresh);
    const path = growthByType.length > 0 ? retainerPath(graph, fresh) : undefined;
    return path ? { growthByType, retainerPath: path } : { growthByType };
  }

  private failed(error: unknown): void {
    if (this.warned) return;
    this.warned = true;
    this.warn(`could not read a heap snapshot, so leaks are shown without what grew and what retains it: ${error instanceof Error ? error.message : String(error)}`);
  }
}
