/**
 * `this.leakguard` in tests and hooks. Mocha gives every suite a context whose prototype
 * is its parent suite's, up to the root suite's (Suite's constructor), and runs each test
 * and hook with its suite's context as `this`. One accessor on the root context, defined
 * once as the run starts, is therefore seen from every test and hook, with `this` the
 * caller's context, which says which runnable is running (Context#runnable sets
 * `ctx.test`; Runner#hook sets `ctx.currentTest`). No Mocha internals are patched.
 *
 * Without leakguard there is no such property: `this.leakguard?.allow(...)` is then a no-op.
 */
import type { AllowableProbe } from '../config/probe-types';
import { AllowUsageError, type Allowances, type MochaContext } from './allowances';

/** What `this.leakguard` offers in a test or hook. */
export interface LeakguardTestContext {
  /**
   * Findings of these probes for this test are not leaks (listed under `allowed` in the
   * JSON report). In a `beforeEach`/`afterEach` hook: for the test it runs for; in a
   * `before`/`after` hook: for that hook and every test and hook of its suite, nested
   * suites included. An unknown probe name throws (the test or hook fails with it).
   *
   * ```js
   * it('keeps one pool for the suite', function () {
   *   this.leakguard?.allow('handles', 'the pool is closed in after()');
   * });
   * ```
   */
  allow(probes: AllowableProbe | readonly AllowableProbe[], reason?: string): void;
}

declare global {
  // Mocha's own typings (@types/mocha) declare `Mocha.Context`; this adds to it.
  namespace Mocha {
    interface Context {
      /** leakguard's per-test API; undefined when the run is not guarded by leakguard. */
      leakguard?: LeakguardTestContext;
    }
  }
}

/** Make `this.leakguard` answer in every test and hook of the run whose root suite has `rootContext`. */
export function exposeTestContext(rootContext: object | undefined, allowances: Allowances): void {
  if (!rootContext) return;
  const apis = new WeakMap<object, LeakguardTestContext>();
  Object.defineProperty(rootContext, 'leakguard', {
    configurable: true,
    enumerable: false,
    get(this: object): LeakguardTestContext {
      let api = apis.get(this);
      if (!api) {
        const context = this as MochaContext;
        const allow = (probes: unknown, reason?: unknown): void => {
          try {
            allowances.allow(context, probes, reason);
          } catch (error) {
            // The mistake is the caller's line: no leakguard frames above it.
            if (error instanceof AllowUsageError) Error.captureStackTrace(error, allow);
            throw error;
          }
        };
        api = Object.freeze({ allow }) as LeakguardTestContext;
        apis.set(this, api);
      }
      return api;
    },
  });
}
