/**
 * An error thrown by a test's stray callback while leakguard's own root hook is waiting
 * (settling, collecting) must not be blamed on that hook: Mocha fails whatever runnable
 * is current, and a failing root hook aborts the whole run.
 *
 * Without leakguard's wait, such an error would have fired a little later, while some
 * later runnable was still running, and Mocha would have failed that one. So errors are
 * held while leakguard works and handed on to the next test that is still running when
 * they are thrown again: a test that finished synchronously (or before the rethrow) hands
 * them on to the test after it. Thrown into a test that has passed, an error would make
 * Mocha stop the run ("cannot recover gracefully"). Errors still held when no test
 * follows go to the test they came after.
 */
import { EventEmitter } from 'node:events';
import * as timers from 'node:timers';
import type { MochaHook, MochaTest } from './units';

type Listener = (...args: unknown[]) => void;
type TestFunction = ((this: unknown, ...args: unknown[]) => unknown) & { length: number };

const realSetImmediate = timers.setImmediate;
// EventEmitter's own methods: the listeners probe wraps process.on and friends to record
// where listeners are added, which leakguard's own juggling needs no record of.
const { addListener, removeListener } = EventEmitter.prototype;

/** Errors held while leakguard worked, not yet handed on. */
const pending: unknown[] = [];

/** Take the errors held so far (see {@link holdingUncaught}). */
export function takeHeldErrors(): unknown[] {
  return pending.splice(0);
}

/**
 * One function for every hold, so that the listeners probe, which samples while errors
 * are held, sees the same listener at the start and at the end of a test.
 */
function hold(error: unknown): void {
  pending.push(error);
}

/** Run `work` with uncaught exceptions held back for {@link takeHeldErrors}. */
export async function holdingUncaught(work: () => Promise<void>): Promise<void> {
  const listeners = process.listeners('uncaughtException') as Listener[];
  if (listeners.includes(hold)) {
    // Already holding (a sentinel inside another of leakguard's hooks).
    await work();
    return;
  }
  for (const listener of listeners) removeListener.call(process, 'uncaughtException', listener);
  addListener.call(process, 'uncaughtException', hold);
  try {
    await work();
  } finally {
    removeListener.call(process, 'uncaughtException', hold);
    for (const listener of listeners) addListener.call(process, 'uncaughtException', listener);
  }
}

/**
 * Make `test` throw `errors` (uncaught, as they were) while it runs: its function is
 * wrapped for this one run, keeping its arity so Mocha still tells callback-style tests
 * from the others. A test that is over by then (it ran synchronously, or settled at once)
 * leaves them held: the next test's root `beforeEach` takes them.
 */
export function rethrowWhenRunning(test: MochaTest, errors: unknown[]): void {
  const runnable = test as MochaTest & { fn?: TestFunction };
  const original = runnable.fn;
  if (errors.length === 0 || typeof original !== 'function') return;
  const stillRunning = () => runnable.state === undefined;
  const keepHeld = () => {
    pending.unshift(...errors);
  };
  const wrapped = function (this: unknown, ...args: unknown[]) {
    runnable.fn = original;
    let result: unknown;
    try {
      result = original.apply(this, args);
    } catch (error) {
      // The test failed as it ran: the errors go on to the next one.
      keepHeld();
      throw error;
    }
    // No callback and no promise: Mocha passes the test as this returns.
    if (original.length === 0 && !isThenable(result)) {
      keepHeld();
      return result;
    }
    realSetImmediate(() => {
      if (!stillRunning()) {
        keepHeld();
        return;
      }
      const [first, ...rest] = errors;
      for (const error of rest) {
        realSetImmediate(() => {
          throw error;
        });
      }
      throw first;
    });
    return result;
  };
  Object.defineProperty(wrapped, 'length', { value: original.length });
  runnable.fn = wrapped as TestFunction;
}

function isThenable(value: unknown): boolean {
  return (typeof value === 'object' || typeof value === 'function') && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

/** Hand errors to Mocha as errors of leakguard's hook: Mocha fails the current test with them. */
export function failCurrentTest(errors: unknown[], ownHook: MochaHook | undefined): void {
  const hook = ownHook as (MochaHook & { error?: (error: unknown) => void }) | undefined;
  if (!hook || typeof hook.error !== 'function') return;
  for (const error of errors) hook.error(error);
}
