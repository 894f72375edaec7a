/**
 * Run a test again, as Mocha would: its `beforeEach` hooks from the root down, the test,
 * its `afterEach` hooks back up. Used only to tell a memory leak from growth that happens
 * once (see core/repeat-rule.ts), and only for a test that passed and grew.
 *
 * Runnable#run leaves traces on the objects it runs (duration, the context's current
 * runnable, the callback Mocha routes uncaught errors to); they are put back afterwards,
 * so reporters see the first run exactly as it was.
 */
import { RealPromise } from '../core/real-timers';
import { isSentinel } from './hook-sentinels';
import type { MochaHook, MochaSuite, MochaTest } from './units';

interface Runnable {
  run(callback: (error?: unknown) => void): void;
  timeout(): number;
  timeout(ms: number): unknown;
  clearTimeout?(): void;
  ctx?: RunnableContext;
  duration?: number;
  timedOut?: boolean;
  pending?: boolean;
  callback?: unknown;
}

interface RunnableContext {
  _runnable?: unknown;
  currentTest?: unknown;
}

/** Run `test` once more with its hooks; rejects with the first error. */
export async function rerunTest(test: MochaTest, isOwnHook: (hook: MochaHook) => boolean): Promise<void> {
  const chain = suitesFromRoot(test.parent as MochaSuite | undefined);
  const usable = (hook: MochaHook) => !isOwnHook(hook) && !isSentinel(hook);
  const before = chain.flatMap((suite) => suite._beforeEach.filter(usable));
  const after = [...chain].reverse().flatMap((suite) => suite._afterEach.filter(usable));
  const runnables = [...before, test, ...after] as unknown as Runnable[];
  const saved = runnables.map(snapshot);
  try {
    for (const runnable of runnables) {
      if (runnable.ctx && runnable !== (test as unknown)) runnable.ctx.currentTest = test;
      await runOnce(runnable);
    }
  } finally {
    saved.forEach((restore) => restore());
  }
}

function suitesFromRoot(suite: MochaSuite | undefined): MochaSuite[] {
  const chain: MochaSuite[] = [];
  for (let current = suite; current; current = current.parent as MochaSuite | undefined) chain.unshift(current);
  return chain;
}

/**
 * Run it with ten times Mocha's timeout (at least 20 s): a repeat runs under leakguard's
 * allocation sampling, maybe on a busier machine, and its time is leakguard's, not the
 * test's; a repeat that still hangs ends the repeating.
 */
function runOnce(runnable: Runnable): Promise<void> {
  const timeout = runnable.timeout();
  runnable.timeout(Math.max(timeout, 2000) * 10);
  return new RealPromise<void>((resolve, reject) => {
    runnable.run((error) => {
      runnable.timeout(timeout);
      // Setting the timeout re-arms the runnable's timer (Mocha keeps its handle after a
      // run): left armed, it would fire after the test's time and fail it a second time.
      runnable.clearTimeout?.();
      if (error) reject(error);
      else resolve();
    });
  });
}

/** What Runnable#run changes on the runnable and its context, to put back. */
function snapshot(runnable: Runnable): () => void {
  const { duration, timedOut, pending, callback } = runnable;
  const ctx = runnable.ctx;
  const ctxRunnable = ctx?._runnable;
  const hadCurrentTest = ctx ? Object.prototype.hasOwnProperty.call(ctx, 'currentTest') : false;
  const currentTest = ctx?.currentTest;
  return () => {
    Object.assign(runnable, { duration, timedOut, pending, callback });
    if (!ctx) return;
    ctx._runnable = ctxRunnable;
    if (hadCurrentTest) ctx.currentTest = currentTest;
    else delete ctx.currentTest;
  };
}
