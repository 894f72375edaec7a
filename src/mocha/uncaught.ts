/**
 * An error thrown by a test's stray callback while leakguard's own root hook is waiting
 * (settling, collecting) must not be blamed on that hook: Mocha fails whatever runnable
 * is current, and a failing root `afterEach` aborts the whole run.
 *
 * Without leakguard's wait, such an error would have fired a little later, while the next
 * runnable ran (most often the next test), and failed that. So errors are held while
 * leakguard works and handed on to the next test: thrown again as soon as it starts
 * running. Errors still held when no test follows go to the test they came after.
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

/** Whether errors are held, waiting for the next test. */
export function hasHeldErrors(): boolean {
  return pending.length > 0;
}

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
 * Make `test` throw `errors` (uncaught, as they were) once it starts running: its
 * function is wrapped for this one run, keeping its arity so Mocha still tells
 * callback-style tests from the others.
 */
export function rethrowWhenRunning(test: MochaTest, errors: unknown[]): void {
  const runnable = test as MochaTest & { fn?: TestFunction };
  const original = runnable.fn;
  if (errors.length === 0 || typeof original !== 'function') return;
  const wrapped = function (this: unknown, ...args: unknown[]) {
    runnable.fn = original;
    for (const error of errors) {
      realSetImmediate(() => {
        throw error;
      });
    }
    return original.apply(this, args);
  };
  Object.defineProperty(wrapped, 'length', { value: original.length });
  runnable.fn = wrapped as TestFunction;
}

/** Hand errors to Mocha as errors of leakguard's hook: Mocha fails the current test with them. */
export function failCurrentTest(errors: unknown[], ownHook: MochaHook | undefined): void {
  const hook = ownHook as (MochaHook & { error?: (error: unknown) => void }) | undefined;
  if (!hook || typeof hook.error !== 'function') return;
  for (const error of errors) hook.error(error);
}
