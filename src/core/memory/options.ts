/**
 * The memory lane's options, as the heap probe's config gives them (`probes.heap.*`),
 * with their defaults: one place for both.
 */
import { parseThreshold } from '../thresholds';

export const MEMORY_DEFAULTS = {
  /** Growth of the heap outside the young generation since the last read past which a read is worth its GC. */
  readAfter: '4MiB',
  /** How often a test that alone kept memory at a site is run again. */
  repeats: 1,
} as const;

export interface MemoryOptions {
  readAfterGrowth: number;
  repeats: number;
}

export function memoryOptions(options: Record<string, unknown>): MemoryOptions {
  const readAfter = options.readAfter;
  const repeats = options.repeats;
  return {
    readAfterGrowth: parseThreshold(typeof readAfter === 'string' || typeof readAfter === 'number' ? readAfter : MEMORY_DEFAULTS.readAfter, 'bytes'),
    repeats: typeof repeats === 'number' && repeats >= 0 ? Math.floor(repeats) : MEMORY_DEFAULTS.repeats,
  };
}
