/**
 * leakguard's own hooks run without Mocha's time limit (leakguard bounds its own waits),
 * and without the timer Mocha arms for it. Mocha arms a timer for every hook that returns
 * a promise, even with the limit at 0 (one of ~24 days, which then does nothing): inside
 * leakguard's hook, the handles probe would see that timer appear and count it against
 * the unit being measured. With the limit at 0, Mocha's timer has nothing to do, so none
 * is armed.
 */
import type { MochaHook } from './units';

interface TimedRunnable {
  timeout(ms: number): unknown;
  clearTimeout(): void;
  resetTimeout(): void;
}

export function runUntimed(hook: MochaHook): void {
  const runnable = hook as MochaHook & TimedRunnable;
  runnable.timeout(0);
  runnable.resetTimeout = function resetTimeout(this: TimedRunnable): void {
    this.clearTimeout();
  };
}
