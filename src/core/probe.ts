/**
 * The probe contract. A probe measures one kind of resource: it samples a value and,
 * where it can, the identity of each thing that is open, so that a leak says *what*
 * leaked and not only how much. The engine (engine.ts) samples probes around a unit of
 * work (a test, a hook) and decides; probes know nothing of Mocha or of each other.
 */

/** What a probe's value counts. `bytes` values are shown in human units (KiB, MiB). */
export type ProbeUnit = 'bytes' | 'count';

/** One thing that is open or retained: a file descriptor, a handle, a temp path, ... */
export interface LeakItem {
  /**
   * Identity, unique among the items of one reading. Two readings that both hold an item
   * with the same id hold the same thing. Defaults to `label` when absent.
   */
  id?: string;
  /** What it is, in a few words: `/tmp/x.log`, `Timeout (setInterval 1000 ms)`, ... */
  label: string;
  /** A kind within the probe: `file`, `socket`, `Timeout`, `TCPServerWrap`, ... */
  type?: string;
  /** A file system path, when the item is one. */
  path?: string;
  /** A size in bytes, when the item has one (a temp file, a directory's total). */
  size?: number;
  /** Where it was created: `file:line:col` strings, the user's frame first. */
  stack?: string[];
  /**
   * The operating system's names for it, which other probes share: the process it is
   * (`pid`), the descriptor it is (`fd`), the descriptors it holds in this process
   * (`fds`: a child process's stdio pipes). Items of one unit that share one are one
   * resource, reported once (see core/shared-resources.ts).
   */
  pid?: number;
  fd?: number;
  fds?: number[];
  /**
   * The id of the item whose callback created this one: an interval a timer started when
   * it fired (a socket's descriptor carries the id of the timer that created its handle). Such an item is the leak of the unit that created its
   * origin, wherever it appears (verdicts come after the run has gone on; see
   * core/candidates.ts). Not carried into reports.
   */
  createdBy?: string;
  /** Anything else a probe wants to carry into the JSON report. */
  [extra: string]: unknown;
}

/** One sample of a probe; `State` is what its `state` holds (see below). */
export interface Reading<State = unknown> {
  /** The measured value: bytes for memory, a count for things that are open. */
  value: number;
  /** What is open at this moment, when the probe can tell (its length is usually `value`). */
  items?: LeakItem[];
  /**
   * Opaque data for the probe's own `newItems()`: for state too large to turn into items
   * on every sample (a listing of a temp dir with 100,000 entries). The engine keeps it
   * with the reading and never looks inside.
   */
  state?: State;
}

/** What a probe instance gets when it is created. */
export interface ProbeContext<Options = Record<string, unknown>> {
  /** The probe's own options from config: `probes.<name>` without `enabled` and `threshold`. */
  readonly options: Options;
  /** The directory relative paths in options resolve against (the config file's directory). */
  readonly rootDir: string;
  /** Print a one-line notice (for example, that the platform cannot support the probe). */
  warn(message: string): void;
  /**
   * This process runs a part of the run (a `mocha --parallel` worker runs one test file):
   * what it never saw (a configured emitter no file of its part defines) says nothing.
   */
  readonly partOfRun?: boolean;
}

/** A running probe: created once per run by {@link ProbeDefinition.create}. `State`: what its readings' `state` holds. */
export interface ProbeInstance<State = unknown> {
  /**
   * Take a sample. Should be cheap: it runs before and after every test. When nothing
   * changed since its previous sample, a probe may return that same Reading object: the
   * engine then takes nothing to be new without calling `newItems()`.
   */
  sample(): Reading<State> | number | Promise<Reading<State> | number>;
  /**
   * What in `after` is new since `before`. Default: the items of `after` whose id is not
   * among the ids of `before`.
   */
  newItems?(before: Reading<State>, after: Reading<State>): LeakItem[];
  /**
   * Whether any of these new items may still go away without more code running: a socket
   * the peer may close, a timer due soon, a request in flight. The engine's settle wait
   * stops as soon as no probe has such an item (an interval or a listening server only
   * goes when code closes it; waiting for it only costs time). When a unit's suite has
   * ended, what it says may not go is a leak at once, and the rest settles in the
   * background while the run goes on; a probe without it settles in the foreground.
   * Default: true.
   */
  mayEndByItself?(items: LeakItem[]): boolean;
  /** Fill in details for the items that leaked (sizes, owners, ...). Runs only for leaks. */
  describe?(items: LeakItem[]): LeakItem[] | Promise<LeakItem[]>;
  /**
   * End items judged leaked where the probe's options ask for it (the children probe's
   * `kill`), and return them saying so. Runs after describe(), only for leaks.
   */
  endLeaked?(items: LeakItem[]): LeakItem[] | Promise<LeakItem[]>;
  /**
   * Start recording what is allocated or created from now on; the returned function
   * stops and lists what of it is still alive (for memory: what grew by type and what
   * retains it). The memory lane uses it only around a run again of a test that alone
   * kept memory at a site, so it may be costly. Undefined: nothing to record this time.
   */
  track?(options?: TrackOptions): Promise<StopTracking | undefined> | StopTracking | undefined;
  /** Release what the probe holds (watchers, sessions). */
  dispose?(): void | Promise<void>;
}

/** What the engine tells a probe when it asks it to track. */
export interface TrackOptions {
  /**
   * Every measurement of the unit so far grew (the first run and the repeats before
   * this one): a leak is likely, so a dearer look (a heap snapshot) is worth it.
   */
  likelyLeak: boolean;
}

/**
 * Ends a {@link ProbeInstance.track}: lists what is still alive of what was recorded, as
 * items, or as items with the findings of a memory probe (see {@link TrackedGrowth}).
 * With `discard` (the work failed), it only releases what it holds; the result is ignored.
 */
export type StopTracking = (options?: { discard?: boolean }) => Promise<LeakItem[] | TrackedGrowth>;

/** What a memory probe's tracking found besides the items (see `Leak` in report-model.ts). */
export interface TrackedGrowth {
  items: LeakItem[];
  /** The kinds of object that were allocated and are still alive, most bytes first. */
  growthByType?: TypeGrowth[];
  /** How the growth is retained: from where the code can name it to one object of it. */
  retainerPath?: string[];
}

/** One kind of object that grew over a unit, like a line of objgraph's `show_growth`. */
export interface TypeGrowth {
  /** The constructor name (`Object`, `Map`, a class), or `string`, `Function`, `number`, ... */
  type: string;
  /** How many were allocated and are still alive. */
  count: number;
  /** Their own sizes (an ArrayBuffer's includes its off-heap store), in bytes. */
  bytes: number;
}

/**
 * How the engine lets transient resources close before it gives a verdict: it samples
 * again after short, growing pauses until the growth is gone or the time is spent. A
 * socket that finishes closing or a timer that fires a few ms after the test is then not
 * reported. Items wait for it without holding the run: they are judged when the unit's
 * suite has ended, and settle then only if still there (see core/candidates.ts); a value
 * probe (no items) settles where the unit ends.
 */
export interface SettleRule {
  /** How many more samples at most. */
  attempts: number;
  /** The longest total wait, in milliseconds. */
  maxWaitMs: number;
}

/**
 * The rule of a probe that asks for `settle: true`: three turns of the event loop, then
 * goleak-like retries with backoff (1, 2, 4, ... ms), ~0.4 s in all.
 */
export const DEFAULT_SETTLE: SettleRule = { attempts: 12, maxWaitMs: 400 };

/** One option of a probe, for validation, docs and the JSON schema. */
export interface OptionSpec {
  /** `size`: bytes, as a number or a string with a unit (`"4MiB"`), like a bytes threshold. */
  type: 'string' | 'number' | 'boolean' | 'string[]' | 'size';
  /** For `string` options: the values allowed. */
  enum?: readonly string[];
  description: string;
  default?: unknown;
}

/** A probe as its author writes it: see {@link defineProbe}. */
export interface ProbeDefinition<Options = Record<string, unknown>, State = unknown> {
  /** Unique name; also the key under `probes` in config and the `probe` field of a leak. */
  name: string;
  /** What the value counts. */
  unit: ProbeUnit;
  /** One line for docs and notices: what the probe measures. */
  description?: string;
  /** Growth above this (in the probe's unit) is a leak. 0 means any growth at all. */
  defaultThreshold: number;
  /** Off unless config turns it on (for probes that are noisy or costly). Default true. */
  enabledByDefault?: boolean;
  /**
   * A memory probe: its readings go to the memory lane (core/memory/), which judges memory
   * by allocation site over the run, not unit by unit. Its readings' `state` must be a
   * MemoryState (`{ heap, external, young, large, gcs }`, as core/memory/heap-numbers reads it).
   */
  measuresAfterGc?: boolean;
  /** Let transient growth go away before the verdict. `true` uses the engine's default rule. */
  settle?: boolean | SettleRule;
  /**
   * The probe's own options (besides `enabled` and `threshold`), so that config is checked
   * against them: an unknown key or a wrong type stops the run with a clear message.
   */
  options?: Readonly<Record<string, OptionSpec>>;
  /** Plain words on how to fix a leak of this kind; shown under each leak. */
  hint?: string | ((item: LeakItem | undefined) => string);
  /** Create the probe for one run. Return `null` to switch it off (say why through `warn`). */
  create(context: ProbeContext<Options>): ProbeInstance<State> | null | Promise<ProbeInstance<State> | null>;
}

/**
 * Declare a probe. Typed identity: it returns its argument, so that a probe module
 * written in TypeScript or checked JavaScript gets completion and checks.
 *
 * ```js
 * const { defineProbe } = require('leakguard');
 * module.exports = defineProbe({
 *   name: 'db-pool',
 *   unit: 'count',
 *   defaultThreshold: 0,
 *   settle: true,
 *   hint: 'Release the connection (client.release()) in afterEach.',
 *   create: () => ({
 *     sample: () => ({ value: pool.totalCount - pool.idleCount }),
 *   }),
 * });
 * ```
 */
export function defineProbe<Options = Record<string, unknown>, State = unknown>(
  definition: ProbeDefinition<Options, State>,
): ProbeDefinition<Options, State> {
  return definition;
}

/** A probe definition together with the settings config gave it. */
export interface ConfiguredProbe {
  definition: ProbeDefinition<any, any>;
  threshold: number;
  options: Record<string, unknown>;
  /**
   * Absolute globs of files whose code made items not to count (`ignoreCreatedBy`, top
   * level and the probe's own; see core/created-by.ts). Absent or empty: none.
   */
  ignoreCreatedBy?: readonly string[];
}

/** The item's identity (see {@link LeakItem.id}). */
export function itemId(item: LeakItem): string {
  return item.id ?? item.label;
}

/**
 * A `sample()` that hands back its previous reading while `same` finds nothing changed
 * between that reading's state and the new one's: the engine then knows that nothing is
 * new without calling `newItems()` (see ProbeInstance.sample).
 */
export function reusingUnchanged<State>(
  read: () => Reading<State> & { state: State },
  same: (last: State, now: State) => boolean,
): () => Reading<State> & { state: State } {
  let last: (Reading<State> & { state: State }) | undefined;
  return () => {
    const now = read();
    if (last && same(last.state, now.state)) return last;
    last = now;
    return now;
  };
}

/**
 * The same elements, in the same order, by identity: for a probe that hands back its last
 * reading while what it sees has not changed (see ProbeInstance.sample).
 */
export function sameElements<T>(a: readonly T[], b: readonly T[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Normalise what `sample()` returned. */
export function toReading(sampled: Reading | number): Reading {
  return typeof sampled === 'number' ? { value: sampled } : sampled;
}
