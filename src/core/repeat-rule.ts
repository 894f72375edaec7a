/**
 * Growth that happens once is not a leak: a lookup table filled on first use, a lazily
 * created singleton, a cache that fills to its bound. A suspect unit is therefore run
 * again and measured each time, and called a leak only when every repeat grew, as
 * CPython's regrtest -R does (`all(d >= 1)` over the repeats after warm-up) and as
 * LeakCanary waits for growth to stop. Memory is noisier than reference counts, so a
 * repeat "grew" when it kept at least half the threshold.
 */
export type RepeatVerdict = 'leak' | 'retained-once';

export function judgeRepeats(growthPerRun: readonly number[], threshold: number): RepeatVerdict {
  const floor = threshold / 2;
  return growthPerRun.length > 0 && growthPerRun.every((growth) => growth >= floor) ? 'leak' : 'retained-once';
}


/**
 * Before the last repeat: every repeat so far grew (none yet, after a first run that grew,
 * counts as all), so the unit is still a likely leak and a dearer look at the last repeat
 * is worth its cost.
 */
export function stillSuspect(growthSoFar: readonly number[], threshold: number): boolean {
  return growthSoFar.length === 0 || judgeRepeats(growthSoFar, threshold) === 'leak';
}

/**
 * After a repeat, before the next: whether the unit is plainly leaking already, so that
 * the remaining repeats would only leak more (each repeat keeps what the test keeps: on a
 * suite where 20 tests leak 2 MB each, two repeats raised peak RSS from 173 to 262 MB).
 * A leak keeps about the same every run: every repeat so far over the threshold and within
 * 20% of the first run. Anything less plain (a cache that grows its table once more while
 * it starts to evict, a measurement V8 makes noisy) runs the remaining repeats.
 */
export function plainlyLeaking(firstRun: number, growthSoFar: readonly number[], threshold: number): boolean {
  return (
    growthSoFar.length > 0 &&
    growthSoFar.every((growth) => growth > threshold && growth >= firstRun * 0.8 && growth <= firstRun * 1.25)
  );
}
