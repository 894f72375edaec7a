/**
 * One guarded Mocha run in this process: turns Mocha's tests and hooks into engine units,
 * keeps the findings, and hands them to the report at the end. Everything it does is
 * wrapped so that a leakguard failure is reported as a warning and never changes Mocha's
 * results: a throw from a root `afterEach` would abort the whole run.
 */
import type { ResolvedConfig } from '../config/types';
import { KnownLeaks } from '../core/baseline';
import { LeakEngine, type HeldScope, type Scope, type UnitLeaks } from '../core/engine';
import { LeakStore } from '../core/leak-store';
import { internalNotices } from '../core/notices';
import type { Leak, ProbeFault, UnitInfo } from '../core/report-model';
import { isPromise } from '../core/real-timers';
import { builtinProbes } from '../probes';
import { placeSentinels, type HookBoundaries, type HookPhase } from './hook-sentinels';
import { Allowances } from './allowances';
import { OnDemandHook } from './on-demand-hook';
import { inParallelWorker } from './parallel';
import { couldNotFailTest } from './run-failure';
import { hasHeldErrors } from './uncaught';
import { groupOf, hookUnit, testUnit, unitKey, wasSkipped, type MochaHook, type MochaSuite, type MochaTest } from './units';

/** Mocha's runner, as far as the test events go. */
export interface TestEvents {
  on(event: 'test', listener: (test: MochaTest) => void): unknown;
  removeListener(event: 'test', listener: (test: MochaTest) => void): unknown;
}

/** Where leakguard writes its own lines: stderr, so stdout stays the reporter's. */
export interface Output {
  warn(message: string): void;
}

interface OpenHook {
  unit: UnitInfo;
  scope: Scope;
  suite: MochaSuite;
  phase: HookPhase;
}

/** The window of the next test, opened where the last unit ended. */
interface OpenWindow {
  scope: Scope;
  /** The test the root `beforeEach` said runs in it, when that hook ran. */
  test?: MochaTest;
}

export class RunGuard implements HookBoundaries {
  private readonly store = new LeakStore();
  private readonly known: KnownLeaks;
  private engine: LeakEngine | undefined;
  private window: OpenWindow | undefined;
  /** leakguard's root `beforeEach`, run only for the tests that need it. */
  private nextTestHook: OnDemandHook | undefined;
  private openHook: OpenHook | undefined;
  /**
   * With test events (see measureByTestEvents): the test that began last, not yet
   * measured to its end, and the judging of the one before it when that had to wait.
   */
  private unendedTest: MochaTest | undefined;
  private pendingEnd: Promise<unknown> | undefined;
  private testEvents: TestEvents | undefined;
  /** With test events: leakguard's root `afterEach`, run only for the last test of a suite. */
  private lastTestHook: OnDemandHook | undefined;
  /** `before all` hooks' creations, judged when their suite ends. */
  private readonly held = new Map<MochaSuite, HeldScope[]>();
  /** The last attempt of each retried test: what an earlier one left is not judged (a retry replaces it). */
  private readonly lastAttempts = new Map<string, UnitInfo>();
  private ended = false;
  /** What `this.leakguard.allow()` and title tags allow (see ./allowances). */
  readonly allowances: Allowances;

  constructor(
    private readonly config: ResolvedConfig,
    private readonly output: Output,
    /** leakguard's own root hooks, which a repeated test must not run. */
    private readonly isOwnHook: (hook: MochaHook) => boolean,
    /** failAt "test": a leaking test is failed in its place, so its verdict cannot wait for its suite's end. */
    private readonly failsTestsInPlace = false,
  ) {
    this.known = KnownLeaks.of(config);
    this.allowances = new Allowances(config.probeNames ?? builtinProbes.map((probe) => probe.name), (message) => output.warn(message));
  }

  /**
   * Root `before all`: create the probes, measure the hooks of every suite, and open the
   * first test's window. `ownBeforeEach` is leakguard's root `beforeEach`, run from now on
   * only before the tests that need it.
   */
  async start(root: MochaSuite, ownBeforeAll: MochaHook, ownAfterAll: MochaHook, ownBeforeEach?: MochaHook): Promise<void> {
    await this.guarded('starting', async () => {
      this.engine = await LeakEngine.create({
        probes: this.config.probes,
        rootDir: this.config.rootDir,
        sampleTimeoutMs: this.config.sampleTimeoutMs,
        warn: (message) => this.output.warn(message),
        partOfRun: inParallelWorker(),
        // Custom probes may hang in a loop: name the one that does (see core/watchdog.ts).
        watchForHangs: this.config.probes.some(({ definition }) => !builtinProbes.includes(definition)),
      });
      const from = root._beforeAll.indexOf(ownBeforeAll) + 1;
      placeSentinels(root, this, from, ownAfterAll);
      this.nextTestHook = OnDemandHook.takeOut(root._beforeEach, ownBeforeEach);
      await this.openWindow();
    });
  }

  /**
   * Root `beforeEach`, which Mocha runs before every other `beforeEach`, but only for a
   * test that needs it (see OnDemandHook): a window left open by a test whose `afterEach`
   * never ran is judged. Synchronous when nothing needs waiting for.
   */
  testBegins(test: MochaTest): void | Promise<void> {
    const pending = this.pendingEnd;
    if (pending) {
      // The test before this one is still being judged (see measureByTestEvents).
      this.pendingEnd = undefined;
      return pending.then(() => this.testBegins(test));
    }
    return this.guardedNow('measuring a test', () => {
      const engine = this.engine;
      const window = this.window;
      if (!engine) return;
      if (this.openHook || !window || (window.test && window.test !== test)) {
        return (async () => {
          await this.closeOpenUnits();
          await this.openWindow(test);
        })();
      }
      window.test = test;
    });
  }

  /**
   * Root `afterEach`, which Mocha runs after every other `afterEach`: the test's own cleanup
   * counts. Judges the window that opened where the last unit ended, as this test, and
   * opens the next one. Returns the test's new leaks (not those the baseline knows of);
   * synchronously when the engine found the test clean without waiting.
   */
  testEnds(test: MochaTest): Leak[] | Promise<Leak[]> {
    if (this.unendedTest === test) this.unendedTest = undefined;
    this.nextTestHook?.disarm();
    let fresh: Leak[] = [];
    const done = this.guardedNow('measuring a test', () => {
      const engine = this.engine;
      const window = this.window;
      this.window = undefined;
      if (!engine) return;
      // A test that skipped itself is not measured: the next window starts afresh.
      if (!window || wasSkipped(test)) return this.openWindow();
      const unit = testUnit(test);
      // A passed test may be run again, until its suite ends, to tell a memory leak from growth that happens once.
      const rerun = test.state === 'passed' ? () => (require('./rerun') as typeof import('./rerun')).rerunTest(test, this.isOwnHook) : undefined;
      const leaks = engine.end(window.scope, unit, { rerun, group: groupOf(test.parent), body: rerun && test.fn, suite: this.decidingSuite(test) });
      if ((test.currentRetry?.() ?? 0) > 0) this.lastAttempts.set(unitKey(unit), unit);
      if (!isPromise(leaks) && leaks.length === 0) {
        this.countTest(test);
        // A clean first attempt has nothing to record or replace.
        if ((test.currentRetry?.() ?? 0) > 0) this.record(unit, []);
        return this.openWindow();
      }
      return (async () => {
        try {
          const found = await leaks;
          this.countTest(test);
          if (found.length > 0 || (test.currentRetry?.() ?? 0) > 0) fresh = this.record(unit, found);
        } finally {
          // Whatever went wrong with this test's judgement, the next test is measured.
          await this.openWindow();
        }
      })();
    });
    if (!isPromise(done)) {
      this.prepareNextTest();
      return fresh;
    }
    return done.then(() => {
      this.prepareNextTest();
      return fresh;
    });
  }

  /**
   * Measure each test up to the start of the next one, from Mocha's runner events, instead
   * of in a root `afterEach`: Mocha spends ~6 us running a hook, on every test. The root
   * `afterEach` (`ownAfterEach`) is put back only for the last test of a suite, which must
   * be measured before the suite ends (Mocha then drops the suite's test functions, and
   * what only they kept). The root `beforeEach` is where a test judged at the next one's
   * start is waited for (a settle, a memory read). At a hook sentinel and at the
   * run's end, the test that began last is judged there. Nothing changes when
   * `ownAfterEach` is not in the root suite's list.
   *
   * For runs in which a leaking test is not failed (mode "warn", failAt "end"): the runner
   * announces the next test before its hooks run, too late for Mocha to show the leaking
   * test's failure in its place, or for --bail to stop right after it.
   */
  measureByTestEvents(events: TestEvents, root: MochaSuite, ownAfterEach: MochaHook | undefined): void {
    const lastTestHook = OnDemandHook.takeOut(root._afterEach, ownAfterEach);
    if (!lastTestHook) return;
    this.lastTestHook = lastTestHook;
    this.testEvents = events;
    events.on('test', this.onTestBegin);
  }

  /**
   * Runner "test": the test before `test` has ended, with every `afterEach` hook of its
   * own, and nothing of `test` has run yet (no hook list is being walked). Synchronous,
   * inside Mocha's emit: it must not throw (testEnds does not).
   */
  private readonly onTestBegin = (test: MochaTest): void => {
    this.lastTestHook?.disarm();
    const previous = this.unendedTest;
    this.unendedTest = test;
    if (previous) {
      const ended = this.testEnds(previous);
      if (isPromise(ended)) {
        this.pendingEnd = ended;
        this.nextTestHook?.arm();
      }
    }
    // A retried test runs as a clone that is not among its suite's tests: it may be the last.
    if (mayEndFile(test) || (test.currentRetry?.() ?? 0) > 0) this.lastTestHook?.arm();
  };

  /** Test events: judge the test that began last, at a hook sentinel or at the end. */
  private async endUnendedTest(): Promise<void> {
    const pending = this.pendingEnd;
    this.pendingEnd = undefined;
    if (pending) await pending;
    const test = this.unendedTest;
    this.unendedTest = undefined;
    if (test) await this.testEnds(test);
  }

  /** The next unit's window: from where the last one ended (see LeakEngine.next). */
  private openWindow(test?: MochaTest): void | Promise<void> {
    if (!this.engine) return;
    const scope = this.engine.next();
    if (!isPromise(scope)) {
      this.window = { scope, test };
      return;
    }
    return scope.then((opened) => {
      this.window = { scope: opened, test };
    });
  }

  /** Have the root `beforeEach` run before the next test when it has work: errors held while leakguard waited. */
  private prepareNextTest(): void {
    if (hasHeldErrors()) this.nextTestHook?.arm();
  }

  /** Errors are held for the next test (see rethrowWhenRunning): its root `beforeEach` hands them on. */
  expectHeldErrors(): void {
    this.nextTestHook?.arm();
  }

  private countTest(test: MochaTest): void {
    if ((test.currentRetry?.() ?? 0) === 0) this.store.countTest();
  }

  async between(suite: MochaSuite, phase: HookPhase, next: MochaHook | undefined): Promise<void> {
    await this.guarded('measuring a hook', async () => {
      await this.endUnendedTest();
      await this.closeOpenUnits();
      if (!this.engine) return;
      // A hook's cleanup is later code: what earlier suites left settles before it runs.
      await this.engine.settleNow();
      // Root `after all` hooks are the run's teardown: tests outside any describe are judged before them.
      if (phase === 'after all' && suite.root) this.recordLate(await this.engine.judgeCandidates(suite));
      // The phase's hooks have run: what follows (tests) opens from here.
      if (!next) return this.openWindow();
      const unit = hookUnit(next, next.originalTitle ?? next.title);
      this.openHook = { unit, scope: await this.engine.begin(unit), suite, phase };
    });
    if (hasHeldErrors()) this.nextTestHook?.arm();
  }

  async suiteEnded(suite: MochaSuite): Promise<void> {
    await this.guarded('measuring a hook', async () => {
      await this.endUnendedTest();
      await this.closeOpenUnits();
      await this.judgeHeld(suite);
      // What its tests and hooks left and its `after all` hooks did not close.
      if (this.engine) this.recordLate(await this.engine.judgeCandidates(suite));
      // While the suite's test functions are still there: a test may be run again.
      await this.engine?.suiteEnded(groupOf(suite) === suite ? suite : undefined);
      await this.openWindow();
    });
    if (hasHeldErrors()) this.nextTestHook?.arm();
  }

  /**
   * Root `after all`, placed last: judge what is still open and return the leaks. Idempotent,
   * because a run cut short ends here or in the global teardown.
   */
  async end(root: MochaSuite | undefined): Promise<Leak[]> {
    if (!this.ended) {
      this.ended = true;
      this.testEvents?.removeListener('test', this.onTestBegin);
      await this.guarded('finishing', async () => {
        await this.endUnendedTest();
        await this.closeOpenUnits();
        if (root) await this.judgeHeld(root);
        for (const suite of [...this.held.keys()]) await this.judgeHeld(suite);
        // Root-level tests, and suites whose end never came (--bail, an aborted run).
        if (this.engine) this.recordLate(await this.engine.judgeAllCandidates());
        await this.recordMemoryFindings();
        await this.engine?.dispose();
      });
    }
    return this.store.leaks;
  }

  /**
   * What the run found so far. A run that never reached its end (process.exit() in a
   * test) still reports what its tests left: as the last readings saw it.
   */
  get findings(): { store: LeakStore; faults: ProbeFault[]; measuredBy: string[] | undefined } {
    const engine = this.engine;
    if (!this.ended && engine) this.recordLate(engine.unjudgedCandidates());
    return { store: this.store, faults: engine?.faults ?? [], measuredBy: engine?.activeProbes.map((probe) => probe.name) };
  }

  /** The memory lane's verdicts, by site over the run, added to each unit's findings. */
  private async recordMemoryFindings(): Promise<void> {
    const findings = await this.engine?.memoryFindings();
    if (!findings) return;
    const allowedUnits = new Set<string>();
    for (const { unit, leak } of findings.leaks) {
      const { leaks: judged, allowed } = this.allowances.split(unit, [leak]);
      if (allowed.length > 0) allowedUnits.add(unitKey(unit));
      const { fresh, known } = this.known.split(judged);
      // Judged at the end of the run: no test can fail for it in its place.
      couldNotFailTest(fresh);
      this.store.add(unitKey(unit), fresh, { known, allowed });
    }
    for (const { unit, leak } of findings.retainedOnce) this.store.add(unitKey(unit), [], { retainedOnce: [leak] });
    this.store.memorySites = Allowances.withoutUnits(findings.sites, allowedUnits);
  }

  private async closeOpenUnits(): Promise<void> {
    // A window that the root beforeEach gave a test whose root afterEach then never ran:
    // judge it now. A window no test claimed (what ran between two units) is let go.
    const window = this.window;
    this.window = undefined;
    if (window?.test && this.engine && !wasSkipped(window.test)) {
      const unit = testUnit(window.test);
      this.record(unit, await this.engine.end(window.scope, unit, { suite: this.decidingSuite(window.test) }));
    }
    const hook = this.openHook;
    if (!hook || !this.engine) return;
    this.openHook = undefined;
    this.store.countHook();
    if (hook.phase === 'before all') {
      const held = await this.engine.endHeld(hook.scope, groupOf(hook.suite));
      if (held.created.size > 0) this.held.set(hook.suite, [...(this.held.get(hook.suite) ?? []), held]);
    } else {
      this.record(hook.unit, await this.engine.end(hook.scope, hook.unit, { group: groupOf(hook.suite), suite: hook.suite }));
    }
  }

  private async judgeHeld(suite: MochaSuite): Promise<void> {
    const held = this.held.get(suite);
    this.held.delete(suite);
    if (!held || !this.engine) return;
    for (const scope of held) this.record(scope.unit, await this.engine.judgeHeld(scope));
  }

  /**
   * The suite whose end decides about what `test` left: its own. None when a leaking test
   * must fail in its place: it is judged as it ends.
   */
  private decidingSuite(test: MochaTest): MochaSuite | undefined {
    return this.failsTestsInPlace ? undefined : test.parent;
  }

  /** Leaks found after their units ended: added to what each unit had (an earlier attempt of a retried test is replaced, as ever). */
  private recordLate(found: UnitLeaks[]): void {
    for (const { unit, leaks } of found) {
      const key = unitKey(unit);
      const last = this.lastAttempts.get(key);
      if (last && last !== unit) continue;
      const { leaks: judged, allowed } = this.allowances.split(unit, leaks);
      const { fresh, known } = this.known.split(judged);
      const engine = this.engine;
      this.store.add(key, fresh, { known, allowed }, engine && ((all) => engine.oncePerResource(all)));
    }
  }

  /** Keep a unit's findings, the baseline's known leaks apart; returns the new leaks. */
  private record(unit: UnitInfo, leaks: Leak[]): Leak[] {
    // What an allowance covers for this unit is neither new nor known (see ./allowances).
    const { leaks: judged, allowed } = this.allowances.split(unit, leaks);
    const { fresh, known } = this.known.split(judged);
    this.store.record(unitKey(unit), fresh, { known, allowed });
    return fresh;
  }

  private async guarded(doing: string, work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (error) {
      this.warnInternal(doing, error);
    }
  }

  /** {@link guarded} for work that may finish synchronously: then so does this. */
  private guardedNow(doing: string, work: () => void | Promise<void>): void | Promise<void> {
    let result: void | Promise<void>;
    try {
      result = work();
    } catch (error) {
      this.warnInternal(doing, error);
      return;
    }
    if (isPromise(result)) return result.catch((error: unknown) => this.warnInternal(doing, error));
  }

  private warnInternal(doing: string, error: unknown): void {
    this.output.warn(internalNotices.failed(doing, error));
  }
}

/**
 * Whether the test after `test` may be in another file: `test` is its suite's last, or a
 * root-level test (tests outside any describe, of every file) followed by another file's.
 */
function mayEndFile(test: MochaTest): boolean {
  const siblings = test.parent?.tests;
  if (!siblings) return true;
  // The suite's last test to run: skipped tests (it.skip) at the end run no hooks.
  let last = siblings.length - 1;
  while (last > 0 && siblings[last] !== test && siblings[last]!.isPending?.()) last--;
  if (siblings[last] === test) return true;
  if (!test.parent?.root) return false;
  return siblings[siblings.indexOf(test) + 1]?.file !== test.file;
}
