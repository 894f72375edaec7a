import * as v8 from 'node:v8';
import { defineProbe } from '../core/probe';
import { trackAllocations } from './allocation-sites';

/**
 * V8 heap in use plus ArrayBuffer backing stores (Buffers live there, outside the heap).
 * Only meaningful after a full GC, which the engine's GC policy decides on: this probe
 * just reads, in two ways.
 */

/**
 * Right after a collection: `process.memoryUsage()`, whose `arrayBuffers` drops as soon as
 * a collection frees a backing store (V8's `external_memory` lags behind). ~15 us: it
 * also reads RSS from /proc.
 */
function collectedHeap(): number {
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.arrayBuffers;
}

/**
 * Between collections, only to screen (twice per test): `v8.getHeapStatistics()`, ~0.5 us.
 * Its external memory grows with every new backing store, which is what screening needs.
 */
function screeningHeap(): number {
  const stats = v8.getHeapStatistics();
  return stats.used_heap_size + stats.external_memory;
}

export const heapProbe = defineProbe<{ mode?: 'adaptive' | 'exact'; repeats?: number }>({
  name: 'heap',
  unit: 'bytes',
  description: 'V8 heap used after garbage collection, plus ArrayBuffer/Buffer memory',
  defaultThreshold: 1024 * 1024,
  measuresAfterGc: true,
  options: {
    mode: {
      type: 'string',
      enum: ['adaptive', 'exact'],
      default: 'adaptive',
      description:
        'adaptive: collect only to confirm a test whose cheap reading grew (fast); exact: full GC before and after every test (slow, for small suites)',
    },
    repeats: {
      type: 'number',
      default: 2,
      description:
        'how often a passed test whose heap grew is run again (with its beforeEach/afterEach hooks) to tell a leak (grows every run) from one-time growth (a cache filled on first use); 0: never',
    },
  },
  hint: 'Memory allocated in this test is still reachable after it ended: look for module-level arrays, maps or caches that the test adds to, and clear them or bound them (an LRU) in afterEach.',
  create: () => ({
    sample: (context) => (context?.collected ? collectedHeap() : screeningHeap()),
    track: trackAllocations,
  }),
});
