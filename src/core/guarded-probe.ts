import {
  itemId,
  toReading,
  type ConfiguredProbe,
  type LeakItem,
  type ProbeDefinition,
  type ProbeInstance,
  type Reading,
  type SampleContext,
  type SettleRule,
  type StopTracking,
  type TrackOptions,
} from './probe';
import { isPromise, nowMs, RealPromise, withTimeLimit } from './real-timers';

/**
 * Used when a probe asks for `settle: true`: three turns of the event loop, then
 * goleak-like retries with backoff (1, 2, 4, ... ms), ~0.4 s in all.
 */
export const DEFAULT_SETTLE: SettleRule = { attempts: 12, maxWaitMs: 400 };

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

/** The contexts a sample gets, shared (frozen: a probe cannot change them for the others). A sample at a unit's begin or end (see SampleContext.routine): */
export const SAMPLE_ROUTINE: SampleContext = Object.freeze({ routine: true });
/** A sample whose answer decides about a unit: from the source itself. */
export const SAMPLE_EXACT: SampleContext = Object.freeze({});

/** Reports that a probe failed; the probe is then switched off for the rest of the run. */
export type FaultListener = (probe: string, message: string) => void;

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
  private switchedOff = false;

  constructor(
    configured: ConfiguredProbe,
    private readonly instance: ProbeInstance,
    private readonly timeLimitMs: number,
    private readonly onFault: FaultListener,
    private readonly onNotice: FaultListener,
  ) {
    this.definition = configured.definition;
    this.name = configured.definition.name;
    this.threshold = configured.threshold;
    const rule = configured.definition.settle;
    this.settle = rule === true ? DEFAULT_SETTLE : rule ? rule : null;
    this.measuresAfterGc = configured.definition.measuresAfterGc === true;
  }

  get active(): boolean {
    return !this.switchedOff;
  }

  /**
   * A reading, or undefined when the probe failed (it is then switched off). Synchronous
   * when the probe is: most samples are, and each await would cost a turn of the
   * microtask queue, twice per probe per test. `context`: one of the SAMPLE_* contexts.
   * `clock`: where the previous sample of the same pass ended, which is where this one
   * starts (see startClock).
   */
  sample(context: SampleContext = SAMPLE_EXACT, clock: SampleClock = startClock()): Reading | undefined | Promise<Reading | undefined> {
    if (this.switchedOff) return undefined;
    const started = clock.at;
    let result: ReturnType<ProbeInstance['sample']>;
    try {
      result = this.instance.sample(context);
    } catch (error) {
      return this.sampleFailed(error);
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
    let reading: Reading;
    try {
      reading = toReading(result);
    } catch (error) {
      return this.sampleFailed(error);
    }
    if (typeof reading?.value !== 'number' || Number.isNaN(reading.value)) {
      this.fail(`sample() returned ${describe(reading)}, not a number or { value: number }`);
      return undefined;
    }
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

  /** What is new in `after` since `before` (by item id unless the probe says otherwise). */
  newItems(before: Reading, after: Reading): LeakItem[] | undefined {
    if (this.switchedOff) return undefined;
    try {
      if (this.instance.newItems) return this.instance.newItems(before, after);
      if (!after.items) return undefined;
      const seen = new Set((before.items ?? []).map(itemId));
      return after.items.filter((item) => !seen.has(itemId(item)));
    } catch (error) {
      this.fail(`newItems() threw: ${errorMessage(error)}`);
      return undefined;
    }
  }

  /** See ProbeInstance.mayEndByItself: when unsure (no items, no answer, a throw), true. */
  mayEndByItself(items: LeakItem[] | undefined): boolean {
    if (!items || !this.instance.mayEndByItself || this.switchedOff) return true;
    try {
      return this.instance.mayEndByItself(items) !== false;
    } catch {
      return true;
    }
  }

  /** Details for leaked items; on failure the items are returned as they are. */
  async describe(items: LeakItem[]): Promise<LeakItem[]> {
    if (!this.instance.describe || items.length === 0 || this.switchedOff) return items;
    try {
      const outcome = await withTimeLimit(RealPromise.resolve(this.instance.describe(items)), this.timeLimitMs);
      return outcome.timedOut ? items : outcome.value;
    } catch {
      return items;
    }
  }

  /** Start tracking (see ProbeInstance.track); undefined when the probe cannot or fails. */
  async track(options: TrackOptions): Promise<StopTracking | undefined> {
    if (!this.instance.track || this.switchedOff) return undefined;
    try {
      return await this.instance.track(options);
    } catch {
      return undefined;
    }
  }

  hint(item: LeakItem | undefined): string | undefined {
    const { hint } = this.definition;
    if (typeof hint === 'string') return hint;
    if (typeof hint !== 'function') return undefined;
    try {
      return hint(item);
    } catch {
      return undefined;
    }
  }

  async dispose(): Promise<void> {
    try {
      await this.instance.dispose?.();
    } catch {
      // Nothing more to do: the run is over for this probe.
    }
  }

  private fail(message: string): void {
    if (this.switchedOff) return;
    this.switchedOff = true;
    this.onFault(this.name, message);
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
