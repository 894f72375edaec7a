import { defineProbe } from '../core/probe';

/**
 * Resident set size. Off by default: RSS moves with the allocator's page cache, JIT code
 * space and heap growth that V8 keeps for reuse, so an ordinary test can add megabytes
 * that are not a leak. The heap probe is the precise signal for JavaScript memory; turn
 * this on to catch native leaks (addons, large allocations outside V8) with a generous
 * threshold.
 */
export const rssProbe = defineProbe({
  name: 'rss',
  unit: 'bytes',
  description: 'resident set size of the process (noisy: off by default)',
  defaultThreshold: 32 * 1024 * 1024,
  enabledByDefault: false,
  hint: 'The process kept more memory after this test. If the heap probe found nothing, look for native allocations (addons, large Buffers held by native code).',
  create: () => ({ sample: () => process.memoryUsage.rss() }),
});
