/**
 * The heap numbers the memory lane compares, from V8 and Node: cheap to read (no GC), each
 * saying what it counts.
 */
import { PerformanceObserver } from 'node:perf_hooks';
import * as v8 from 'node:v8';

/** The cheap, uncollected reading a memory probe takes at every unit's begin and end. */
export interface MemoryState {
  /** V8 heap in use. */
  heap: number;
  /** ArrayBuffer and Buffer memory, outside the V8 heap. */
  external: number;
  /** The part of `heap` in the young generation (what a scavenge empties). */
  young: number;
  /** The part of `heap` in old large-object spaces: objects too big for the young generation go there when allocated. */
  large: number;
  /** GCs V8 has reported so far (see gcsReported). */
  gcs: number;
}

/** A reading now (~2 us): no GC. */
export function memoryState(): MemoryState {
  const stats = v8.getHeapStatistics();
  return { heap: stats.used_heap_size, external: stats.external_memory, ...spacesUsed(), gcs: gcsReported() };
}

/** Bytes in use in the young generation, and in the old large-object spaces. */
export function spacesUsed(): { young: number; large: number } {
  let young = 0;
  let large = 0;
  for (const space of v8.getHeapSpaceStatistics()) {
    if (space.space_name === 'new_space' || space.space_name === 'new_large_object_space') young += space.space_used_size;
    else if (space.space_name.endsWith('large_object_space')) large += space.space_used_size;
  }
  return { young, large };
}

/** Bytes in use in the young generation. */
export function youngUsed(): number {
  return spacesUsed().young;
}

/** The heap outside the young generation, and external memory. */
export function outsideYoungValue(): number {
  const stats = v8.getHeapStatistics();
  return stats.used_heap_size - youngUsed() + stats.external_memory;
}

/** The V8 heap in use outside the young generation: what a full GC goes through beyond a scavenge's work. */
export function oldHeapUsed(): number {
  return Math.max(1, v8.getHeapStatistics().used_heap_size - youngUsed());
}

/** The V8 heap in use and ArrayBuffer memory: right after a full GC, the live memory. */
export function liveMemory(): number {
  return v8.getHeapStatistics().used_heap_size + arrayBufferBytes();
}

/**
 * External memory by V8's count (ArrayBuffer stores among it), as `uncollectedValue` and
 * `outsideYoungValue` take it. It falls for what a GC freed only once V8's sweeper thread
 * is done with those stores, which the next GC waits for.
 */
export function externalMemory(): number {
  return v8.getHeapStatistics().external_memory;
}

/** The heap and external memory as the memory probe reads them (see MemoryState), to compare with its readings. */
export function uncollectedValue(): number {
  const stats = v8.getHeapStatistics();
  return stats.used_heap_size + stats.external_memory;
}

/**
 * ArrayBuffer and Buffer memory: `process.memoryUsage()` counts a freed store down as soon
 * as a GC frees it (V8's `external_memory` lags), but it also reads RSS from /proc, which
 * fails while the process is out of descriptors; V8's count stands in then.
 */
export function arrayBufferBytes(): number {
  try {
    return process.memoryUsage().arrayBuffers;
  } catch {
    return v8.getHeapStatistics().external_memory;
  }
}

let gcObserver: PerformanceObserver | undefined;
let gcs = 0;
/** GC entries were queued for leakguard's observers and Node has not handed them over yet (see gcDeliveryPending). */
let deliveryPending = false;

/**
 * How many GCs V8 has reported so far. V8 reports each a turn after it ran: a count taken
 * at a unit's end may miss one in its last turn, and one taken at its begin may miss the
 * previous unit's last.
 */
export function gcsReported(): number {
  if (!gcObserver) {
    // Those `takeRecords` has not taken by the turn after the GC go to the callback.
    gcObserver = new PerformanceObserver((list) => {
      deliveryPending = false;
      gcs += list.getEntries().length;
    });
    gcObserver.observe({ entryTypes: ['gc'] });
  }
  const taken = gcObserver.takeRecords().length;
  if (taken > 0) deliveryPending = true;
  gcs += taken;
  return gcs;
}

/**
 * Whether Node holds an Immediate of its own to hand GC entries to leakguard's observers:
 * perf_hooks queues one setImmediate for every observer with entries, and calls each
 * observer's callback in it (with what `takeRecords` left, if anything). That Immediate is
 * leakguard's, not the test's: a GC shortly before a unit's end would show as an Immediate
 * the unit left pending (one in four runs of a test that failed, under load, on Node 24).
 */
export function gcDeliveryPending(): boolean {
  if (!gcObserver) return false;
  gcsReported();
  return deliveryPending;
}
