/**
 * `mocha --watch` (Mocha 8.4 to 12, lib/cli/watch-run): Mocha runs the global setup once,
 * with an empty context instead of the runner, and the global teardown only on Ctrl-C;
 * each rerun gets a new root suite with the same root hooks (the plugin is not loaded
 * again). So a rerun's findings are published when that rerun ends, not by the teardown.
 */
import type { EventEmitter } from 'node:events';

/**
 * Whether Mocha called the global setup in watch mode: a single run passes its runner as
 * `this` (Mocha#run: `runGlobalSetup(runner)`), watch mode nothing (`runGlobalSetup()`).
 */
export function isWatchSetup(context: unknown): boolean {
  return typeof (context as { run?: unknown } | undefined)?.run !== 'function';
}

/**
 * Call `then` right after Mocha has ended the run, given the promise of the root `after
 * all` hook that runs last. When that promise settles, Mocha ends the run (the reporter
 * prints its epilogue) synchronously, in the reaction it attaches to the promise
 * (Runnable#run, Runner#hook, Runner#runSuite, Runner#run). A reaction attached before
 * Mocha's runs just before it; the microtask that reaction queues runs just after it,
 * before Mocha goes on (in watch mode: "waiting for changes").
 */
export function afterRunEnds(lastHook: Promise<unknown>, then: () => void): void {
  const next = () => queueMicrotask(then);
  lastHook.then(next, next);
}

interface MochaInstance {
  options?: { parallel?: boolean };
}
type MochaRun = (this: MochaInstance, ...args: unknown[]) => EventEmitter;

/**
 * `mocha --watch --parallel`: the root hooks run only in the workers, which Mocha forks
 * anew for each rerun, and the main process runs no code of leakguard's per rerun. So
 * wrap Mocha#run, of the Mocha that the CLI loaded: `begins` before each parallel rerun
 * (before the workers are forked, so they inherit what it sets in the environment),
 * `ends` when its runner emits "end", after the reporter's epilogue. False when Mocha's
 * class is not found.
 */
export function onParallelReruns(begins: () => void, ends: () => void): boolean {
  const classes = new Set<{ prototype?: { run?: MochaRun } }>();
  for (const entry of Object.values(require.cache)) {
    if (entry && /[\\/]mocha[\\/]lib[\\/]mocha\.c?js$/.test(entry.filename)) classes.add(entry.exports as { prototype?: { run?: MochaRun } });
  }
  let found = false;
  for (const Mocha of classes) {
    const prototype = Mocha?.prototype;
    const original = prototype?.run;
    if (!prototype || typeof original !== 'function') continue;
    found = true;
    prototype.run = function watchedRun(this: MochaInstance, ...args: unknown[]): EventEmitter {
      if (this.options?.parallel !== true) return original.apply(this, args);
      begins();
      const runner = original.apply(this, args);
      runner.once('end', ends);
      return runner;
    };
  }
  return found;
}
