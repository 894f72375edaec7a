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
import { inParallelWorker } from './parallel';
import { couldNotFailTest } from './run-failure';
import { groupOf, hookUnit, testUnit, unitKey, wasSkipped, type MochaHook, type MochaSuite, type MochaTest } from './units';

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

/** The scope of the next test, opened where the last unit ended (see LeakEngine.next). */
interface NextScope {
  scope: Scope;
  /** The test the root `beforeEach` said runs in it, when that hook ran. */
  test?: MochaTest;
}

export class MochaRun implements HookBoundaries {
  private readonly store = new LeakStore();
  private readonly known: KnownLeaks;
  private engine: LeakEngine | undefined;
  private nextScope: NextScope | undefined;
  private openHook: OpenHook | undefined;
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
   * first test's scope.
   */
  async start(root: MochaSuite, ownBeforeAll: MochaHook, ownAfterAll: MochaHook): Promise<void> {
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
      await this.openNextScope();
    });
  }

  /**
   * Root `beforeEach`, which Mocha runs before every other `beforeEach`: the scope opened
   * where the last unit ended is this test's. One left open by a test whose `afterEach`
   * never ran is judged first. Synchronous when nothing needs waiting for.
   */
  testBegins(test: MochaTest): void | Promise<void> {
    return this.guardedNow('measuring a test', () => {
      const engine = this.engine;
      const next = this.nextScope;
      if (!engine) return;
      if (this.openHook || !next || (next.test && next.test !== test)) {
        return (async () => {
          await this.closeOpenUnits();
          await this.openNextScope(test);
        })();
      }
      next.test = test;
    });
  }

  /**
   * Root `afterEach`, which Mocha runs after every other `afterEach`: the test's own cleanup
   * counts. Judges the scope that opened where the last unit ended, as this test, and
   * opens the next one. Returns the test's new leaks (not those the baseline knows of);
   * synchronously when the engine found the test clean without waiting.
   */
  testEnds(test: MochaTest): Leak[] | Promise<Leak[]> {
    let fresh: Leak[] = [];
    const done = this.guardedNow('measuring a test', () => {
      const engine = this.engine;
      const next = this.nextScope;
      this.nextScope = undefined;
      if (!engine) return;
      // A test that skipped itself is not measured: the next scope starts afresh.
      if (!next || wasSkipped(test)) return this.openNextScope();
      const unit = testUnit(test);
      // A passed test may be run again, until its suite ends, to tell a memory leak from growth that happens once.
      const rerun = test.state === 'passed' ? () => (require('./rerun') as typeof import('./rerun')).rerunTest(test, this.isOwnHook) : undefined;
      const leaks = engine.end(next.scope, unit, { rerun, group: groupOf(test.parent), body: rerun && test.fn, suite: this.decidingSuite(test) });
      if ((test.currentRetry?.() ?? 0) > 0) this.lastAttempts.set(unitKey(unit), unit);
      if (!isPromise(leaks) && leaks.length === 0) {
        this.countTest(test);
        // A clean first attempt has nothing to record or replace.
        if ((test.currentRetry?.() ?? 0) > 0) this.record(unit, []);
        return this.openNextScope();
      }
      return (async () => {
        try {
          const found = await leaks;
          this.countTest(test);
          if (found.length > 0 || (test.currentRetry?.() ?? 0) > 0) fresh = this.record(unit, found);
        } finally {
          // Whatever went wrong with this test's judgement, the next test is measured.
          await this.openNextScope();
        }
      })();
    });
    if (!isPromise(done)) return fresh;
    return done.then(() => fresh);
  }

  /** The next unit's scope: from where the last one ended (see LeakEngine.next). */
  private openNextScope(test?: MochaTest): void | Promise<void> {
    if (!this.engine) return;
    const scope = this.engine.next();
    if (!isPromise(scope)) {
      this.nextScope = { scope, test };
      return;
    }
    return scope.then((opened) => {
      this.nextScope = { scope: opened, test };
    });
  }

  private countTest(test: MochaTest): void {
    if ((test.currentRetry?.() ?? 0) === 0) this.store.countTest();
  }

  async between(suite: MochaSuite, phase: HookPhase, next: MochaHook | undefined): Promise<void> {
    await this.guarded('measuring a hook', async () => {
      await this.closeOpenUnits();
      if (!this.engine) return;
      // A hook's cleanup is later code: what earlier suites left settles before it runs.
      await this.engine.settleNow();
      // Root `after all` hooks are the run's teardown: tests outside any describe are judged before them.
      if (phase === 'after all' && suite.root) this.recordLate(await this.engine.judgeCandidates(suite));
      // The phase's hooks have run: what follows (tests) opens from here.
      if (!next) return this.openNextScope();
      const unit = hookUnit(next, next.originalTitle ?? next.title);
      this.openHook = { unit, scope: await this.engine.begin(unit), suite, phase };
    });
  }

  async suiteEnded(suite: MochaSuite): Promise<void> {
    await this.guarded('measuring a hook', async () => {
      await this.closeOpenUnits();
      await this.judgeHeld(suite);
      // What its tests and hooks left and its `after all` hooks did not close.
      if (this.engine) this.recordLate(await this.engine.judgeCandidates(suite));
      // While the suite's test functions are still there: a test may be run again.
      await this.engine?.suiteEnded(groupOf(suite) === suite ? suite : undefined);
      await this.openNextScope();
    });
  }

  /**
   * Root `after all`, placed last: judge what is still open and return the leaks. Idempotent,
   * because a run cut short ends here or in the global teardown.
   */
  async end(root: MochaSuite | undefined): Promise<Leak[]> {
    if (!this.ended) {
      this.ended = true;
      await this.guarded('finishing', async () => {
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
    // A scope that the root beforeEach gave a test whose root afterEach then never ran:
    // judge it now. A scope no test claimed (what ran between two units) is let go.
    const next = this.nextScope;
    this.nextScope = undefined;
    if (next?.test && this.engine && !wasSkipped(next.test)) {
      const unit = testUnit(next.test);
      this.record(unit, await this.engine.end(next.scope, unit, { suite: this.decidingSuite(next.test) }));
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
