/**
 * The sampling engine: samples every probe around a unit of work (a test, a hook),
 * lets transient resources settle, asks the GC policy when memory needs a collection,
 * and decides what leaked. It knows nothing of Mocha: an adapter calls begin/end.
 */
import { minorGc } from './gc';
import { createGcPolicy, type GcPolicy, type GcPolicyName, type GcWindow } from './gc-policy';
import { errorMessage, GuardedProbe, SAMPLE_AFTER_GC, SAMPLE_ROUTINE, startClock } from './guarded-probe';
import { itemId, type ConfiguredProbe, type LeakItem, type Reading, type SampleContext, type StopTracking, type TrackedGrowth } from './probe';
import { nowMs, RealPromise, sleep, withTimeLimit } from './real-timers';
import { MemoryTrend } from './memory-trend';
import { enterOwnCode, leaveOwnCode } from './own-code';
import type { ProbeWatchdog, WatchSlot } from './watchdog';
import { FILE_UNIT_TITLE, MAX_ITEMS_PER_LEAK, type Leak, type ProbeFault, type UnitInfo } from './report-model';

export interface EngineOptions {
  probes: ConfiguredProbe[];
  /** Relative paths in probe options resolve against this directory. */
  rootDir: string;
  /** The longest one sample may take before its probe is switched off. */
  sampleTimeoutMs: number;
  gcPolicy: GcPolicyName;
  /**
   * Memory growth over the units of one file, none of them over the threshold, above which
   * the file is reported (small leaks that add up; see memory-trend.ts). Undefined: off.
   */
  fileThreshold?: number;
  /**
   * Memory the runner keeps for every unit it has run (its results, timings), allowed per
   * unit on top of the file threshold: a file of 20,000 trivial tests is not a leak.
   */
  keptPerUnit?: number;
  /** Where notices and fault warnings go. */
  warn(message: string): void;
  /**
   * Watch for a probe call that never returns (a synchronous loop) and name the probe on
   * stderr (see watchdog.ts): for runs with custom probes.
   */
  watchForHangs?: boolean;
}

/**
 * A unit being measured: what `begin` and `next` return and `end` takes. A window opened
 * by `next` has no unit yet: the adapter names it at `end`.
 */
export interface Scope {
  readonly unit: UnitInfo | undefined;
  readonly readings: Map<GuardedProbe, Reading>;
  readonly gcWindow: GcWindow | undefined;
}

/** What a unit created that is only judged later (a `before all` hook's resources live until the suite ends). */
export interface HeldScope {
  readonly unit: UnitInfo;
  readonly begin: Map<GuardedProbe, Reading>;
  /** Per probe: the items created (item probes) and the growth at the unit's end. */
  readonly created: Map<GuardedProbe, { items: LeakItem[] | undefined; growth: number }>;
}

/** A heap this small is collected at start for the file trends' baseline: ~40 ms at most. */
const COLLECT_AT_START_BELOW = 32 * 1024 * 1024;

/** Turns of the event loop the settle tries before it starts to wait in milliseconds. */
const SETTLE_TURNS = 3;

/** One reading per probe. */
type Readings = Map<GuardedProbe, Reading>;

/** Growth of one probe over a unit. */
interface Growth {
  delta: number;
  items: LeakItem[] | undefined;
  /** Memory probes: false when the uncollected readings cannot bound the growth (see ProbeInstance.screen). */
  bounded?: boolean;
}

export class LeakEngine {
  readonly faults: ProbeFault[] = [];
  private readonly probes: GuardedProbe[] = [];
  /** The probes in the order they are sampled: memory first (the others' sampling allocates). */
  private samplingOrder: GuardedProbe[] = [];
  private gcPolicy: GcPolicy | undefined;
  /** Per GC probe: its value right after leakguard's latest full collection. */
  private readonly lastCollected = new Map<GuardedProbe, number>();
  /** Per GC probe: its growth per file, between collections. */
  private readonly trends = new Map<GuardedProbe, MemoryTrend>();
  /** The file of the units being measured. */
  private currentGroup: string | undefined;
  /**
   * The end readings of the last unit, when it ended clean without waiting: the begin
   * readings of the window {@link next} opens right after it. Taken by that call.
   */
  private lastCleanEnd: Readings | undefined;
  private watchdog: ProbeWatchdog | undefined;

  private constructor(private readonly options: EngineOptions) {}

  /** Create the probes (a probe whose creation fails is reported and left out). */
  static async create(options: EngineOptions): Promise<LeakEngine> {
    const engine = new LeakEngine(options);
    if (options.watchForHangs) {
      const { ProbeWatchdog } = require('./watchdog') as typeof import('./watchdog');
      const names = options.probes.map((configured) => configured.definition.name);
      engine.watchdog = ProbeWatchdog.start(names, hangReportAfter(options.sampleTimeoutMs));
    }
    for (const [index, configured] of options.probes.entries()) await engine.addProbe(configured, engine.watchdog?.slot(index));
    engine.samplingOrder = [...engine.probes.filter((probe) => probe.measuresAfterGc), ...engine.probes.filter((probe) => !probe.measuresAfterGc)];
    if (engine.probes.some((probe) => probe.measuresAfterGc)) engine.gcPolicy = createGcPolicy(options.gcPolicy);
    if (options.fileThreshold !== undefined && engine.memoryProbes.length > 0) await engine.startTrends();
    return engine;
  }

  /**
   * The file trends' first baseline. A full collection gives the live heap; it costs ~1 ms
   * per MB, so it is taken only while the heap is small. Otherwise the baseline is read
   * uncollected after a scavenge (which takes out the young garbage, ~1 ms): it still holds
   * the old garbage of loading the test files, so it is above the live heap and the first
   * window's growth is under-estimated, never over-estimated.
   */
  private async startTrends(): Promise<void> {
    const probes = this.memoryProbes;
    let start: Map<GuardedProbe, Reading>;
    if (process.memoryUsage().heapUsed <= COLLECT_AT_START_BELOW) {
      start = await this.collectAndRead(probes);
    } else {
      minorGc();
      // The kind of reading taken after collections (`collected`), so that the trend
      // compares like with like: the screening kind counts other external memory too.
      start = await this.sampleSome(probes, { collected: true });
    }
    for (const [probe, reading] of start) this.trends.set(probe, new MemoryTrend(reading.value));
  }

  /** True when the named probe measures memory after GC (its leaks can be repeated to confirm). */
  measuresAfterGc(probeName: string): boolean {
    return this.probes.some((probe) => probe.name === probeName && probe.measuresAfterGc);
  }

  /** Names of the probes still running. */
  get activeProbes(): GuardedProbe[] {
    return this.probes.filter((probe) => probe.active);
  }

  /**
   * Sample every probe at the start of a unit. Synchronous when nothing needs waiting for
   * (the probes sample synchronously, no file ended): the adapter can then run its hook
   * synchronously, which Mocha runs ~10 us faster than one that returns a promise.
   */
  begin(unit: UnitInfo): Scope | Promise<Scope> {
    this.lastCleanEnd = undefined;
    if (this.trends.size > 0 && this.endsGroup(groupOf(unit))) return this.beginAfterCheckpoint(unit);
    return this.beginNow(unit);
  }

  private async beginAfterCheckpoint(unit: UnitInfo): Promise<Scope> {
    await this.checkpoint();
    return this.beginNow(unit);
  }

  private beginNow(unit: UnitInfo): Scope | Promise<Scope> {
    if (this.trends.size > 0) this.enterGroup(groupOf(unit));
    return this.open(unit, this.gcPolicy?.beforeBegin());
  }

  /**
   * Open the window of the next unit, not yet named (for an adapter that sees where units
   * end but not where the next one begins: one hook per test, not two). When the last
   * unit ended clean without waiting, its end readings are this window's begin readings
   * and nothing is sampled: whatever happens from here on (between units too) belongs to
   * the next unit. Name the unit at {@link end}; say where a new file begins with {@link enter}.
   */
  next(): Scope | Promise<Scope> {
    const readings = this.lastCleanEnd;
    this.lastCleanEnd = undefined;
    const gcWindow = this.gcPolicy?.beforeBegin();
    // A collection at begin changed the memory readings: take them again.
    if (readings && !gcWindow?.collectedAtBegin) return { unit: undefined, readings, gcWindow };
    return this.open(undefined, gcWindow);
  }

  /**
   * The next unit is known before it runs (optional, for windows opened by {@link next}):
   * when it begins a new file, the file that ended is checkpointed now, and a promise says
   * so: the open window's readings are then stale, and the adapter opens a new one.
   */
  enter(unit: UnitInfo): void | Promise<void> {
    if (this.trends.size > 0 && this.endsGroup(groupOf(unit))) {
      this.lastCleanEnd = undefined;
      return this.checkpoint();
    }
  }

  private open(unit: UnitInfo | undefined, gcWindow: GcWindow | undefined): Scope | Promise<Scope> {
    if (gcWindow?.collectedAtBegin) {
      const collected = this.sampleSome(this.memoryProbes, { collected: true });
      if (collected instanceof RealPromise) {
        return collected.then(async (readings) => {
          this.rememberCollected(readings);
          return { unit, readings: await this.sampleAll(), gcWindow };
        });
      }
      this.rememberCollected(collected);
    }
    const readings = this.sampleAll();
    if (readings instanceof RealPromise) return readings.then((taken) => ({ unit, readings: taken, gcWindow }));
    return { unit, readings, gcWindow };
  }

  /**
   * Sample every probe at the end of a unit and return what it leaked; `unit` names a
   * window opened by {@link next}. Synchronous when the cheap readings already show the
   * unit clean (most units): nothing grew past its threshold, and the GC policy needs no
   * collection to trust the memory readings.
   */
  end(scope: Scope, unit = scope.unit): Leak[] | Promise<Leak[]> {
    this.lastCleanEnd = undefined;
    if (!unit) throw new TypeError('end(): a window opened by next() needs its unit');
    // A window opened by next() joins its file now (a file whose start was not announced
    // through enter() shares its first unit's growth with the file before it).
    if (!scope.unit && this.trends.size > 0) this.enterGroup(groupOf(unit));
    const after = this.sampleAll();
    if (after instanceof RealPromise) return after.then((taken) => this.judgeEnd(unit, scope, this.growths(scope, taken)));
    const growths = this.growths(scope, after);
    if (this.cleanAsRead(scope, growths)) {
      this.lastCleanEnd = after;
      return [];
    }
    return this.judgeEnd(unit, scope, growths);
  }

  private async judgeEnd(unit: UnitInfo, scope: Scope, growths: Map<GuardedProbe, Growth>): Promise<Leak[]> {
    await this.confirmAndSettle(scope, growths);
    const leaks: Leak[] = [];
    for (const [probe, growth] of growths) {
      if (growth.delta > probe.threshold) leaks.push(await this.toLeak(unit, probe, growth));
    }
    return leaks;
  }

  /**
   * End a unit whose resources may legitimately outlive it (a `before all` hook): what it
   * created is remembered and judged by {@link judgeHeld} when its suite has ended.
   */
  async endHeld(scope: Scope): Promise<HeldScope> {
    const unit = scope.unit;
    if (!unit) throw new TypeError('endHeld(): the scope must come from begin(unit)');
    const growths = this.growths(scope, await this.sampleAll());
    await this.confirmAndSettle(scope, growths, { settle: false });
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
      const now = probe.measuresAfterGc ? (await this.collectAndRead([probe])).get(probe) : await probe.sample();
      if (!now) continue;
      const growth = measure(probe, now);
      if (growth) growths.set(probe, growth);
    }
    // What the suite's `after all` hooks closed may take a moment to go.
    await this.settle(growths, measure);
    const leaks: Leak[] = [];
    for (const [probe, growth] of growths) {
      if (growth.delta > probe.threshold) leaks.push(await this.toLeak(held.unit, probe, growth));
    }
    return leaks;
  }

  /**
   * The growth of each memory probe over `work`, measured with a full collection before
   * and after: for repeating a suspect unit (see repeat-rule.ts). Also what of the growth
   * is still alive, by where it was allocated, and when `likelyLeak` (every run so far
   * grew), by type and with what retains it, if the probe finds it affordable.
   */
  async measureMemory(
    work: () => Promise<void>,
    { likelyLeak = false, unit }: { likelyLeak?: boolean; unit?: UnitInfo } = {},
  ): Promise<Map<string, MemoryMeasurement>> {
    const probes = this.memoryProbes;
    const measured = new Map<string, MemoryMeasurement>();
    if (!this.gcPolicy || probes.length === 0) {
      await work();
      return measured;
    }
    const before = await this.collectAndRead(probes);
    const trackers = new Map<GuardedProbe, StopTracking>();
    for (const probe of probes) {
      const stop = await probe.track({ likelyLeak });
      if (stop) trackers.set(probe, stop);
    }
    try {
      await work();
    } catch (error) {
      // Stop the trackers all the same: a sampling profiler left running would slow every
      // allocation of the rest of the run, and a heap snapshot's object ids every GC.
      for (const stop of trackers.values()) await stop({ discard: true }).catch(() => undefined);
      throw error;
    } finally {
      // As in confirmMemory: what the repeat just finished with may need a few turns.
      await letQueuedWorkRun();
    }
    const after = await this.collectAndRead(probes);
    for (const [probe, reading] of after) {
      const start = before.get(probe);
      const stop = trackers.get(probe);
      trackers.delete(probe);
      const tracked = stop ? toTrackedGrowth(await stop().catch(() => [])) : { items: [] };
      if (!start) continue;
      measured.set(probe.name, { ...tracked, growth: reading.value - start.value });
      // What the repeat kept is the unit's, reported with it: not part of its file's trend.
      if (unit) this.trends.get(probe)?.explained(groupOf(unit), reading.value - start.value);
    }
    // A probe that gave no reading after the work: release its tracker.
    for (const stop of trackers.values()) await stop({ discard: true }).catch(() => undefined);
    return measured;
  }

  /**
   * Units come file by file: when the file changes, the last one has ended (and Mocha has
   * dropped its test functions, and with them what only they kept).
   */
  private endsGroup(group: string): boolean {
    return this.currentGroup !== undefined && this.currentGroup !== group;
  }

  private enterGroup(group: string): void {
    this.currentGroup = group;
    for (const trend of this.trends.values()) trend.unitRan(group);
  }

  /**
   * A group of units (a test file) has ended, or the run: collect if memory may have grown
   * past the file threshold since the last collection, so that small leaks that add up are
   * seen and blamed on this file. The uncollected reading is an upper bound of that growth
   * (it also holds garbage), so a file that cannot have grown that much costs one read.
   */
  async checkpoint(): Promise<void> {
    const threshold = this.options.fileThreshold;
    if (threshold === undefined || this.trends.size === 0) return;
    // A scavenge below changes the memory readings the last unit ended with.
    this.lastCleanEnd = undefined;
    const probes = [...this.trends.keys()].filter((probe) => probe.active);
    // The exact kind of reading, uncollected: live heap plus garbage, like the baseline's.
    const bound = async (): Promise<Map<GuardedProbe, Reading> | undefined> => {
      const now = await this.sampleSome(probes, { collected: true });
      const grew = probes.some((probe) => (now.get(probe)?.value ?? 0) - this.trends.get(probe)!.baseline > threshold);
      return grew ? undefined : now;
    };
    // Most of a file's garbage dies young: a scavenge (~1 ms) takes it out of the bound,
    // and spares the full collection (~1 ms per MB) to files that may really have grown.
    const below = (await bound()) ?? (minorGc(), await bound());
    if (!below) {
      await this.collectAndRead(probes);
      return;
    }
    // Below the threshold, a collection is not needed for this file; but the bound, as the
    // next file's baseline, may stand above the live heap by up to the threshold (old
    // garbage), and the next file's growth would be under-estimated by as much. So collect
    // anyway while the optional budget allows (on small heaps, nearly always).
    if (this.gcPolicy?.affordsOptionalCollection()) {
      await this.collectAndRead(probes, { optional: true });
      return;
    }
    for (const [probe, reading] of below) this.trends.get(probe)?.endedBelow(reading.value);
  }

  /** Files whose units together grew memory past the file threshold, less what was reported per unit. */
  async fileLeaks(): Promise<Leak[]> {
    const threshold = this.options.fileThreshold;
    const leaks: Leak[] = [];
    if (threshold === undefined) return leaks;
    for (const [probe, trend] of this.trends) {
      if (!probe.active) continue;
      for (const { group, growth, units } of trend.grownAbove(threshold, this.options.keptPerUnit)) {
        const unit: UnitInfo = { kind: 'file', title: FILE_UNIT_TITLE, file: group || undefined };
        const leak = await this.toLeak(unit, probe, { delta: growth, items: undefined }, threshold);
        leak.units = units;
        leak.hint = fileHint(units);
        leaks.push(leak);
      }
    }
    return leaks;
  }

  async dispose(): Promise<void> {
    this.gcPolicy?.dispose();
    await RealPromise.all(this.probes.map((probe) => probe.dispose()));
    this.watchdog?.stop();
  }

  // ---------------------------------------------------------------------------------

  private async addProbe(configured: ConfiguredProbe, watch: WatchSlot | undefined): Promise<void> {
    const { definition } = configured;
    const { warn, rootDir, sampleTimeoutMs } = this.options;
    const limitMs = createTimeLimit(sampleTimeoutMs);
    try {
      // The probe's own timers and handles are leakguard's (see own-code.ts).
      enterOwnCode();
      watch?.enter('create');
      let creating: ReturnType<typeof definition.create>;
      try {
        creating = definition.create({
          options: configured.options,
          rootDir,
          warn: (message) => warn(`probe "${definition.name}": ${message}`),
        });
      } finally {
        leaveOwnCode();
        watch?.leave();
      }
      const created = RealPromise.resolve(creating);
      const outcome = await withTimeLimit(created, limitMs);
      if (outcome.timedOut) {
        this.onFault(definition.name, `create() did not finish within ${limitMs} ms`);
        // Should it finish after all, what it made is released, not left running.
        created.then((late) => late?.dispose?.(), () => undefined).catch(() => undefined);
        return;
      }
      const instance = outcome.value;
      if (instance === null || instance === undefined) return;
      if (typeof instance !== 'object' || typeof instance.sample !== 'function') {
        this.onFault(definition.name, 'create() returned no probe instance (an object with a sample() function, or null)');
        return;
      }
      this.probes.push(new GuardedProbe(configured, instance, sampleTimeoutMs, this.onFault, this.onNotice, watch));
    } catch (error) {
      this.onFault(definition.name, `create() threw: ${errorMessage(error)}`);
    }
  }

  private readonly onNotice = (probe: string, message: string): void => {
    this.options.warn(`probe "${probe}": ${message}`);
  };

  private readonly onFault = (probe: string, message: string): void => {
    this.faults.push({ probe, message });
    this.options.warn(`probe "${probe}" switched off: ${message}`);
  };

  /**
   * Each probe's growth from the unit's begin readings to `after`. A probe that handed back
   * its begin reading saw nothing change: it has no entry (no growth to judge or settle).
   */
  private growths(scope: Scope, after: Map<GuardedProbe, Reading>): Map<GuardedProbe, Growth> {
    const growths = new Map<GuardedProbe, Growth>();
    for (const [probe, begin] of scope.readings) {
      const end = after.get(probe);
      if (!end || (end === begin && !probe.measuresAfterGc)) continue;
      const growth = this.growth(probe, begin, end);
      if (growth) growths.set(probe, growth);
    }
    return growths;
  }

  /**
   * True when the readings as taken clear the unit: no probe grew past its threshold (so
   * nothing needs to settle), and no memory reading needs a collection to be trusted.
   */
  private cleanAsRead(scope: Scope, growths: Map<GuardedProbe, Growth>): boolean {
    let memory = false;
    let bounded = true;
    for (const [probe, growth] of growths) {
      if (growth.delta > probe.threshold) return false;
      if (probe.measuresAfterGc) memory = true;
      if (growth.bounded === false) bounded = false;
    }
    return !memory || !this.gcPolicy || !scope.gcWindow || !this.gcPolicy.mustConfirm(scope.gcWindow, false, bounded);
  }

  private async confirmAndSettle(scope: Scope, growths: Map<GuardedProbe, Growth>, { settle = true } = {}): Promise<void> {
    await this.confirmMemory(scope, growths);
    if (settle) await this.settle(growths, (probe, now) => this.growth(probe, scope.readings.get(probe)!, now));
  }

  private growth(probe: GuardedProbe, begin: Reading, end: Reading): Growth | undefined {
    // A probe that saw nothing change since its last sample may hand back that reading
    // itself: nothing is new, and comparing its items would cost microseconds per test.
    if (begin === end) return probe.active ? { delta: 0, items: undefined } : undefined;
    if (probe.measuresAfterGc) {
      const { growth, bounded } = probe.screen(begin, end);
      return probe.active ? { delta: growth, items: undefined, bounded } : undefined;
    }
    const items = probe.newItems(begin, end);
    if (!probe.active) return undefined;
    return { delta: items ? items.length : end.value - begin.value, items };
  }

  /**
   * For GC probes, turn uncollected deltas into trustworthy ones: either the cheap bound
   * already clears the unit, or collect and bound the growth by the collected value.
   */
  private async confirmMemory(scope: Scope, growths: Map<GuardedProbe, Growth>): Promise<void> {
    const policy = this.gcPolicy;
    if (!policy || !scope.gcWindow) return;
    const memoryProbes = [...growths.keys()].filter((probe) => probe.measuresAfterGc);
    if (memoryProbes.length === 0) return;
    const screensBound = memoryProbes.every((probe) => growths.get(probe)!.bounded !== false);
    const quickBoundHolds = screensBound && policy.noGcSince(scope.gcWindow);
    const overThreshold = memoryProbes.some((probe) => growths.get(probe)!.delta > probe.threshold);
    if (!policy.mustConfirm(scope.gcWindow, overThreshold, screensBound)) return;

    const baseline = new Map(memoryProbes.map((probe) => [probe, this.lastCollected.get(probe)]));
    for (let attempt = 0; attempt < 2; attempt++) {
      const collected = await this.collectAndRead(memoryProbes);
      let stillOver = false;
      for (const probe of memoryProbes) {
        const value = collected.get(probe)?.value;
        const since = baseline.get(probe);
        const growth = growths.get(probe)!;
        if (value === undefined) continue;
        if (since === undefined) {
          // The run's first collection: no collected value to compare with yet. The cheap
          // bound stands if it holds (a repeat confirms it); otherwise nothing can be said.
          if (!quickBoundHolds) growth.delta = 0;
          continue;
        }
        const collectedBound = value - since;
        growth.delta = quickBoundHolds ? Math.min(growth.delta, collectedBound) : collectedBound;
        if (growth.delta > probe.threshold) stillOver = true;
      }
      if (!stillOver) return;
      // What a test just finished with can stay reachable for a few turns of the event
      // loop (callbacks still queued, finalizers, ArrayBuffer stores): let them run, then
      // collect once more.
      await letQueuedWorkRun();
    }
  }

  /** Re-sample probes that grew until the growth is gone or their settle time is spent. */
  private async settle(
    growths: Map<GuardedProbe, Growth>,
    measure: (probe: GuardedProbe, now: Reading) => Growth | undefined,
  ): Promise<void> {
    const pending = [...growths].filter(([probe, growth]) => probe.settle && !probe.measuresAfterGc && growth.delta > probe.threshold);
    if (pending.length === 0) return;
    const started = nowMs();
    const longest = Math.max(...pending.map(([probe]) => probe.settle!.maxWaitMs));
    for (let attempt = 0; pending.length > 0; attempt++) {
      const waited = nowMs() - started;
      if (waited >= longest) break;
      // After the quick turns, wait only while something may still end by itself: a
      // leaked interval or listening server stays until code closes it.
      if (attempt >= SETTLE_TURNS && !pending.some(([probe, growth]) => probe.mayEndByItself(growth.items))) break;
      // Most of what closes by itself (a socket, a handle) is gone after a turn or two
      // of the event loop: try those first, then back off in real time.
      const pause = attempt < SETTLE_TURNS ? 0 : 2 ** (attempt - SETTLE_TURNS);
      await sleep(Math.min(pause, longest - waited));
      for (let i = pending.length - 1; i >= 0; i--) {
        const [probe, growth] = pending[i]!;
        const rule = probe.settle!;
        if (attempt >= rule.attempts || nowMs() - started > rule.maxWaitMs) {
          pending.splice(i, 1);
          continue;
        }
        const now = await probe.sample();
        const next = now && measure(probe, now);
        if (!next) {
          growths.delete(probe);
          pending.splice(i, 1);
          continue;
        }
        growth.delta = next.delta;
        growth.items = next.items;
        if (next.delta <= probe.threshold) pending.splice(i, 1);
      }
    }
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

  private async toLeak(unit: UnitInfo, probe: GuardedProbe, growth: Growth, threshold = probe.threshold): Promise<Leak> {
    // Growth reported for a unit is explained: not counted again in its file's trend.
    if (unit.kind !== 'file') this.trends.get(probe)?.explained(groupOf(unit), growth.delta);
    const all = growth.items ?? [];
    const items = await probe.describe(all.slice(0, MAX_ITEMS_PER_LEAK));
    const leak: Leak = {
      test: unit.title,
      file: unit.file,
      kind: unit.kind,
      probe: probe.name,
      delta: growth.delta,
      unit: probe.definition.unit,
      threshold,
      items,
    };
    if (all.length > items.length) leak.itemsTotal = all.length;
    const hint = probe.hint(items[0]);
    if (hint) leak.hint = hint;
    return leak;
  }

  private sampleAll(): Readings | Promise<Readings> {
    return this.sampleSome(this.samplingOrder);
  }

  private get memoryProbes(): GuardedProbe[] {
    return this.probes.filter((probe) => probe.measuresAfterGc && probe.active);
  }

  /**
   * Readings of `probes`, sampled in the order given (memory probes first: see
   * samplingOrder); `collected`: a full GC ran just before (memory probes read exactly).
   * The other samples are routine (see SampleContext.routine): this is where units begin
   * and end. Synchronous while every probe samples synchronously: awaiting a plain value
   * still costs a turn of the microtask queue, twice per probe per test.
   */
  private sampleSome(probes: GuardedProbe[], { collected = false } = {}): Readings | Promise<Readings> {
    const readings: Readings = new Map();
    const clock = startClock();
    for (let i = 0; i < probes.length; i++) {
      const probe = probes[i]!;
      if (!probe.active) continue;
      const sampled = probe.sample(sampleContext(probe, collected), clock);
      if (sampled instanceof RealPromise) return this.sampleRest(probes.slice(i + 1), sampled, probe, readings, collected);
      if (sampled) readings.set(probe, sampled);
    }
    return readings;
  }

  /** The rest of {@link sampleSome} once a probe's sample is a promise. */
  private async sampleRest(
    rest: GuardedProbe[],
    pending: Promise<Reading | undefined>,
    probe: GuardedProbe,
    readings: Readings,
    collected: boolean,
  ): Promise<Readings> {
    const reading = await pending;
    if (reading) readings.set(probe, reading);
    for (const next of rest) {
      if (!next.active) continue;
      const sampled = next.sample(sampleContext(next, collected));
      const taken = sampled instanceof RealPromise ? await sampled : sampled;
      if (taken) readings.set(next, taken);
    }
    return readings;
  }

  /** A full collection, then exact readings of `probes`, remembered as the latest collected values. */
  private async collectAndRead(probes: GuardedProbe[], { optional }: { optional?: boolean } = {}): Promise<Map<GuardedProbe, Reading>> {
    // The memory readings of the last unit's end no longer hold.
    this.lastCleanEnd = undefined;
    this.gcPolicy?.collect(optional);
    const readings = await this.sampleSome(probes, { collected: true });
    this.rememberCollected(readings);
    return readings;
  }

  private rememberCollected(readings: Map<GuardedProbe, Reading>): void {
    for (const [probe, reading] of readings) {
      if (!probe.measuresAfterGc) continue;
      this.lastCollected.set(probe, reading.value);
      this.trends.get(probe)?.collected(reading.value);
    }
  }
}

/**
 * How long a probe's create() may take: longer than a sample (a probe may open a session
 * or read a directory), but bounded, so that one that never settles cannot hold the run.
 */
export function createTimeLimit(sampleTimeoutMs: number): number {
  return Math.max(sampleTimeoutMs, 5_000);
}

/**
 * How long one call into a probe may run before the watchdog names it: twice what a
 * sample may take (a slower sample is switched off when it returns), at least 2 s.
 */
export function hangReportAfter(sampleTimeoutMs: number): number {
  return Math.max(2 * sampleTimeoutMs, 2_000);
}

/** How {@link LeakEngine.sampleSome} samples `probe`. */
function sampleContext(probe: GuardedProbe, collected: boolean): SampleContext {
  return collected && probe.measuresAfterGc ? SAMPLE_AFTER_GC : SAMPLE_ROUTINE;
}

/** The group a unit's growth is followed in: its file. */
function groupOf(unit: UnitInfo): string {
  return unit.file ?? '';
}

function fileHint(units: number): string {
  return (
    `The ${units} tests and hooks of this file kept this much memory between them, none of them more than the per-test threshold: ` +
    'something they all add to (a module-level cache or map, a memoize without a bound, a registry of listeners or instances) keeps growing. ' +
    'To see which tests and where the memory is allocated, run this file alone with a lower probes.heap.threshold (e.g. "100KB").'
  );
}

/** What {@link LeakEngine.measureMemory} found for one memory probe. */
export interface MemoryMeasurement extends TrackedGrowth {
  /** The probe's growth over the work, after a full collection. */
  growth: number;
}

/** A tracker's result in its full form (a probe may return bare items). */
function toTrackedGrowth(result: LeakItem[] | TrackedGrowth): TrackedGrowth {
  return Array.isArray(result) ? { items: result } : result;
}

/**
 * Pauses (ms) that let a unit's queued callbacks run before a collection: a turn, then
 * timers. Memory that Node's own queues still reference for a moment after a test ends is
 * let go only after a few ms (measured: express's 6,000-layer route test, whose 3 MiB
 * stayed reachable through three turns and 1 ms and was gone 2 ms later); read too early,
 * it came back on every repeat and was taken for a leak. ~7 ms, paid only by units whose
 * memory grew.
 */
const QUEUED_WORK_PAUSES = [0, 1, 2, 4];

/** A few turns of the event loop, in real time, for callbacks a unit left queued. */
async function letQueuedWorkRun(): Promise<void> {
  for (const pause of QUEUED_WORK_PAUSES) await sleep(pause);
}
