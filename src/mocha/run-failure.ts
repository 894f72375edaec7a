/**
 * Mode "fail": failing the run once for the leaks that no failed test shows. A serial run
 * fails leakguard's root `after all` hook; a parallel run, whose workers each run one file,
 * fails once in the main process, where the workers' findings meet (each worker failing
 * its own hook would fail the run once per worker).
 */
import type { Leak } from '../core/report-model';

export type FailAt = 'test' | 'end';

/**
 * Leaks of tests that Mocha would not let leakguard fail: tests that ran and were then
 * marked pending (`this.skip()` in an `afterEach`). They fail the run at its end instead.
 */
const unfailable = new WeakSet<Leak>();

export function couldNotFailTest(leaks: readonly Leak[]): void {
  for (const leak of leaks) unfailable.add(leak);
}

export function hasUnfailableLeaks(leaks: readonly Leak[]): boolean {
  return leaks.some((leak) => unfailable.has(leak));
}

/** The leaks that fail the run at its end: with failAt "test", the leaking tests have failed already. */
export function leaksFailingTheRun(leaks: readonly Leak[], failing: FailAt | undefined): Leak[] {
  if (failing === 'test') return leaks.filter((leak) => leak.kind !== 'test' || unfailable.has(leak));
  return failing === 'end' ? [...leaks] : [];
}

export function runFailure(unfailed: readonly Leak[], failing: FailAt | undefined): Error {
  const where = failing !== 'test' ? '' : unfailed.every((leak) => leak.kind !== 'test') ? ' outside tests' : ' that no failed test shows';
  const leaksFound = `${unfailed.length} leak${unfailed.length === 1 ? '' : 's'}${where}`;
  return new Error(`leakguard found ${leaksFound} (mode "fail"); see the leak summary below the test results.`);
}

/** Mocha's runner, as far as failing a run goes (Runner#fail and #emit, Mocha 8.4 to 12). */
interface FailingRunner {
  suite?: unknown;
  emit(event: string, ...args: unknown[]): boolean;
  fail(runnable: unknown, error: Error): void;
}

type HookClass = new (title: string, fn: () => void) => { parent?: unknown; originalTitle?: string; title: string };

/**
 * Main process of a parallel run: just before the runner emits "end" (every worker is
 * done, and the reporter has not printed its epilogue), ask `leaksAtEnd` for the leaks of
 * the whole run and fail it once, as a failure of leakguard's `after all` hook, the way
 * a serial run shows it. False when the runner or Mocha's Hook class is not found: the
 * workers then fail their own hooks.
 */
export function failParallelRunOnce(runner: unknown, leaksAtEnd: () => Leak[] | undefined, failing: FailAt): boolean {
  const target = runner as Partial<FailingRunner> | undefined;
  const Hook = mochaHookClass();
  if (!Hook || typeof target?.emit !== 'function' || typeof target.fail !== 'function') return false;
  const emit = target.emit;
  const failingRunner = target as FailingRunner;
  failingRunner.emit = function emitWithLeakFailure(this: FailingRunner, event: string, ...args: unknown[]): boolean {
    if (event === 'end') {
      failingRunner.emit = emit;
      const unfailed = leaksFailingTheRun(leaksAtEnd() ?? [], failing);
      if (unfailed.length > 0) {
        const hook = new Hook('"after all" hook: leakguard', () => {});
        hook.originalTitle = hook.title;
        hook.title = `${hook.title} in "{root}"`;
        hook.parent = this.suite;
        this.fail(hook, runFailure(unfailed, failing));
      }
    }
    return emit.call(this, event, ...args);
  };
  return true;
}

/** Mocha's Hook class, of the Mocha the CLI loaded (`Mocha.Hook` of lib/mocha.js, lib/mocha.cjs in Mocha 12). */
function mochaHookClass(): HookClass | undefined {
  for (const entry of Object.values(require.cache)) {
    if (!entry || !/[\\/]mocha[\\/]lib[\\/]mocha\.c?js$/.test(entry.filename)) continue;
    const Hook = (entry.exports as { Hook?: unknown } | undefined)?.Hook;
    if (typeof Hook === 'function') return Hook as HookClass;
  }
  return undefined;
}
