/**
 * Timer functions and Promise captured when leakguard loads, before any test can replace
 * them (sinon's fake timers, @sinonjs/fake-timers installed globally, a stubbed
 * setImmediate, a replaced global Promise). leakguard's own waits must keep real time
 * and settle whatever a test did to the globals. (`async` functions and `await` use the
 * engine's own Promise, never the global one.)
 */
import * as timers from 'node:timers';

/** The Promise constructor as it was when leakguard loaded. */
export const RealPromise = Promise;

/**
 * Whether a result that may or may not be a promise is one: any thenable, as a plugin's
 * probe may return a promise of its own library's making.
 */
export function isPromise<T>(value: T | Promise<T>): value is Promise<T> {
  return typeof (value as { then?: unknown } | null | undefined)?.then === 'function';
}

const realSetTimeout = timers.setTimeout;
const realClearTimeout = timers.clearTimeout;
const realSetImmediate = timers.setImmediate;
const RealDate = Date;
/**
 * process.hrtime.bigint rather than performance.now: ~0.15 us against ~0.5 us per read
 * between two Mocha tests (performance.now builds an array through process.hrtime), and
 * leakguard reads the clock several times per test.
 */
const realHrtimeBigint = process.hrtime.bigint;

/** Resolve after `ms` milliseconds of real time (0: on the next turn of the event loop). */
export function sleep(ms: number): Promise<void> {
  return new RealPromise((resolve) => {
    if (ms <= 0) {
      realSetImmediate(resolve);
    } else {
      realSetTimeout(resolve, ms);
    }
  });
}

/**
 * {@link sleep} that does not keep the process alive, and that no probe counts among the
 * test's handles: for waits that run while tests run (see LeakEngine.judgeCandidates).
 */
export function sleepUnref(ms: number): Promise<void> {
  return new RealPromise((resolve) => {
    const waiting = ms <= 0 ? realSetImmediate(resolve) : realSetTimeout(resolve, ms);
    waiting.unref();
  });
}

/** Race `work` against a real-time limit; resolves to `timedOut` when the limit passes first. */
export function withTimeLimit<T>(
  work: Promise<T>,
  ms: number,
): Promise<{ timedOut: false; value: T } | { timedOut: true }> {
  return new RealPromise((resolve, reject) => {
    // Not unref'd: while leakguard waits in a hook, this timer may be all that keeps the
    // process alive (a probe that hangs on a promise nothing will settle).
    const timer = realSetTimeout(() => resolve({ timedOut: true }), ms);
    work.then(
      (value) => {
        realClearTimeout(timer);
        resolve({ timedOut: false, value });
      },
      (error: unknown) => {
        realClearTimeout(timer);
        reject(error);
      },
    );
  });
}

/** Monotonic nanoseconds, from process.hrtime.bigint as it was at load. */
export function nowNs(): bigint {
  return realHrtimeBigint();
}

/** Monotonic milliseconds (from process.hrtime as it was at load), immune to a faked `Date`, `performance` or `hrtime`. */
export function nowMs(): number {
  return Number(realHrtimeBigint()) / 1e6;
}

/** Wall-clock time for timestamps in reports. */
export function wallClock(): Date {
  return new RealDate();
}
