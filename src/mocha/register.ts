/**
 * `mocha --require leakguard/register`: a root-hook plugin. Mocha runs the root
 * `beforeEach` first and the root `afterEach` last, so a test's own hooks (and its
 * cleanup in `afterEach`) fall inside its measurement.
 *
 * The config is loaded when Mocha loads the plugin, so a bad config stops the run before
 * any test. The summary is printed by the global teardown, which Mocha runs after its
 * reporter's closing lines; if that never runs (a test called process.exit(), or global
 * fixtures are disabled), it is printed when the process exits. In watch mode, each rerun
 * prints its own summary when it ends (see ./watch).
 */
import { loadConfig, ConfigError } from '../config';
import { KnownLeaks } from '../core/baseline';
import { configNotices, noticeLine } from '../core/notices';
import { displayPath, thrownText } from '../config/errors';
import type { ResolvedConfig } from '../config/types';
import { isPromise } from '../core/real-timers';
import { trackCreationSites } from '../instrument';
import { disownCreationsBy } from '../instrument/creation-sites';
import { MochaRun } from './run';
import type { Leak, LeakReport } from '../core/report-model';
import { formatTestFailure } from '../report/summary';
import { buildReport, finishRun, publishReport, rememberRootSuite, updatingBaseline, writeLine } from './finish';
import { collectPartialReports, createRunDir, inParallelWorker, MAIN_FAILS_ENV } from './parallel';
import { couldNotFailTest, failParallelRunOnce, hasUnfailableLeaks, leaksFailingTheRun, runFailure } from './run-failure';
import { failCurrentTest, holdingUncaught, rethrowWhenRunning, takeHeldErrors } from './uncaught';
import { holdPassesUntilAfterEach, releasePass } from './deferred-pass';
import { giveOwnContext } from './own-context';
import { exposeTestContext } from './test-context';
import { runUntimed } from './untimed';
import { afterRunEnds, isWatchSetup, onParallelReruns } from './watch';
import type { MochaHook, MochaSuite, MochaTest } from './units';

// Its declarations add `this.leakguard` to Mocha's context for `import 'leakguard/register'` users.
export type { LeakguardTestContext } from './test-context';

interface HookContext {
  currentTest?: MochaTest;
  test?: MochaHook;
  timeout(ms: number): unknown;
}

// Wrap the creation points (timers, sockets, child processes, fs opens) now, before any
// test file loads: a module that keeps its own reference to setTimeout, taken at load,
// must get the wrapped one, or its timers could be counted but not told apart.
trackCreationSites();

let config: ResolvedConfig | undefined;
let current: MochaRun | undefined;
/** Main process of a parallel run: where the workers leave their findings. */
let runDir: string | undefined;
/** `mocha --watch`: each rerun's findings are published when it ends (see ./watch). */
let watching = false;

const warned = new Set<string>();
const output = {
  warn(message: string): void {
    if (warned.has(message)) return;
    warned.add(message);
    writeLine(noticeLine(message));
  },
};

async function loadOnce(): Promise<ResolvedConfig> {
  if (config) return config;
  try {
    const loaded = await loadConfig(process.cwd());
    checkReportPath(loaded);
    config = loaded;
    return loaded;
  } catch (error: unknown) {
    // One clear line and a failing exit, before any test runs: whatever was thrown.
    writeLine(error instanceof ConfigError ? error.message : noticeLine(configNotices.notLoaded(thrownText(error))));
    process.exit(1);
  }
}

/** A report that cannot be written is found now, not after every test has run (a worker writes none). */
function checkReportPath(loaded: ResolvedConfig): void {
  if (!loaded.reportJson || inParallelWorker()) return;
  const { reportWriteProblem } = require('../report/writable') as typeof import('../report/writable');
  const problem = reportWriteProblem(loaded.reportJson);
  if (problem !== undefined) {
    throw new ConfigError(`cannot write the JSON report to ${displayPath(loaded.reportJson)}: ${problem}`, { filepath: loaded.filepath, key: 'report.json' });
  }
}

/** Watch mode: the config as it is now; if it cannot be loaded, the one in use. */
async function reloadConfig(inUse: ResolvedConfig): Promise<ResolvedConfig> {
  try {
    config = await loadConfig(process.cwd());
    return config;
  } catch (error: unknown) {
    const message = error instanceof ConfigError ? error.message : noticeLine(configNotices.notLoaded(error instanceof Error ? error.message : String(error)));
    writeLine(configNotices.keptForRerun(message));
    return inUse;
  }
}

/** Hooks placed on the root suite. `this` is Mocha's context. */
function rootHooks(resolved: ResolvedConfig) {
  let ownAfterAll: MochaHook | undefined;
  const hooks = {
    async beforeAll(this: HookContext): Promise<void> {
      this.timeout(0);
      const self = this.test;
      const root = self?.parent;
      if (!self || !root) return;
      if (watching) {
        // Each rerun starts afresh: it says its warnings again and loads the config and
        // plugins again (Mocha has dropped the project's modules from its cache: a plugin
        // must see the modules the tests see, and an edited config applies).
        warned.clear();
        resolved = await reloadConfig(resolved);
      }
      ownAfterAll = root._afterAll.find((hook) => hook.title.startsWith('"after all" hook: leakguard'));
      // It closes the last hook's measurement: no timer of its own may be in that reading.
      if (ownAfterAll) runUntimed(ownAfterAll);
      const own = new Set<unknown>(Object.values(hooks));
      // Mocha keeps one hook object per root hook for the whole run: lift their time limit
      // once here, not on every call (setting it re-arms the hook's timer each time).
      for (const hook of [...root._beforeEach, ...root._afterEach]) {
        if (!own.has(hook.fn)) continue;
        runUntimed(hook);
        // Run once per test: their context must not be the one every suite inherits from.
        giveOwnContext(hook, root);
      }
      // A leaking test is failed by the root afterEach: it must not be reported passed first.
      if (failingAt(resolved) === 'test') holdPassesUntilAfterEach(root);
      const run = new MochaRun(resolved, output, (hook) => own.has((hook as { fn?: unknown }).fn), failingAt(resolved) === 'test');
      rememberRootSuite(run, root);
      exposeTestContext((root as MochaSuite & { ctx?: object }).ctx, run.allowances);
      current = run;
      if (!ownAfterAll) return;
      await run.start(root, self, ownAfterAll);
    },
    // beforeEach hands the test the scope opened where the last unit ended, and the
    // errors held for it; afterEach measures the test. Both return a promise only when
    // leakguard has to wait (a file ended, memory to confirm, a resource to settle): Mocha
    // runs a hook that returns nothing ~10 us faster, and most tests need no waiting.
    beforeEach(this: HookContext): void | Promise<void> {
      const test = this.currentTest;
      const run = current;
      if (!test || !run) return;
      const begun = run.testBegins(test);
      if (!isPromise(begun)) {
        rethrowWhenRunning(test, takeHeldErrors());
        return;
      }
      // Nothing ran between the synchronous part and here, so no error can have escaped.
      return holdingUncaught(() => begun).then(() => rethrowWhenRunning(test, takeHeldErrors()));
    },
    afterEach(this: HookContext): void | Promise<void> {
      const test = this.currentTest;
      const run = current;
      if (!test || !run) return;
      const ownHook = this.test;
      const failIfLeaked = (leaks: Leak[]): void => {
        // Only a passed test is failed: one that failed already has its own error to show.
        const failing = leaks.length > 0 && failingAt(resolved) === 'test' && test.state === 'passed';
        if (failing && !test.isPending?.()) {
          failTest(ownHook, leaks);
          return;
        }
        // Mocha fails no test marked pending (this.skip() in an afterEach): the run fails at its end.
        if (failing) couldNotFailTest(leaks);
        // Its "pass", held until now, goes to the reporter (see ./deferred-pass).
        releasePass(test);
      };
      const ended = run.testEnds(test);
      if (!isPromise(ended)) {
        failIfLeaked(ended);
        return;
      }
      let leaks: Leak[] = [];
      return holdingUncaught(async () => {
        leaks = await ended;
      }).then(() => failIfLeaked(leaks));
    },
    async afterAll(this: HookContext): Promise<void> {
      this.timeout(0);
      // No test follows: the errors fail the run's last test instead.
      failCurrentTest(takeHeldErrors(), this.test);
      const run = current;
      if (!run) return;
      const leaks = await run.end(this.test?.parent as MochaSuite | undefined);
      // A worker's run is one test file; its findings go to the main process now.
      if (inParallelWorker()) finishRun(run, resolved);
      const failing = failingAt(resolved);
      // A parallel run whose main process fails it once for every worker's leaks.
      if (inParallelWorker() && process.env[MAIN_FAILS_ENV] === '1' && !hasUnfailableLeaks(leaks)) return;
      const unfailed = leaksFailingTheRun(leaks, failing);
      // Failing this hook is how a root-hook plugin fails the run in every Mocha from
      // 8.4 to 12: Mocha lists it with the failures and exits non-zero.
      if (unfailed.length > 0) throw runFailure(unfailed, failing);
    },
  };
  const endRun = hooks.afterAll;
  hooks.afterAll = function afterAll(this: HookContext): Promise<void> {
    const run = current;
    const ending = endRun.call(this);
    if (watching && run && !inParallelWorker()) {
      afterRunEnds(ending, () => {
        finishRun(run, resolved);
        // Nothing of this rerun is left for the next one, Ctrl-C's teardown or the exit handler.
        if (current === run) current = undefined;
      });
    }
    return ending;
  };
  return hooks;
}

/**
 * Where a leak fails in this run: nowhere in mode "warn", and nowhere while the baseline
 * is being written (the run's leaks are being accepted, not judged).
 */
function failingAt(resolved: ResolvedConfig): 'test' | 'end' | undefined {
  if (resolved.mode !== 'fail' || updatingBaseline()) return undefined;
  return resolved.failAt;
}

/**
 * Fail the current test, not the hook: Mocha fails the test a hook's `error()` names and
 * goes on, where a throw from a root `afterEach` would abort the whole run.
 */
function failTest(ownHook: MochaHook | undefined, leaks: Leak[]): void {
  const message = formatTestFailure(leaks, { cwd: process.cwd() });
  const error = new Error(message);
  error.name = 'LeakError';
  // No leakguard frames under the message: the items say where the leak was created.
  error.stack = `${error.name}: ${message}`;
  failCurrentTest([error], ownHook);
}

export const mochaHooks = async () => {
  const resolved = await loadOnce();
  const hooks = rootHooks(resolved);
  // Named functions give Mocha's hook titles: `"after all" hook: leakguard`.
  for (const hook of Object.values(hooks)) named('leakguard', hook);
  return hooks;
};

/**
 * Main process only; `this` is Mocha's runner, except in watch mode, where Mocha runs the
 * setup once, with no runner. Parallel runs need somewhere to meet.
 */
export function mochaGlobalSetup(this: { isParallelMode?: () => boolean } | undefined): void {
  if (isWatchSetup(this)) {
    watching = true;
    // Mocha's own file watcher: what it makes while a test runs is not the test's.
    disownCreationsBy(['chokidar', 'readdirp', 'mocha']);
    // A parallel rerun's findings are merged when it ends (each rerun forks new workers).
    onParallelReruns(beginParallelRun, publishParallelRun);
  } else if (typeof this?.isParallelMode === 'function' && this.isParallelMode()) {
    runDir = createRunDir();
    const failing = config && failingAt(config);
    // Before the workers are forked: they inherit it.
    if (failing && failParallelRunOnce(this, () => mergedParallelRun()?.leaks, failing)) process.env[MAIN_FAILS_ENV] = '1';
  }
}

function beginParallelRun(): void {
  // A rerun that never ended (aborted by a change): its partial findings are dropped.
  if (runDir) collectPartialReports(runDir);
  runDir = createRunDir();
}

/** Main process of a parallel run: the workers' findings merged into one report, once every worker is done. */
let merged: LeakReport | undefined;
function mergedParallelRun(): LeakReport | undefined {
  if (merged || !runDir || !config) return merged;
  const partials = collectPartialReports(runDir);
  runDir = undefined;
  const [first, ...rest] = partials;
  const { mergeReports } = require('../core/report-merge') as typeof import('../core/report-merge');
  const known = KnownLeaks.of(config);
  merged = first ? known.applyTo(mergeReports(first, ...rest)) : buildReport(config);
  return merged;
}

/** Main process of a parallel run: the workers' findings, merged, as one summary and report. */
function publishParallelRun(): void {
  const report = mergedParallelRun();
  merged = undefined;
  if (report && config) publishReport(report, config);
}

/** Main process only, after the reporter's epilogue: the summary goes after Mocha's own output. */
export async function mochaGlobalTeardown(): Promise<void> {
  if (!config) return;
  if (runDir || merged) {
    publishParallelRun();
    return;
  }
  const run = current;
  if (!run) {
    // No test ran (--grep matched none), so no root hook did: say so, and replace the
    // report an earlier run left. In watch mode, each rerun has published already.
    if (!watching) publishReport(buildReport(config), config);
    return;
  }
  await run.end(undefined);
  finishRun(run, config);
}

process.on('exit', () => {
  // The fallback for runs that never reached the teardown: synchronous on purpose.
  if (current && config) finishRun(current, config);
});

function named<T extends (...args: never[]) => unknown>(name: string, fn: T): T {
  Object.defineProperty(fn, 'name', { value: name });
  return fn;
}
