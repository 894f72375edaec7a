import {
  DEFAULT_SETTLE,
  itemId,
  toReading,
  type ConfiguredProbe,
  type LeakItem,
  type ProbeContext,
  type ProbeDefinition,
  type ProbeInstance,
  type Reading,
  type SettleRule,
  type StopTracking,
  type TrackOptions,
} from './probe';
import { createdByIgnored, creationMatcher, type CreationMatcher } from './created-by';
import { enterOwnCode, leaveOwnCode } from './own-code';
import { isPromise, nowMs, RealPromise, withTimeLimit } from './real-timers';
import { describeValue, safeHint, safeItems, safeString } from './safe-item';
import type { ProbeCall, WatchSlot } from './watchdog';

/**
 * The time at which the last sample of a pass ended. Probes are sampled one after the
 * other, so one clock read ends a sample and starts the next: half the reads of timing
 * each sample on its own (~14 per test otherwise).
 */
export interface SampleClock {
  at: number;
}

export function startClock(): SampleClock {
  return { at: nowMs() };
}

/** The longest fault message kept (one that quotes a probe's 60 MB answer must stay a line). */
const MAX_FAULT_MESSAGE = 500;

/** Reports that a probe failed; the probe is then switched off for the rest of the run. */
export type FaultListener = (probe: string, message: string) => void;

/**
 * Create a configured probe behind a guard: a create() that throws, hangs past its time
 * limit or returns no probe instance is reported through `onFault` and leaves the probe
 * out; one that returns null (the platform cannot support it) is left out silently.
 */
export async function createGuardedProbe(
  configured: ConfiguredProbe,
  context: Omit<ProbeContext, 'options'>,
  sampleTimeoutMs: number,
  onFault: FaultListener,
  onNotice: FaultListener,
  watch: WatchSlot | undefined,
): Promise<GuardedProbe | undefined> {
  const { definition } = configured;
  const limitMs = createTimeLimit(sampleTimeoutMs);
  try {
    // The probe's own timers and handles are leakguard's (see own-code.ts).
    enterOwnCode();
    watch?.enter('create');
    let creating: ReturnType<typeof definition.create>;
    try {
      creating = definition.create({ options: configured.options, rootDir: context.rootDir, warn: context.warn, ...(context.partOfRun ? { partOfRun: true } : {}) });
    } finally {
      leaveOwnCode();
      watch?.leave();
    }
    const created = RealPromise.resolve(creating);
    const outcome = await withTimeLimit(created, limitMs);
    if (outcome.timedOut) {
      onFault(definition.name, `create() did not finish within ${limitMs} ms`);
      // Should it finish after all, what it made is released, not left running.
      created.then((late) => late?.dispose?.(), () => undefined).catch(() => undefined);
      return undefined;
    }
    const instance = outcome.value;
    if (instance === null || instance === undefined) return undefined;
    if (typeof instance !== 'object' || typeof instance.sample !== 'function') {
      onFault(definition.name, 'create() returned no probe instance (an object with a sample() function, or null)');
      return undefined;
    }
    return new GuardedProbe(configured, instance, sampleTimeoutMs, onFault, onNotice, watch);
  } catch (error) {
    onFault(definition.name, `create() threw: ${errorMessage(error)}`);
    return undefined;
  }
}

/**
 * How long a probe's create() may take: longer than a sample (a probe may open a session
 * or read a directory), but bounded, so that one that never settles cannot hold the run.
 */
function createTimeLimit(sampleTimeoutMs: number): number {
  return Math.max(sampleTimeoutMs, 5_000);
}

/**
 * A probe instance behind a guard: a sample that throws, rejects or runs past the time
 * limit switches the probe off (reported once through `onFault`) instead of breaking the
 * run. Sync samples cannot be interrupted; one that takes longer than the limit is still
 * switched off after it returns.
 */
export class GuardedProbe {
  readonly name: string;
  readonly definition: ProbeDefinition<any>;
  readonly threshold: number;
  readonly settle: SettleRule | null;
  /** True for a memory probe, whose readings go to the memory lane (a field, not a getter: it is read twice per probe per test). */
  readonly measuresAfterGc: boolean;
  /** Items an ignored frame made are not new (see core/created-by.ts); undefined: nothing ignored. */
  readonly ignoreCreatedBy: CreationMatcher | undefined;
  private switchedOff = false;
  /** The last result of sample() and the reading made of it (see checked). */
  private lastSampled: unknown;
  private lastReading: Reading | undefined;

  constructor(
    configured: ConfiguredProbe,
    private readonly instance: ProbeInstance,
    private readonly timeLimitMs: number,
    private readonly onFault: FaultListener,
    private readonly onNotice: FaultListener,
    /** Where calls into the probe are noted, for a watchdog to name one that never returns (see watchdog.ts). */
    private readonly watch?: WatchSlot,
  ) {
    this.definition = configured.definition;
    this.name = configured.definition.name;
    this.threshold = configured.threshold;
    const rule = configured.definition.settle;
    this.settle = rule === true ? DEFAULT_SETTLE : isSettleRule(rule) ? rule : null;
    this.measuresAfterGc = configured.definition.measuresAfterGc === true;
    this.ignoreCreatedBy = creationMatcher(configured.ignoreCreatedBy);
  }

  get active(): boolean {
    return !this.switchedOff;
  }

  /**
   * A reading, or undefined when the probe failed (it is then switched off). Synchronous
   * when the probe is: most samples are, and each await would cost a turn of the
   * microtask queue, twice per probe per test. `clock`: where the previous sample of the
   * same pass ended, which is where this one starts (see startClock).
   */
  sample(clock: SampleClock = startClock()): Reading | undefined | Promise<Reading | undefined> {
    if (this.switchedOff) return undefined;
    const started = clock.at;
    let result: ReturnType<ProbeInstance['sample']>;
    const watch = this.watch;
    try {
      enterOwnCode();
      watch?.enter('sample');
      result = this.instance.sample();
    } catch (error) {
      return this.sampleFailed(error);
    } finally {
      leaveOwnCode();
      watch?.leave();
    }
    if (!isPromise(result)) return this.checked(result, started, clock);
    return withTimeLimit(RealPromise.resolve(result), this.timeLimitMs).then(
      (outcome) => {
        if (!outcome.timedOut) return this.checked(outcome.value, started);
        this.fail(`sample() did not finish within ${this.timeLimitMs} ms`);
        return undefined;
      },
      (error: unknown) => this.sampleFailed(error),
    );
  }

  private checked(result: Reading | number, started: number, clock?: SampleClock): Reading | undefined {
    const now = nowMs();
    if (clock) clock.at = now;
    const took = now - started;
    if (took > this.timeLimitMs) {
      this.fail(`sample() took ${Math.round(took)} ms, over the limit of ${this.timeLimitMs} ms`);
      return undefined;
    }
    // The same reading as last time: the same copy, so that the engine sees nothing changed.
    if (result === this.lastSampled && this.lastReading) return this.lastReading;
    let reading: Reading;
    try {
      const sampled = toReading(result);
      if (typeof sampled !== 'object' || sampled === null) {
        this.fail(`sample() returned ${describe(sampled)}, not a number or { value: number }`);
        return undefined;
      }
      // Each field read once, into a plain object: a getter that throws, or a Proxy, is
      // met here, inside the guard, and never again where the engine compares readings.
      const value = sampled.value;
      if (typeof value !== 'number' || Number.isNaN(value)) {
        this.fail(`sample() returned ${describe(sampled)}, not a number or { value: number }`);
        return undefined;
      }
      reading = { value, items: sampled.items, state: sampled.state };
    } catch (error) {
      return this.sampleFailed(error);
    }
    this.lastSampled = result;
    this.lastReading = reading;
    return reading;
  }

  private sampleFailed(error: unknown): undefined {
    if (isExhaustion(error)) {
      // Out of descriptors or memory for a moment (a test exhausting them): this sample
      // is lost, the probe is not at fault and stays on.
      this.onNotice(this.name, `could not sample while the process was out of resources (${errorMessage(error)}); the units measured meanwhile are skipped by this probe`);
      return undefined;
    }
    this.fail(`sample() threw: ${errorMessage(error)}`);
    return undefined;
  }

  /**
   * What is new in `after` since `before` (by item id unless the probe says otherwise): a
   * plain array of items whose identity can be read (the engine reads it outside the guard).
   */
  newItems(before: Reading, after: Reading): LeakItem[] | undefined {
    if (this.switchedOff) return undefined;
    let items: LeakItem[] | undefined;
    try {
      if (this.instance.newItems) {
        const found = this.watched('newItems', () => this.instance.newItems!(before, after));
        if (found === undefined) return undefined;
        if (!Array.isArray(found)) {
          this.fail(`newItems() returned ${describe(found)}, not an array of items`);
          return undefined;
        }
        items = Array.prototype.slice.call(found) as LeakItem[];
      } else {
        if (!after.items) return undefined;
        if (!Array.isArray(after.items)) {
          this.fail(`sample() returned items that are not an array: ${describe(after.items)}`);
          return undefined;
        }
        const seen = new Set((before.items ?? []).map(itemId));
        items = after.items.filter((item) => !seen.has(itemId(item)));
      }
    } catch (error) {
      this.fail(`newItems() threw: ${errorMessage(error)}`);
      return undefined;
    }
    // New items are few (most units create nothing): checked one by one.
    for (const item of items) {
      const problem = itemProblem(item);
      if (problem !== undefined) {
        this.fail(problem);
        return undefined;
      }
    }
    const ignored = this.ignoreCreatedBy;
    return ignored ? items.filter((item) => !createdByIgnored(item, ignored)) : items;
  }

  /** Whether the probe says which items may still go by themselves (see ProbeInstance.mayEndByItself). */
  get tellsWhatMayEnd(): boolean {
    return typeof this.instance.mayEndByItself === 'function' && !this.switchedOff;
  }

  /** See ProbeInstance.mayEndByItself: when unsure (no items, no answer, a throw), true. */
  mayEndByItself(items: LeakItem[] | undefined): boolean {
    if (!items || !this.instance.mayEndByItself || this.switchedOff) return true;
    try {
      return this.watched('mayEndByItself', () => this.instance.mayEndByItself!(items)) !== false;
    } catch {
      return true;
    }
  }

  /**
   * Details for leaked items, as plain data safe to print and write (see safe-item.ts). A
   * describe() that throws, hangs or returns something else than an array of items
   * switches the probe off; the items are then reported as the probe listed them.
   */
  describe(items: LeakItem[]): Promise<LeakItem[]> {
    return this.leakedItems('describe', items);
  }

  /** ProbeInstance.endLeaked, guarded as {@link describe}: the items as they were when it fails. */
  endLeaked(items: LeakItem[]): Promise<LeakItem[]> {
    return this.leakedItems('endLeaked', items);
  }

  private async leakedItems(step: 'describe' | 'endLeaked', items: LeakItem[]): Promise<LeakItem[]> {
    const work = this.instance[step];
    let result: unknown = items;
    if (work && items.length > 0 && !this.switchedOff) {
      try {
        const outcome = await withTimeLimit(RealPromise.resolve(this.watched(step, () => work.call(this.instance, items))), this.timeLimitMs);
        if (outcome.timedOut) this.fail(`${step}() did not finish within ${this.timeLimitMs} ms`);
        else result = outcome.value;
      } catch (error) {
        this.fail(`${step}() threw: ${errorMessage(error)}`);
      }
    }
    const safe = safeItems(result);
    if (safe && !safe.problem) return safe.items;
    this.fail(safe?.problem ? `${step}() returned ${safe.problem}` : `${step}() returned ${describe(result)}, not an array of items`);
    // The items as they came in: checked already, so plain data once copied.
    return safeItems(items)?.items ?? [];
  }

  /** Start tracking (see ProbeInstance.track); undefined when the probe cannot or fails. */
  async track(options: TrackOptions): Promise<StopTracking | undefined> {
    if (!this.instance.track || this.switchedOff) return undefined;
    try {
      return await this.watched('track', () => this.instance.track!(options));
    } catch {
      return undefined;
    }
  }

  /** The hint shown under a leak: a string, capped; a hint function that throws or returns something else switches the probe off. */
  hint(item: LeakItem | undefined): string | undefined {
    const { hint } = this.definition;
    if (typeof hint === 'string') return safeHint(hint);
    if (typeof hint !== 'function') return undefined;
    let given: unknown;
    try {
      given = this.watched('hint', () => hint(item));
    } catch (error) {
      this.fail(`hint() threw: ${errorMessage(error)}`);
      return undefined;
    }
    if (given === undefined || given === '') return undefined;
    if (typeof given !== 'string') this.fail(`hint() returned ${describe(given)}, not a string`);
    return safeHint(given);
  }

  /** Release the probe; bounded by the time limit (a dispose() that never settles must not hold the run's end). */
  async dispose(): Promise<void> {
    try {
      const disposed = this.watched('dispose', () => this.instance.dispose?.());
      if (!isPromise(disposed)) return;
      const outcome = await withTimeLimit(RealPromise.resolve(disposed), this.timeLimitMs);
      if (outcome.timedOut) this.onNotice(this.name, `dispose() did not finish within ${this.timeLimitMs} ms; the run ends without waiting for it`);
    } catch (error) {
      this.onNotice(this.name, `dispose() threw: ${errorMessage(error)}`);
    }
  }

  /** Run the synchronous part of a call into the probe: as leakguard's own code, noted for the watchdog. */
  private watched<T>(call: ProbeCall, run: () => T): T {
    const watch = this.watch;
    // What the probe creates meanwhile is leakguard's (see own-code.ts).
    enterOwnCode();
    watch?.enter(call);
    try {
      return run();
    } finally {
      leaveOwnCode();
      watch?.leave();
    }
  }

  private fail(message: string): void {
    if (this.switchedOff) return;
    this.switchedOff = true;
    // Capped and redacted: the message may quote what the probe returned.
    this.onFault(this.name, safeString(message, MAX_FAULT_MESSAGE));
  }
}

/** EMFILE/ENFILE/ENOMEM: the process is out of something for now, nothing is broken. */
function isExhaustion(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'EMFILE' || code === 'ENFILE' || code === 'ENOMEM';
}

/** A message for anything thrown, never throwing itself (a thrown `Object.create(null)` has no string form). */
export function errorMessage(error: unknown): string {
  try {
    if (error instanceof Error) return error.message;
    return String(error);
  } catch {
    return Object.prototype.toString.call(error);
  }
}

function describe(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return errorMessage(value);
  }
}

/** Why the engine cannot use `item` (its identity must be readable, its label a string), or undefined. */
function itemProblem(item: unknown): string | undefined {
  try {
    if (typeof item !== 'object' || item === null) return `newItems() returned an item that is not an object (${describeValue(item)})`;
    const { id, label } = item as { id?: unknown; label?: unknown };
    if (typeof label !== 'string') return `newItems() returned an item whose label is ${describeValue(label)}, not a string`;
    if (id !== undefined && typeof id !== 'string') return `newItems() returned an item whose id is ${describeValue(id)}, not a string`;
    return undefined;
  } catch (error) {
    return `newItems() returned an unreadable item: ${errorMessage(error)}`;
  }
}

/**
 * A usable settle rule: whole attempts and a wait within a minute. (Plugins are checked
 * when they load, see config/plugins.ts; a rule that is not one never makes the engine wait.)
 */
export function isSettleRule(rule: unknown): rule is SettleRule {
  if (typeof rule !== 'object' || rule === null) return false;
  const { attempts, maxWaitMs } = rule as Partial<SettleRule>;
  return (
    Number.isInteger(attempts) && attempts! >= 0 && attempts! <= MAX_SETTLE_ATTEMPTS &&
    typeof maxWaitMs === 'number' && maxWaitMs >= 0 && maxWaitMs <= MAX_SETTLE_WAIT_MS
  );
}

/** Bounds of a settle rule: more would hold every leaking test for longer than any socket takes to close. */
export const MAX_SETTLE_ATTEMPTS = 1000;
export const MAX_SETTLE_WAIT_MS = 60_000;
