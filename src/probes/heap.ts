import * as v8 from 'node:v8';
import { defineProbe, type Reading, type ScreenedGrowth } from '../core/probe';
import type { trackAllocations as TrackAllocations } from './allocation-sites';
import {
  AUTO_MAX_HEAP_BYTES,
  ObjectGrowthTracker,
  SNAPSHOT_POLICIES,
  type SnapshotPolicy,
} from './object-growth';

const MiB = 1024 * 1024;

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
function screeningHeap(): Reading {
  const stats = v8.getHeapStatistics();
  const state: ScreeningState = { heap: stats.used_heap_size, external: stats.external_memory };
  return { value: state.heap + state.external, state };
}

interface ScreeningState {
  heap: number;
  external: number;
}

/**
 * Without a GC, the V8 heap in use only grows, so its difference bounds what a unit kept.
 * External memory can fall without one: V8 counts ArrayBuffers freed by a collection down
 * some time later, during the next unit, and that fall would hide what the unit kept (a
 * test that kept 2.5 MB right after one that dropped 64 MB of buffers read as -61 MB).
 * A fall is therefore not subtracted, and the growth is then no bound: the engine collects.
 */
function screen(before: Reading, after: Reading): ScreenedGrowth {
  const from = before.state as ScreeningState | undefined;
  const to = after.state as ScreeningState | undefined;
  if (!from || !to) return { growth: after.value - before.value, bounded: true };
  const external = to.external - from.external;
  return { growth: to.heap - from.heap + Math.max(0, external), bounded: external >= 0 };
}

export const heapProbe = defineProbe<{
  mode?: 'adaptive' | 'exact';
  repeats?: number;
  fileThreshold?: number | string;
  snapshots?: SnapshotPolicy;
}>({
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
    fileThreshold: {
      type: 'size',
      default: '4MiB',
      description:
        'growth of the heap over all the tests of one file, none of them over threshold, above which the file is reported: small leaks that add up (2 KiB per test is allowed on top, for what Mocha keeps of each test it ran)',
    },
    repeats: {
      type: 'number',
      default: 2,
      description:
        'how often, at most, a passed test whose heap grew is run again (with its beforeEach/afterEach hooks) to tell a leak (grows every run) from one-time growth (a cache filled on first use); a test whose first repeat keeps about what its first run kept is not run a second time; 0: never',
    },
    snapshots: {
      type: 'string',
      enum: SNAPSHOT_POLICIES,
      default: 'never',
      description:
        `heap snapshots around the last repeat of a likely leak, to show which kinds of object grew and the path that retains them; they cost ~4 s and ~+270 MB of RSS at a 25 MB heap, growing with the heap, so they are off by default. auto: only while the heap is under ${AUTO_MAX_HEAP_BYTES / MiB} MiB, for the first likely leak of the run; always: for every likely leak; never: off`,
    },
  },
  hint: 'Memory allocated in this test is still reachable after it ended: look for module-level arrays, maps or caches that the test adds to, and clear them or bound them (an LRU) in afterEach. To see which objects grew and what keeps them, set probes.heap.snapshots to "auto".',
  create: ({ options, warn }) => {
    const objects = new ObjectGrowthTracker(options.snapshots ?? 'never', warn);
    return {
      sample: (context) => (context?.collected ? collectedHeap() : screeningHeap()),
      screen,
      track: async (trackOptions) => {
        // The first snapshot before sampling starts: the sampler need not see it read.
        const endLook = await objects.begin(trackOptions?.likelyLeak ?? false);
        let stopSampling: Awaited<ReturnType<typeof TrackAllocations>>;
        try {
          // Loaded here: only a repeated test is tracked (and the inspector with it).
          const { trackAllocations } = require('./allocation-sites') as typeof import('./allocation-sites');
          stopSampling = await trackAllocations();
        } catch (error) {
          if (endLook) await objects.end();
          throw error;
        }
        return async ({ discard = false } = {}) => {
          // The second snapshot before the sampling profile is read, so that the profile's
          // objects are not in it; V8's object ids are dropped only after both.
          const growth = endLook && !discard ? await endLook() : undefined;
          try {
            const items = await stopSampling({ discard });
            return growth ? { items, ...growth } : items;
          } finally {
            if (endLook) await objects.end();
          }
        };
      },
    };
  },
});
