/**
 * The sampling engine: samples every probe around a unit of work (a test, a hook), lets
 * transient resources settle and decides what leaked; memory goes to the memory lane,
 * which judges it by allocation site over the run. A unit's new items (handles, fds, temp
 * entries) are judged when its suite has ended, without holding the run (see
 * suite-verdicts.ts). It knows nothing of Mocha: an adapter calls begin/end and says when a
 * suite has ended.
 */
import { dropIgnoredOnDescribe } from './created-by';
import { createGuardedProbe, GuardedProbe, startClock } from './guarded-probe';
import { MemoryLane, type MemoryFindings, type MemoryState } from './memory/memory-lane';
import { memoryOptions } from './memory/options';
import { itemId, type ConfiguredProbe, type LeakItem, type Reading } from './probe';
import { probeNotices } from './notices';
import { mergeSharedResources } from './shared-resources';
import { RealPromise } from './real-timers';
import { settle, type Growth } from './settle';
import { settleCapturedStacks } from './stack-frames';
import { SuiteVerdicts, type UnitLeaks } from './suite-verdicts';
import type { ProbeWatchdog, WatchSlot } from './watchdog';
import { safeItems } from './safe-item';
import { MAX_ITEMS_PER_LEAK, type Leak, type ProbeFault, type UnitInfo } from './report-model';

export interface EngineOptions {
  probes: ConfiguredProbe[];
  /** Relative paths in probe options resolve against this directory. */
  rootDir: string;
  /** The longest one sample may take before its probe is switched off. */
  sampleTimeoutMs: number;
  /** Where notices and fault warnings go. */
  warn(message: string): void;
  /** This process runs a part of the run (see ProbeContext.partOfRun). */
  partOfRun?: boolean;
  /**
   * Watch for a probe call that never returns (a synchronous loop) and name the probe on
   * stderr (see watchdog.ts): for runs with custom probes.
   */
  watchForHangs?: boolean;
}

/**
 * A unit being measured: what `begin` and `next` return and `end` takes. A scope opened
 * by `next` has no unit yet: the adapter names it at `end`.
 */
export interface Scope {
  readonly unit: UnitInfo | undefined;
  readonly readings: Map<GuardedProbe, Reading>;
  /** Where its memory window begins (see MemoryLane.boundary). */
  readonly boundary: number;
}

/** What the memory lane needs to know of a unit as it ends (see MemoryLane.unitEnded). */
export interface UnitMemory {
  /** Run it again with its hooks (a test that passed, until its suite ends). */
  rerun?: () => Promise<void>;
  /** Its group (its top-level suite): what it keeps is judged after the group has ended. */
  group?: unknown;
  /** Its own function (a test's body): see MemoryLane's UnitEnd. */
  body?: Function;
}

/** How a unit ends (see LeakEngine.end). */
export interface UnitEnd extends UnitMemory {
  /**
   * The suite whose end decides about the unit's new items (an adapter's token, given
   * again to {@link LeakEngine.judgeCandidates}): the run goes on at once, and what the
   * unit left and is still there then is its leak. Undefined: judged now, after a settle
   * wait (a test that must fail in its place).
   */
  suite?: unknown;
}

export type { UnitLeaks } from './suite-verdicts';

/** What a unit created that is only judged later (a `before all` hook's resources live until the suite ends). */
export interface HeldScope {
  readonly unit: UnitInfo;
  readonly begin: Map<GuardedProbe, Reading>;
  /** Per probe: the items created (item probes) and the growth at the unit's end. */
  readonly created: Map<GuardedProbe, { items: LeakItem[] | undefined; growth: number }>;
}

/** One reading per probe. */
type Readings = Map<GuardedProbe, Reading>;

export class LeakEngine {
  readonly faults: ProbeFault[] = [];
  private readonly probes: GuardedProbe[] = [];
  /** The probes in the order they are sampled: memory first (the others' sampling allocates). */
  private samplingOrder: GuardedProbe[] = [];
  /** The memory probe (the heap), whose readings the memory lane takes. */
  private memoryProbe: GuardedProbe | undefined;
  private memory: MemoryLane | undefined;
  /**
   * The end of the last unit when it ended clean without waiting: the begin of the scope
   * {@link next} opens in the same turn. Whatever takes time (a settle, a verdict, a
   * memory read) ends the turn, and a newer reading replaces it: then the next scope
   * begins with a reading of its own.
   */
  private lastCleanEnd: Scope | undefined;
  private watchdog: ProbeWatchdog | undefined;
  /** Units' new items awaiting their verdict at their suite's end. */
  private readonly verdicts = new SuiteVerdicts({
    toLeak: async (unit, probe, growth) => {
      const growths = new Map([[probe, growth]]);
      await dropIgnoredOnDescribe(growths);
      return growth.delta > probe.threshold ? this.toLeak(unit, probe, growth) : undefined;
    },
    leakNow: (unit, probe, items) => this.leakOf(unit, probe, items.length, safeItems(items.slice(0, MAX_ITEMS_PER_LEAK))?.items ?? [], items.length),
    warn: (message) => this.options.warn(message),
  });

  private constructor(private readonly options: EngineOptions) {}

  /** Create the probes (a probe whose creation fails is reported and left out). */
  static async create(options: EngineOptions): Promise<LeakEngine> {
    const engine = new LeakEngine(options);
    if (options.watchForHangs) {
      const { ProbeWatchdog } = require('./watchdog') as typeof import('./watchdog');
      const names = options.probes.map((configured) => configured.definition.name);
      engine.watchdog = await ProbeWatchdog.start(names, hangReportAfter(options.sampleTimeoutMs));
    }
    for (const [index, configured] of options.probes.entries()) await engine.addProbe(configured, engine.watchdog?.slot(index));
    engine.samplingOrder = [...engine.probes.filter((probe) => probe.measuresAfterGc), ...engine.probes.filter((probe) => !probe.measuresAfterGc)];
    const memoryProbe = engine.probes.find((probe) => probe.measuresAfterGc);
    const configured = memoryProbe && options.probes.find((probe) => probe.definition === memoryProbe.definition);
    if (memoryProbe && configured) {
      engine.memoryProbe = memoryProbe;
      engine.memory = await MemoryLane.start({
        ...memoryOptions(configured.options),
        threshold: memoryProbe.threshold,
        hint: memoryProbe.hint(undefined) ?? '',
        track: (likelyLeak) => memoryProbe.track({ likelyLeak }),
      });
      if (!engine.memory) options.warn(probeNotices.noSamplingHeapProfiler(memoryProbe.name));
    }
    return engine;
  }

  /** Names of the probes still running. */
  get activeProbes(): GuardedProbe[] {
    return this.probes.filter((probe) => probe.active);
  }

  /**
   * Sample every probe at the start of a unit. Synchronous when every probe samples
   * synchronously: the adapter can then run its hook synchronously, which Mocha runs
   * ~10 us faster than one that returns a promise.
   */
  begin(unit: UnitInfo): Scope | Promise<Scope> {
    return this.open(unit);
  }

  /**
   * Open the scope of the next unit, not yet named (for an adapter that sees where units
   * end but not where the next one begins: one hook per test, not two). When the last
   * unit ended clean without waiting, its end is this scope's begin and nothing is
   * sampled: whatever happens from here on (between units too) belongs to the next unit.
   * Name the unit at {@link end}.
   */
  next(): Scope | Promise<Scope> {
    const last = this.lastCleanEnd;
    this.lastCleanEnd = undefined;
    return last ?? this.open(undefined);
  }

  private open(unit: UnitInfo | undefined): Scope | Promise<Scope> {
    // Background settles go on here, before the unit's code runs (see BetweenUnits).
    const background = this.verdicts.unitBoundary();
    if (background) return background.then(() => this.openNow(unit));
    return this.openNow(unit);
  }

  private openNow(unit: UnitInfo | undefined): Scope | Promise<Scope> {
    const readings = this.sampleAll();
    if (readings instanceof RealPromise) return readings.then((taken) => ({ unit, readings: taken, boundary: this.boundary(taken) }));
    return { unit, readings, boundary: this.boundary(readings) };
  }

  /**
   * Sample every probe at the end of a unit and return what it leaked; `unit` names a
   * scope opened by {@link next}. With `ending.suite`, the unit's new items are left to
   * the verdict at that suite's end ({@link judgeCandidates}) and its end readings begin
   * the next scope. Synchronous when the cheap readings leave nothing to judge now (most
   * units): no value probe grew past its threshold, and the memory lane need not read.
   */
  end(scope: Scope, unit = scope.unit, ending: UnitEnd = {}): Leak[] | Promise<Leak[]> {
    if (!unit) throw new TypeError('end(): a scope opened by next() needs its unit');
    const background = this.verdicts.unitBoundary();
    if (background) return background.then(() => this.endNow(scope, unit, ending));
    return this.endNow(scope, unit, ending);
  }

  private endNow(scope: Scope, unit: UnitInfo, ending: UnitEnd): Leak[] | Promise<Leak[]> {
    const after = this.sampleAll();
    if (after instanceof RealPromise) {
      return after.then(async (taken) => {
        await this.memoryEnded(unit, scope, taken, this.boundary(taken), ending);
        return this.judgeEnd(unit, scope, this.unitGrowths(unit, scope, taken, ending.suite));
      });
    }
    const to = this.boundary(after);
    const remembered = this.memoryEnded(unit, scope, after, to, ending);
    const growths = this.unitGrowths(unit, scope, after, ending.suite);
    if (remembered === undefined && this.cleanAsRead(growths)) {
      this.keepForThisTurn({ unit: undefined, readings: after, boundary: to });
      return [];
    }
    return (async () => {
      await remembered;
      return this.judgeEnd(unit, scope, growths);
    })();
  }

  /** The unit's growths; with a `suite`, those of item probes become candidates (see SuiteVerdicts.unitEnded). */
  private unitGrowths(unit: UnitInfo, scope: Scope, after: Readings, suite: unknown): Map<GuardedProbe, Growth> {
    const growths = this.growths(scope, after);
    this.verdicts.unitEnded(unit, scope.readings, after, growths, suite);
    return growths;
  }

  /**
   * `suite` has ended (its `after all` hooks have run): the verdicts on what the units
   * that named it left (see SuiteVerdicts.judge), per unit.
   */
  judgeCandidates(suite: unknown): Promise<UnitLeaks[]> {
    return this.verdicts.judge(suite).then((found) => this.oncePerResourceOf(found));
  }

  /** The verdict on every candidate still waiting, settling ones included (the run's end, or a run cut short). */
  judgeAllCandidates(): Promise<UnitLeaks[]> {
    return this.verdicts.judge(undefined, true).then((found) => this.oncePerResourceOf(found));
  }

  /** See SuiteVerdicts.unjudged: synchronous, for an exit handler. */
  unjudgedCandidates(): UnitLeaks[] {
    return this.oncePerResourceOf(this.verdicts.unjudged());
  }

  /** {@link oncePerResource} for each unit's late leaks. */
  private oncePerResourceOf(found: UnitLeaks[]): UnitLeaks[] {
    return found.map(({ unit, leaks }) => ({ unit, leaks: this.oncePerResource(leaks) })).filter(({ leaks }) => leaks.length > 0);
  }

  /** Finish every background settle now, the run waiting (see SuiteVerdicts.settleNow): before a hook runs. */
  settleNow(): Promise<void> {
    return this.verdicts.settleNow();
  }

  private async judgeEnd(unit: UnitInfo, scope: Scope, growths: Map<GuardedProbe, Growth>): Promise<Leak[]> {
    await settle(growths, (probe, now) => this.growth(probe, scope.readings.get(probe)!, now));
    await dropIgnoredOnDescribe(growths);
    const leaks: Leak[] = [];
    for (const [probe, growth] of growths) {
      if (growth.delta > probe.threshold) leaks.push(await this.toLeak(unit, probe, growth));
    }
    return this.oncePerResource(leaks);
  }

  /** A memory window boundary here (see MemoryLane.boundary). */
  private boundary(readings: Readings): number {
    return this.memory ? this.memory.boundary(this.memoryState(readings)) : -1;
  }

  /** See {@link lastCleanEnd}. A real promise: fake timers may hold back queueMicrotask. */
  private keepForThisTurn(end: Scope): void {
    this.lastCleanEnd = end;
    void RealPromise.resolve().then(() => {
      if (this.lastCleanEnd === end) this.lastCleanEnd = undefined;
    });
  }

  /** Hand the unit's memory window to the memory lane; a promise when the lane reads now. */
  private memoryEnded(unit: UnitInfo, scope: Scope, after: Readings, to: number, { rerun, group, body }: UnitMemory): void | Promise<void> {
    const memory = this.memory;
    if (!memory) return;
    return memory.unitEnded({ unit, group, from: scope.boundary, to, begin: this.memoryState(scope.readings), end: this.memoryState(after), rerun, body });
  }

  private memoryState(readings: Readings): MemoryState | undefined {
    const state = this.memoryProbe && readings.get(this.memoryProbe)?.state;
    const { heap, external, young, large, gcs } = (state ?? {}) as Partial<MemoryState>;
    const numbers = [heap, external, young, large, gcs];
    return numbers.every((n) => typeof n === 'number') ? { heap: heap!, external: external!, young: young!, large: large!, gcs: gcs! } : undefined;
  }

  /**
   * A suite of units ended while its units can still be run again (`group`: it ends that
   * group): the memory lane may read, and run again a test that alone kept memory at a site.
   */
  async suiteEnded(group?: unknown): Promise<void> {
    await this.memory?.suiteEnded(group);
  }

  /** The memory verdicts of the run, by site (see MemoryLane.finish); call once, at the end. */
  async memoryFindings(): Promise<MemoryFindings | undefined> {
    const memory = this.memory;
    this.memory = undefined;
    return memory?.finish();
  }

  /**
   * End a unit whose resources may legitimately outlive it (a `before all` hook): what it
   * created is remembered and judged by {@link judgeHeld} when its suite has ended.
   */
  async endHeld(scope: Scope, group?: unknown): Promise<HeldScope> {
    const unit = scope.unit;
    if (!unit) throw new TypeError('endHeld(): the scope must come from begin(unit)');
    const after = await this.sampleAll();
    await this.memoryEnded(unit, scope, after, this.boundary(after), { group });
    const growths = this.growths(scope, after);
    const created = new Map<GuardedProbe, { items: LeakItem[] | undefined; growth: number }>();
    for (const [probe, growth] of growths) {
      if (growth.delta > probe.threshold) created.set(probe, { items: growth.items, growth: growth.delta });
    }
    return { unit, begin: scope.readings, created };
  }

  /** Judge a held unit: what it created and is still there now leaked. */
  async judgeHeld(held: HeldScope): Promise<Leak[]> {
    const growths = new Map<GuardedProbe, Growth>();
    const measure = (probe: GuardedProbe, now: Reading) => this.survivorGrowth(probe, held, now);
    for (const probe of held.created.keys()) {
      if (!probe.active) continue;
      const now = await probe.sample();
      if (!now) continue;
      const growth = measure(probe, now);
      if (growth) growths.set(probe, growth);
    }
    // What the suite's `after all` hooks closed may take a moment to go.
    await settle(growths, measure);
    await dropIgnoredOnDescribe(growths);
    const leaks: Leak[] = [];
    for (const [probe, growth] of growths) {
      if (growth.delta > probe.threshold) leaks.push(await this.toLeak(held.unit, probe, growth));
    }
    return this.oncePerResource(leaks);
  }

  /**
   * Each resource once, though several probes saw it (see shared-resources.ts); a leak
   * that lost items gets the hint for what is left. For a unit's leaks found at different
   * times too (its items judged when its suite ended, some after a settle).
   */
  oncePerResource(leaks: Leak[]): Leak[] {
    if (leaks.length === 0) return leaks;
    const merged = mergeSharedResources(leaks);
    for (const leak of merged) {
      if (leaks.includes(leak)) continue;
      const hint = this.probes.find((probe) => probe.name === leak.probe)?.hint(leak.items[0]);
      if (hint) leak.hint = hint;
      else delete leak.hint;
    }
    return merged;
  }

  async dispose(): Promise<void> {
    await this.memory?.dispose();
    this.memory = undefined;
    await RealPromise.all(this.probes.map((probe) => probe.dispose()));
    await this.watchdog?.stop();
  }

  // ---------------------------------------------------------------------------------

  private async addProbe(configured: ConfiguredProbe, watch: WatchSlot | undefined): Promise<void> {
    const { warn, rootDir, sampleTimeoutMs, partOfRun } = this.options;
    const context = { rootDir, partOfRun, warn: (message: string) => warn(probeNotices.said(configured.definition.name, message)) };
    const probe = await createGuardedProbe(configured, context, sampleTimeoutMs, this.onFault, this.onNotice, watch);
    if (probe) this.probes.push(probe);
  }

  private readonly onNotice = (probe: string, message: string): void => {
    this.options.warn(probeNotices.said(probe, message));
  };

  private readonly onFault = (probe: string, message: string): void => {
    this.faults.push({ probe, message });
    this.options.warn(probeNotices.switchedOff(probe, message));
  };

  /**
   * Each probe's growth from the unit's begin readings to `after`. A probe that handed back
   * its begin reading saw nothing change: it has no entry (no growth to judge or settle).
   */
  private growths(scope: Scope, after: Map<GuardedProbe, Reading>): Map<GuardedProbe, Growth> {
    const growths = new Map<GuardedProbe, Growth>();
    for (const [probe, begin] of scope.readings) {
      const end = after.get(probe);
      // Memory is the memory lane's: judged by site over the run, not unit by unit.
      if (!end || end === begin || probe.measuresAfterGc) continue;
      const growth = this.growth(probe, begin, end);
      if (growth) growths.set(probe, growth);
    }
    return growths;
  }

  /** True when the readings as taken clear the unit: no probe grew past its threshold, so nothing needs to settle. */
  private cleanAsRead(growths: Map<GuardedProbe, Growth>): boolean {
    for (const [probe, growth] of growths) if (growth.delta > probe.threshold) return false;
    return true;
  }

  private growth(probe: GuardedProbe, begin: Reading, end: Reading): Growth | undefined {
    // A probe that saw nothing change since its last sample may hand back that reading
    // itself: nothing is new, and comparing its items would cost microseconds per test.
    if (begin === end) return probe.active ? { delta: 0, items: undefined } : undefined;
    const items = probe.newItems(begin, end);
    if (!probe.active) return undefined;
    return { delta: items ? items.length : end.value - begin.value, items };
  }

  /** What a held unit created that is still there now. */
  private survivorGrowth(probe: GuardedProbe, held: HeldScope, now: Reading): Growth | undefined {
    const begin = held.begin.get(probe);
    const created = held.created.get(probe);
    if (!begin || !created) return undefined;
    if (created.items) {
      // Still new relative to the unit's begin, and among what the unit created.
      const stillNew = new Set((probe.newItems(begin, now) ?? []).map(itemId));
      const items = created.items.filter((item) => stillNew.has(itemId(item)));
      return { delta: items.length, items };
    }
    return { delta: Math.min(created.growth, now.value - begin.value), items: undefined };
  }

  private async toLeak(unit: UnitInfo, probe: GuardedProbe, growth: Growth): Promise<Leak> {
    const all = growth.items ?? [];
    const items = await probe.endLeaked(await probe.describe(all.slice(0, MAX_ITEMS_PER_LEAK)));
    return this.leakOf(unit, probe, growth.delta, items, all.length);
  }

  /** A leak of `unit`, `items` described as far as they will be (at most MAX_ITEMS_PER_LEAK of `total`). */
  private leakOf(unit: UnitInfo, probe: GuardedProbe, delta: number, items: LeakItem[], total: number): Leak {
    // Lineage between items is the engine's business, not the report's.
    for (const item of items) delete item.createdBy;
    const leak: Leak = {
      test: unit.title,
      file: unit.file,
      kind: unit.kind,
      probe: probe.name,
      delta,
      unit: probe.definition.unit,
      threshold: probe.threshold,
      items,
    };
    if (total > items.length) leak.itemsTotal = total;
    const hint = probe.hint(items[0]);
    if (hint) leak.hint = hint;
    return leak;
  }

  private sampleAll(): Readings | Promise<Readings> {
    // A newer reading: the next scope begins after it (see lastCleanEnd).
    this.lastCleanEnd = undefined;
    // The stacks captured since the last sample hold their frames' objects until settled:
    // not to be counted as kept by the memory probe.
    settleCapturedStacks();
    return this.sampleSome(this.samplingOrder);
  }

  /**
   * Readings of `probes`, sampled in the order given (memory probes first: see
   * samplingOrder). Synchronous while every probe samples synchronously: awaiting a
   * plain value still costs a turn of the microtask queue, twice per probe per test.
   */
  private sampleSome(probes: GuardedProbe[]): Readings | Promise<Readings> {
    const readings: Readings = new Map();
    const clock = startClock();
    for (let i = 0; i < probes.length; i++) {
      const probe = probes[i]!;
      if (!probe.active) continue;
      const sampled = probe.sample(clock);
      if (sampled instanceof RealPromise) return this.sampleRest(probes.slice(i + 1), sampled, probe, readings);
      if (sampled) readings.set(probe, sampled);
    }
    return readings;
  }

  /** The rest of {@link sampleSome} once a probe's sample is a promise. */
  private async sampleRest(rest: GuardedProbe[], pending: Promise<Reading | undefined>, probe: GuardedProbe, readings: Readings): Promise<Readings> {
    const reading = await pending;
    if (reading) readings.set(probe, reading);
    for (const next of rest) {
      if (!next.active) continue;
      const sampled = next.sample();
      const taken = sampled instanceof RealPromise ? await sampled : sampled;
      if (taken) readings.set(next, taken);
    }
    return readings;
  }
}

/**
 * How long one call into a probe may run before the watchdog names it: twice what a
 * sample may take (a slower sample is switched off when it returns), at least 2 s.
 */
export function hangReportAfter(sampleTimeoutMs: number): number {
  return Math.max(2 * sampleTimeoutMs, 2_000);
}

