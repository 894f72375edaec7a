/**
 * The heap numbers the memory lane compares, from V8 and Node: cheap to read (no GC), each
 * saying what it counts.
 */
import * as v8 from 'node:v8';

/** Bytes in use in the young generation. */
export function youngUsed(): number {
  let young = 0;
  for (const space of v8.getHeapSpaceStatistics()) {
    if (space.space_name === 'new_space' || space.space_name === 'new_large_object_space') young += space.space_used_size;
  }
  return young;
}

/** The heap outside the young generation, and external memory. */
export function outsideYoungValue(): number {
  const stats = v8.getHeapStatistics();
  return stats.used_heap_size - youngUsed() + stats.external_memory;
}

/** The V8 heap in use and ArrayBuffer memory: right after a full GC, the live memory. */
export function liveMemory(): number {
  return v8.getHeapStatistics().used_heap_size + arrayBufferBytes();
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
