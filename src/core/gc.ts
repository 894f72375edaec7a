/**
 * Garbage collection on demand, without asking the user for `--expose-gc`: the flag is
 * set at run time and `gc` is taken from a fresh context, which gets the function while
 * the user's global scope stays as it was.
 */
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { discardConsoleMessages } from './memory/inspector-session';

type GcFunction = (options?: { type?: 'major' | 'minor'; execution?: 'sync' }) => void;

let cached: GcFunction | undefined;

function gcFunction(): GcFunction {
  if (cached) return cached;
  const existing = (globalThis as { gc?: GcFunction }).gc;
  if (typeof existing === 'function') {
    cached = existing;
  } else {
    v8.setFlagsFromString('--expose-gc');
    cached = vm.runInNewContext('gc') as GcFunction;
  }
  return cached;
}

/**
 * A full, synchronous mark-sweep-compact of the whole heap. Costs ~1 ms per MB of live heap.
 * Each GC here judges memory: what V8 keeps of the console for leakguard's inspector session
 * goes first (see discardConsoleMessages).
 */
export function fullGc(): void {
  discardConsoleMessages();
  gcFunction()();
}

/** A scavenge of the young generation only: ~0.2 ms, frees the short-lived garbage. */
export function minorGc(): void {
  discardConsoleMessages();
  gcFunction()({ type: 'minor' });
}
