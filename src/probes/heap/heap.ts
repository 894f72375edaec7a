import { memoryState } from '../../core/memory/heap-numbers';
import { MEMORY_DEFAULTS } from '../../core/memory/options';
import { defineProbe, type Reading } from '../../core/probe';
import { AUTO_MAX_HEAP_BYTES, ObjectGrowthTracker, SNAPSHOT_POLICIES, type SnapshotPolicy } from './object-growth';

const MiB = 1024 * 1024;

/**
 * V8 heap in use (and how much of it is young) and ArrayBuffer/Buffer memory, read cheaply
 * and uncollected (~2 us, see memoryState). The memory lane (core/memory/) takes these numbers
 * at every unit's begin and end, and decides: which tests keep memory, at which allocation
 * site, judged over the whole run.
 */
function read(): Reading {
  const state = memoryState();
  return { value: state.heap + state.external, state };
}

export const heapProbe = defineProbe<{
  repeats?: number;
  readAfter?: number | string;
  snapshots?: SnapshotPolicy;
}>({
  name: 'heap',
  unit: 'bytes',
  description: 'memory tests keep reachable (V8 heap and ArrayBuffer/Buffer memory), by allocation site over the run',
  defaultThreshold: MiB,
  measuresAfterGc: true,
  options: {
    repeats: {
      type: 'number',
      default: MEMORY_DEFAULTS.repeats,
      description:
        'how often a test that alone kept memory at an allocation site is run again (with its beforeEach/afterEach hooks, when its suite ends) to tell a leak (keeps memory again) from one-time growth (a table built on first use); at most 8 tests per run, never near the heap limit; 0: never. A site that several tests feed needs no repeat',
    },
    readAfter: {
      type: 'size',
      default: MEMORY_DEFAULTS.readAfter,
      description:
        'growth of the heap outside V8\u2019s young generation (what survived a scavenge) and of ArrayBuffer memory since leakguard last looked at the live heap (a full GC) past which it looks again, while its garbage collections stay within 5% of the run time: more looks tell a cache at its bound from a leak more surely',
    },
    snapshots: {
      type: 'string',
      enum: SNAPSHOT_POLICIES,
      default: 'never',
      description:
        `heap snapshots around the run again of a test that alone kept memory, to show which kinds of object grew and the path that retains them; they cost ~4 s and ~+270 MB of RSS at a 25 MB heap, growing with the heap, so they are off by default. auto: only while the heap is under ${AUTO_MAX_HEAP_BYTES / MiB} MiB, for the first such test of the run; always: for every one; never: off`,
    },
  },
  hint: 'Memory allocated here is still reachable after the tests that allocated it ended: look for module-level arrays, maps or caches that the tests add to, and clear them or bound them (an LRU) in afterEach. To see which objects grew and what keeps them, set probes.heap.snapshots to "auto".',
  create: ({ options, warn }) => {
    const objects = new ObjectGrowthTracker(options.snapshots ?? 'never', warn);
    return {
      sample: read,
      track: async (trackOptions) => {
        const endLook = await objects.begin(trackOptions?.likelyLeak ?? false);
        if (!endLook) return undefined;
        return async ({ discard = false } = {}) => {
          const growth = discard ? undefined : await endLook();
          return growth ? { items: [], ...growth } : [];
        };
      },
      dispose: () => objects.dispose(),
    };
  },
});
