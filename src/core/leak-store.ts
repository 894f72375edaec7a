import { MAX_LEAKS, type Leak, type LeakReport, type MemorySite, type ProbeFault } from './report-model';
import { wallClock } from './real-timers';

/**
 * Keeps findings, not samples: memory grows with the number of leaks (capped), never
 * with the number of tests, so a 20,000-test run costs what a 20-test run costs.
 */
export class LeakStore {
  private readonly byUnit = new Map<string, Leak[]>();
  private readonly retainedOnceByUnit = new Map<string, Leak[]>();
  private readonly knownByUnit = new Map<string, Leak[]>();
  private readonly allowedByUnit = new Map<string, Leak[]>();
  private leakCount = 0;
  private dropped = 0;
  private testCount = 0;
  private hookCount = 0;
  private readonly startedAt = wallClock();
  /** The memory lane's sites (see MemorySite), set once at the end of the run. */
  memorySites: MemorySite[] = [];

  /**
   * Record the findings of one attempt at a unit: its new leaks, growth retained once, and
   * leaks the baseline knows of. A later attempt of the same unit (a retry) replaces the
   * earlier one, so a leak is never counted twice.
   */
  record(unitKey: string, leaks: Leak[], { retainedOnce = [], known = [], allowed = [] }: SideFindings = {}): void {
    replace(this.retainedOnceByUnit, unitKey, retainedOnce);
    replace(this.knownByUnit, unitKey, known);
    replace(this.allowedByUnit, unitKey, allowed);
    const previous = this.byUnit.get(unitKey);
    if (previous) {
      this.leakCount -= previous.length;
      this.byUnit.delete(unitKey);
    }
    if (leaks.length === 0) return;
    const room = MAX_LEAKS - this.leakCount;
    if (room <= 0) {
      this.dropped += leaks.length;
      return;
    }
    const kept = leaks.slice(0, room);
    this.dropped += leaks.length - kept.length;
    this.byUnit.set(unitKey, kept);
    this.leakCount += kept.length;
  }

  /**
   * Add findings to a unit's, judged after its last attempt (memory, at the end of the
   * run): nothing it had is replaced.
   */
  add(
    unitKey: string,
    leaks: Leak[],
    { retainedOnce = [], known = [], allowed = [] }: SideFindings = {},
    /** How the unit's leaks found so far and these make one list (one item per shared resource, say). */
    combine: (leaks: Leak[]) => Leak[] = (all) => all,
  ): void {
    append(this.retainedOnceByUnit, unitKey, retainedOnce);
    append(this.knownByUnit, unitKey, known);
    append(this.allowedByUnit, unitKey, allowed);
    const room = Math.max(0, MAX_LEAKS - this.leakCount);
    const kept = leaks.slice(0, room);
    this.dropped += leaks.length - kept.length;
    if (kept.length === 0) return;
    const had = this.byUnit.get(unitKey) ?? [];
    const all = had.length === 0 ? kept : combine([...had, ...kept]);
    this.byUnit.set(unitKey, all);
    this.leakCount += all.length - had.length;
  }

  countTest(): void {
    this.testCount++;
  }

  countHook(): void {
    this.hookCount++;
  }

  get leaks(): Leak[] {
    return [...this.byUnit.values()].flat();
  }

  /** Leaks that did not fit under the cap. */
  get droppedLeaks(): number {
    return this.dropped;
  }

  toReport(meta: Pick<LeakReport, 'mode' | 'probes' | 'tool'> & { faults: ProbeFault[] }): LeakReport {
    const report: LeakReport = {
      version: 1,
      tool: meta.tool,
      mode: meta.mode,
      tests: this.testCount,
      hooks: this.hookCount,
      leaks: this.leaks,
      retainedOnce: [...this.retainedOnceByUnit.values()].flat(),
      known: [...this.knownByUnit.values()].flat(),
      probes: meta.probes,
      faults: meta.faults,
      startedAt: this.startedAt.toISOString(),
      endedAt: wallClock().toISOString(),
    };
    if (this.allowedByUnit.size > 0) report.allowed = [...this.allowedByUnit.values()].flat();
    if (this.memorySites.length > 0) report.memorySites = this.memorySites;
    if (this.dropped > 0) report.droppedLeaks = this.dropped;
    return report;
  }
}

/** What a unit found besides its leaks: growth retained once, leaks the baseline knows, findings allowed (see mocha/allowances.ts). */
interface SideFindings {
  retainedOnce?: Leak[];
  known?: Leak[];
  allowed?: Leak[];
}

/** Side lists (retained once, known, allowed) are capped by unit, like the leaks. */
function replace(byUnit: Map<string, Leak[]>, unitKey: string, leaks: Leak[]): void {
  byUnit.delete(unitKey);
  if (leaks.length > 0 && byUnit.size < MAX_LEAKS) byUnit.set(unitKey, leaks);
}

function append(byUnit: Map<string, Leak[]>, unitKey: string, leaks: Leak[]): void {
  if (leaks.length === 0) return;
  const had = byUnit.get(unitKey);
  if (had) had.push(...leaks);
  else if (byUnit.size < MAX_LEAKS) byUnit.set(unitKey, [...leaks]);
}
