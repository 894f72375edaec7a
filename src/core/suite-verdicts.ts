/**
 * Verdicts at a suite's end: what each unit left (its new items of item probes) is tracked
 * as candidates while the run goes on (see candidates.ts), and judged when the suite it
 * named has ended: what is gone is clean; what is still there and cannot go by itself
 * leaked; what may still go by itself gets the rest of its settle time (counted from its
 * unit's end) in the background, finished in the foreground before any hook runs.
 */
import { BetweenUnits } from './between-units';
import { byProbe, CandidateGroup, Candidates, updateAll } from './candidates';
import { errorMessage, type GuardedProbe } from './guarded-probe';
import { internalNotices } from './notices';
import type { LeakItem, Reading } from './probe';
import { nowMs, RealPromise, sleep } from './real-timers';
import type { Leak, UnitInfo } from './report-model';
import { settle, SETTLE_TURNS, type Growth } from './settle';

/** One reading per probe. */
type Readings = Map<GuardedProbe, Reading>;

/** The leaks found of one unit after it ended (see LeakEngine.judgeCandidates). */
export interface UnitLeaks {
  unit: UnitInfo;
  leaks: Leak[];
}

/** What the verdicts need of the engine. */
export interface VerdictMaker {
  /** The leak of `unit` on `probe`, its items described; none when what is left of it is ignored (ignoreCreatedBy). */
  toLeak(unit: UnitInfo, probe: GuardedProbe, growth: Growth): Promise<Leak | undefined>;
  /** The same, synchronously, the items as they were listed. */
  leakNow(unit: UnitInfo, probe: GuardedProbe, items: LeakItem[]): Leak;
  warn(message: string): void;
}

export class SuiteVerdicts {
  private readonly candidates = new Candidates();
  /** Candidates whose background settle has ended, awaiting their verdict (made between units: describe() may open things). */
  private settled: CandidateGroup[] = [];
  /** The background settles still running, by group: stopped to be finished in the foreground (see settleNow). */
  private readonly inBackground = new Map<CandidateGroup, { stopped: boolean }>();
  /** Where background settles wait: between units, never during a test's code. */
  private readonly betweenUnits = new BetweenUnits();

  constructor(private readonly engine: VerdictMaker) {}

  /**
   * A unit ended with these `growths` (from its `begin` readings to `after`): the pending
   * candidates see `after` first (free evidence), and what their callbacks created is
   * taken out of the growths. With a `suite`, the probes whose items grew past their
   * threshold leave `growths`: their items become candidates, judged when it ends.
   */
  /** A unit begins or ends: background settles that are due take their next step now (see BetweenUnits.reached). */
  unitBoundary(): Promise<void> | undefined {
    return this.betweenUnits.reached();
  }

  unitEnded(unit: UnitInfo, begin: Readings, after: Readings, growths: Map<GuardedProbe, Growth>, suite: unknown): void {
    const candidates = this.candidates;
    if (candidates.size > 0) {
      // Nothing can have been released where the count grew by all the unit added (a suite
      // whose every test leaks): comparing would cost a call of the probe per test.
      candidates.observe(after, (probe, now) => {
        const before = begin.get(probe);
        return !before || now.value - before.value < (growths.get(probe)?.delta ?? 0);
      });
    }
    for (const [probe, growth] of growths) {
      if (!growth.items) continue;
      const own = candidates.withoutDescendants(growth.items);
      if (own !== growth.items) {
        growth.items = own;
        growth.delta = own.length;
      }
      if (suite === undefined || growth.delta <= probe.threshold) continue;
      candidates.add(new CandidateGroup(unit, probe, begin.get(probe)!, after.get(probe)!, growth.items, suite));
      growths.delete(probe);
    }
  }

  /**
   * `suite` has ended (its `after all` hooks have run): the verdict on the candidates of
   * the units that named it (`all`: on every candidate, settling ones included, at the
   * run's end). Returns the leaks found now and those of earlier suites whose background
   * settle has ended since, per unit.
   */
  judge(suite: unknown, all = false): Promise<UnitLeaks[]> {
    return this.judgeGroups(this.candidates.take(suite, all), all);
  }

  /**
   * A run that ends without its end (process.exit() in a test): every candidate still
   * waiting, as its last reading left it, without a settle or details; synchronous, for
   * an exit handler. Nothing is lost.
   */
  unjudged(): UnitLeaks[] {
    for (const run of this.inBackground.values()) run.stopped = true;
    this.inBackground.clear();
    this.betweenUnits.releaseAll();
    const groups = [...new Set([...this.settled.splice(0), ...this.candidates.settling]), ...this.candidates.take(undefined, true)];
    this.candidates.settling.clear();
    const found: UnitLeaks[] = [];
    for (const group of groups) {
      if (!group.grown) continue;
      const all = [...group.items.values()];
      addLeak(found, group.unit, this.engine.leakNow(group.unit, group.probe, all));
    }
    return found;
  }

  private async judgeGroups(groups: CandidateGroup[], waitForAll: boolean): Promise<UnitLeaks[]> {
    const decided: CandidateGroup[] = [];
    if (groups.length > 0) {
      for (const [probe, same] of byProbe(groups)) {
        const reading = probe.active ? await probe.sample() : undefined;
        for (const group of reading ? updateAll(same, reading) : same) group.items.clear();
      }
      // Where settle time is left (it counts from the unit's end): a few turns of the event
      // loop first, for what the suite's `after` hooks closed without waiting.
      const settling = groups.filter((group) => group.grown && group.probe.settle && nowMs() - group.endedAt < group.probe.settle.maxWaitMs);
      for (let turn = 0; turn < SETTLE_TURNS && settling.some((group) => group.grown); turn++) {
        await sleep(0);
        // One exact sample per probe for all its groups (a suite whose every test leaks).
        for (const [probe, same] of byProbe(settling.filter((group) => group.grown))) {
          const reading = probe.active ? await probe.sample() : undefined;
          for (const group of reading ? updateAll(same, reading) : same) group.items.clear();
        }
      }
      // Whether anything of a probe's groups may still go by itself: asked once for all of
      // them first (an answer may cost a read of /proc/net).
      const mayEnd = new Map<GuardedProbe, boolean>();
      for (const [probe, same] of byProbe(settling.filter((group) => group.grown))) {
        if (probe.tellsWhatMayEnd) mayEnd.set(probe, probe.mayEndByItself(same.flatMap((group) => [...group.items.values()])));
      }
      const waits: Promise<void>[] = [];
      for (const group of groups) {
        const { probe } = group;
        if (!settling.includes(group) || !group.grown) decided.push(group);
        else if (!probe.tellsWhatMayEnd) {
          // The probe cannot tell what may still go by itself: it settles now, the run waiting.
          waits.push(this.settleGroup(group));
          decided.push(group);
        } else if (group.freeze((items) => mayEnd.get(probe) !== false && probe.mayEndByItself(items))) this.settleInBackground(group);
        else decided.push(group);
      }
      await RealPromise.all(waits);
    }
    if (waitForAll) await this.settleNow();
    const found: UnitLeaks[] = [];
    for (const group of [...this.settled.splice(0), ...decided]) {
      const items = group.grown ? [...group.items.values()] : [];
      const leak = items.length > 0 ? await this.engine.toLeak(group.unit, group.probe, { delta: items.length, items }) : undefined;
      this.candidates.judged(group, leak !== undefined);
      if (leak) addLeak(found, group.unit, leak);
    }
    return found;
  }

  /** Let what is still there of a group go by itself, as a unit's growth settles; its settle time counts from its unit's end. */
  private async settleGroup(group: CandidateGroup, { turnsOnly = false, background = undefined as { stopped: boolean; pause(ms: number): Promise<void> } | undefined } = {}): Promise<void> {
    // Frozen items (see CandidateGroup.freeze) are leaks whatever comes: the wait is for the others.
    const held = (): Growth => {
      const items = group.unfrozen;
      return { delta: items.length === 0 ? 0 : group.items.size, items };
    };
    const growths = new Map([[group.probe, held()]]);
    const measure = (_probe: GuardedProbe, now: Reading) => (group.update(now) ? held() : undefined);
    await settle(growths, measure, { started: group.endedAt, turnsOnly, background });
    if (!background?.stopped && !growths.has(group.probe)) group.items.clear();
  }

  /**
   * {@link settleGroup} while tests run, for what may still go by itself (a socket its peer
   * closes; what cannot is a leak already, see CandidateGroup.freeze): its waits keep no
   * handle the probes count (nor the process alive), and its samples are exact. A later
   * call gives the verdict (see judgeCandidates); a hook about to run first has it
   * finished in the foreground (see settleNow).
   */
  private settleInBackground(group: CandidateGroup): void {
    const run = { stopped: false, pause: (ms: number) => this.betweenUnits.wait(run, ms) };
    this.inBackground.set(group, run);
    this.candidates.settling.add(group);
    this.settleGroup(group, { background: run })
      .catch((error: unknown) => this.engine.warn(internalNotices.settleFailed(errorMessage(error))))
      .finally(() => {
        this.betweenUnits.done(run);
        if (run.stopped) return;
        this.inBackground.delete(group);
        this.settled.push(group);
      });
  }

  /**
   * Finish every background settle now, the run waiting: before a hook runs (its cleanup
   * is later code, which must not decide about earlier suites' candidates) and at the
   * run's end. Their verdicts come with the next judgeCandidates.
   */
  async settleNow(): Promise<void> {
    if (this.inBackground.size === 0) return;
    const groups = [...this.inBackground];
    this.inBackground.clear();
    for (const [, run] of groups) run.stopped = true;
    this.betweenUnits.releaseAll();
    await RealPromise.all(groups.map(([group]) => this.settleGroup(group)));
    for (const [group] of groups) this.settled.push(group);
  }
}

/** Add `leak` to `unit`'s entry: a unit's groups were made together, one per probe, so they come one after the other. */
function addLeak(found: UnitLeaks[], unit: UnitInfo, leak: Leak): void {
  const last = found.at(-1);
  if (last?.unit === unit) last.leaks.push(leak);
  else found.push({ unit, leaks: [leak] });
}
