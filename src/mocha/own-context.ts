/**
 * Give one of leakguard's per-test hooks a context of its own.
 *
 * Mocha runs a root hook with the root suite's context, and around every run of it adds
 * `currentTest` to that context and deletes it again (Runner#hook). The root context is
 * the prototype of every suite's context, so each add and delete changes the shape of an
 * object the whole run's contexts inherit from: V8 then drops what it had learned about
 * every access through them, in Mocha's code and in the tests. Measured on 2,000 trivial
 * tests, one empty root `afterEach` made Mocha's own per-test work take ~2x as long
 * (profiled: `Context#runnable` 1 ms -> 16 ms); with a context of its own, which inherits
 * from the root one as a suite's would, the same hook costs what any hook costs.
 */
import type { MochaHook, MochaSuite } from './units';

export function giveOwnContext(hook: MochaHook, suite: MochaSuite): void {
  const runnable = hook as MochaHook & { ctx?: object };
  const shared = (suite as MochaSuite & { ctx?: object }).ctx;
  if (shared && runnable.ctx === shared) runnable.ctx = Object.create(shared) as object;
}
