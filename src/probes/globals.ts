import { defineProbe, type LeakItem, type ProbeContext, type ProbeInstance, type Reading } from '../core/probe';
import { unwrapGlobal } from './creation-sites';
import { anyOf, globMatcher, type Matcher } from './patterns';

export interface GlobalsOptions {
  ignore?: string[];
}

/**
 * Globals that the runtime and common tools create lazily, on first use, whichever test
 * that happens in:
 * - `Symbol(undici.globalDispatcher.*)`: the dispatcher Node's fetch() keeps on
 *   globalThis, created by the first fetch() of the process (`.1` on Node 20, `.1` and
 *   `.2` on Node 24).
 * - `__coverage__`: nyc/istanbul's counters, created when the first instrumented module
 *   loads, which can be one that a test requires lazily.
 * Everything else that Mocha, Node and leakguard define is there before the first test
 * (a trivial suite run through Mocha, serially and with --parallel, for CommonJS, ESM and
 * tsx test files, changes nothing else), so it is part of every test's baseline. Node's
 * lazily loaded globals (`Blob`, `AbortController`, ...) are accessors that turn into
 * data properties on first use: only data properties are compared, so that is no change.
 */
const ALWAYS_IGNORED: readonly string[] = ['Symbol(undici.globalDispatcher.*)', '__coverage__'];

/**
 * Own properties of globalThis that a test added and did not remove (an assignment to an
 * undeclared variable in sloppy mode, `globalThis.x = ...`, `Object.defineProperty(globalThis,
 * ...)`), and data properties it replaced or deleted and did not put back (a stubbed
 * `fetch`, a faked `Date`): what a test leaves there, every later test runs with.
 *
 * Listing the ~170 own keys of globalThis costs ~10 us and reading the data properties one
 * by one ~6 us, so a sample does neither when it can (~2-3 us in all):
 * - the enumerable names (a for-in loop, ~1 us) and a count of the definitions made on
 *   globalThis through Object.defineProperty, Object.defineProperties and
 *   Reflect.defineProperty (wrapped while the probe runs) tell whether the key list can
 *   have changed; only then is it listed again;
 * - the data properties of the current list are compared with the previous sample's
 *   values, and read again only when one changed, by functions compiled for that list,
 *   with a constant key per global (~0.3 us). A sample that finds nothing changed
 *   allocates nothing.
 * What is added otherwise (a symbol-keyed global set by plain assignment, what Node adds
 * internally) shows up only at a later listing, when it cannot be told which test added
 * it: such keys are not reported.
 */
export const globalsProbe = defineProbe<GlobalsOptions>({
  name: 'globals',
  unit: 'count',
  description: 'globals (own properties of globalThis) added and not removed, or replaced and not restored',
  defaultThreshold: 0,
  options: {
    ignore: {
      type: 'string[]',
      default: [],
      description:
        'global names not to report; * matches any characters ("__coverage__", "$*"); a symbol is named as it prints, "Symbol(name)"; added to the built-in list',
    },
  },
  hint: (item) => HINTS[(item?.type as keyof typeof HINTS | undefined) ?? 'added'] ?? HINTS.added,
  create: createGlobalsProbe,
});

const HINTS = {
  added:
    'A global variable was created in this test and never removed, often by assigning to an undeclared variable (declare it with let or const, or add "use strict" to find them), or by globalThis.name = ... in the test or in code it runs. If it must be global, delete it in afterEach (delete globalThis.name).',
  replaced:
    'A global was replaced in this test (a stub or mock of fetch, Date, setTimeout, ...) and never put back, so later tests run against the replacement. Keep the original and restore it in afterEach (or call sinon.restore() / clock.uninstall()).',
  removed:
    'A global was deleted in this test and never put back, so later tests run without it. Keep the original and restore it in afterEach.',
} as const;

/** The own keys of globalThis at one listing, and how to read its data properties. */
interface Listing {
  keys: PropertyKey[];
  keySet: ReadonlySet<PropertyKey>;
  /** The keys of data properties (accessors are never read: reading one can load a module). */
  dataKeys: PropertyKey[];
  read: () => unknown[];
  /** Whether the data properties still have these values. */
  unchanged: (values: unknown[]) => boolean;
  /** Have V8 optimize `unchanged` now (see compileReaders). */
  warmUp: (values: unknown[]) => void;
}

/** A sample. */
interface GlobalsState {
  listing: Listing;
  /** The values of `listing.dataKeys`, in order. */
  values: unknown[];
  /** Enumerable names (for-in) at the sample: exact, unlike a listing reused from before. */
  enumerable: string[];
  /** The definition count (see {@link definitions}) at the sample. */
  defined: number;
}

function createGlobalsProbe({ options }: ProbeContext<GlobalsOptions>): ProbeInstance {
  trackGlobalDefinitions();
  const ignored = anyOf([...ALWAYS_IGNORED, ...(options.ignore ?? [])].map(globMatcher));
  const sampler = new GlobalsSampler();
  const start = sampler.sample().state as GlobalsState;
  start.listing.warmUp(start.values);
  const original = new Map(start.listing.dataKeys.map((key, i) => [key, start.values[i]]));
  return {
    sample: () => sampler.sample(),
    newItems: (before, after) => changedGlobals(before.state as GlobalsState, after.state as GlobalsState, original, ignored),
  };
}

class GlobalsSampler {
  private listing: Listing | undefined;
  private enumerable: string[] = [];
  private listedAt = -1;
  /** The values of the previous sample, reused while nothing changed: a sample then allocates nothing. */
  private values: unknown[] = [];
  private last: Reading | undefined;

  sample(): Reading {
    if (!this.listing || this.listedAt !== definitions.count || !this.sameEnumerableNames()) {
      this.listing = listGlobals();
      this.listedAt = definitions.count;
      this.enumerable = enumerableNames();
      this.values = this.read();
    } else if (!this.unchanged()) {
      this.values = this.read();
    } else if (this.last) {
      // Same listing, same values: the last reading holds (most tests change no global).
      return this.last;
    }
    const state: GlobalsState = { listing: this.listing, values: this.values, enumerable: this.enumerable, defined: this.listedAt };
    this.last = { value: this.listing.keys.length, state };
    return this.last;
  }

  /** Whether the enumerable names are those of the last listing, without making an array of them. */
  private sameEnumerableNames(): boolean {
    const last = this.enumerable;
    let i = 0;
    for (const name in globalThis) {
      if (last[i] !== name) return false;
      i++;
    }
    return i === last.length;
  }

  private unchanged(): boolean {
    try {
      return this.listing!.unchanged(this.values);
    } catch {
      return false;
    }
  }

  private read(): unknown[] {
    try {
      return this.listing!.read();
    } catch {
      // A data property turned into a throwing getter by something the count missed.
      this.listing = listGlobals();
      return this.listing.read();
    }
  }
}

function enumerableNames(): string[] {
  const names: string[] = [];
  for (const name in globalThis) names.push(name);
  return names;
}

function listGlobals(): Listing {
  const keys = Reflect.ownKeys(globalThis);
  const dataKeys = keys.filter((key) => {
    const descriptor = Object.getOwnPropertyDescriptor(globalThis, key);
    return descriptor !== undefined && 'value' in descriptor;
  });
  return { keys, keySet: new Set(keys), dataKeys, ...compileReaders(dataKeys) };
}

/**
 * Calls of the compare that get it optimized: V8 (Node 20) marks a function of ~80 loads
 * for optimization after ~1,100 calls and compiles it in the background. Interpreted, it
 * costs ~3.6 us between two Mocha tests, the dearest part of a sample; optimized, ~0.3 us.
 * Called once per test, it would run interpreted for the first ~1,100 tests (and a 2,000-test
 * run's tests took ~9 ms longer); 1,200 calls when the probe starts take ~2 ms.
 */
const WARM_UP_CALLS = 1200;

/**
 * Functions that read the values of `keys` and that compare them with earlier values,
 * one constant-key load per global (~0.3 us for 80 globals, where a loop of keyed loads
 * takes ~6 us). Where code generation from strings is disallowed
 * (--disallow-code-generation-from-strings), loops.
 */
function compileReaders(keys: PropertyKey[]): Pick<Listing, 'read' | 'unchanged' | 'warmUp'> {
  const global = globalThis as unknown as Record<PropertyKey, unknown>;
  const symbols = keys.filter((key): key is symbol => typeof key === 'symbol');
  const loads = keys.map((key) => (typeof key === 'symbol' ? `g[s[${symbols.indexOf(key)}]]` : `g[${JSON.stringify(key)}]`));
  // Object.is, spelled out: a global may hold NaN (globalThis.NaN does).
  const same = (load: string, i: number) => `((x = ${load}) === v[${i}] || (x !== x && v[${i}] !== v[${i}]))`;
  try {
    const read = new Function('g', 's', `"use strict"; return [${loads.join(', ')}];`) as (g: object, s: symbol[]) => unknown[];
    const unchanged = new Function('g', 's', 'v', `"use strict"; let x; return ${loads.map(same).join(' && ') || 'true'};`) as (
      g: object,
      s: symbol[],
      v: unknown[],
    ) => boolean;
    return {
      read: () => read(global, symbols),
      unchanged: (values) => unchanged(global, symbols, values),
      warmUp: (values) => {
        for (let call = 0; call < WARM_UP_CALLS; call++) unchanged(global, symbols, values);
      },
    };
  } catch {
    return {
      read: () => keys.map((key) => global[key]),
      unchanged: (values) => keys.every((key, i) => Object.is(global[key], values[i])),
      warmUp: () => {},
    };
  }
}

/**
 * What `after` added, replaced or removed since `before`. Only globals that were there
 * when the run started count as removed, and putting back the value a global had then is
 * no change: a later hook or test undoing an earlier one's leak is not a leak.
 */
function changedGlobals(
  before: GlobalsState,
  after: GlobalsState,
  original: ReadonlyMap<PropertyKey, unknown>,
  ignored: Matcher,
): LeakItem[] {
  const items: LeakItem[] = [];
  const compare = (key: PropertyKey, was: unknown, now: unknown): void => {
    if (Object.is(was, now)) return;
    // leakguard's own wrappers (setTimeout, setInterval) stand for the functions they wrap.
    const then = unwrapGlobal(was);
    const value = unwrapGlobal(now);
    if (Object.is(then, value) || (original.has(key) && Object.is(unwrapGlobal(original.get(key)), value))) return;
    // A listing reused from before still lists a global deleted since.
    if (!Object.hasOwn(globalThis, key)) removed(key);
    else addItem(items, key, 'replaced', ignored);
  };
  const removed = (key: PropertyKey): void => {
    if (original.has(key)) addItem(items, key, 'removed', ignored);
  };
  if (before.listing === after.listing) {
    const { dataKeys } = after.listing;
    for (let i = 0; i < dataKeys.length; i++) compare(dataKeys[i]!, before.values[i], after.values[i]);
    return items;
  }
  // Added: new in the listing, and seen being added during the unit (see globalsProbe).
  const enumerableBefore = new Set(before.enumerable);
  const enumerableAfter = new Set(after.enumerable);
  for (const key of after.listing.keys) {
    if (before.listing.keySet.has(key)) continue;
    const seen =
      (typeof key === 'string' && enumerableAfter.has(key) && !enumerableBefore.has(key)) ||
      (definitions.at.get(key) ?? -1) > before.defined;
    if (seen) addItem(items, key, 'added', ignored);
  }
  const now = new Map<PropertyKey, unknown>();
  after.listing.dataKeys.forEach((key, i) => now.set(key, after.values[i]));
  before.listing.dataKeys.forEach((key, i) => {
    if (now.has(key)) compare(key, before.values[i], now.get(key));
    else if (!after.listing.keySet.has(key) && !Object.hasOwn(globalThis, key)) removed(key);
  });
  return items;
}

function addItem(items: LeakItem[], key: PropertyKey, change: 'added' | 'replaced' | 'removed', ignored: Matcher): void {
  const name = typeof key === 'symbol' ? key.toString() : String(key);
  if (ignored(name)) return;
  const shown = typeof key === 'symbol' ? name : JSON.stringify(name);
  items.push({ id: `global:${change}:${name}`, type: change, label: `global ${shown} ${change}`, name });
}

/** Definitions made on globalThis through the define functions: how many, and when each key last was. */
const definitions = { count: 0, at: new Map<PropertyKey, number>() };
let trackingDefinitions = false;

/** Wrap Object.defineProperty, Object.defineProperties and Reflect.defineProperty to count definitions on globalThis. */
function trackGlobalDefinitions(): void {
  if (trackingDefinitions) return;
  trackingDefinitions = true;
  const define = Object.defineProperty;
  const wrap = <F extends Function>(owner: object, name: string, original: F, wrapped: F): void => {
    define(wrapped, 'name', { value: original.name });
    define(wrapped, 'length', { value: original.length });
    define(owner, name, { value: wrapped, writable: true, enumerable: false, configurable: true });
  };
  const objectDefineProperty = Object.defineProperty;
  wrap(Object, 'defineProperty', objectDefineProperty, function defineProperty<T>(target: T, key: PropertyKey, attributes: PropertyDescriptor & ThisType<any>): T {
    if (target === globalThis) noteDefinitions([key]);
    return objectDefineProperty(target, key, attributes);
  });
  const objectDefineProperties = Object.defineProperties;
  wrap(Object, 'defineProperties', objectDefineProperties, function defineProperties<T>(target: T, properties: PropertyDescriptorMap & ThisType<any>): T {
    if (target === globalThis && typeof properties === 'object' && properties !== null) noteDefinitions(Reflect.ownKeys(properties));
    return objectDefineProperties(target, properties);
  });
  const reflectDefineProperty = Reflect.defineProperty;
  wrap(Reflect, 'defineProperty', reflectDefineProperty, function defineProperty(target: object, key: PropertyKey, attributes: PropertyDescriptor & ThisType<any>): boolean {
    if (target === globalThis) noteDefinitions([key]);
    return reflectDefineProperty(target, key, attributes);
  });
}

function noteDefinitions(keys: readonly PropertyKey[]): void {
  definitions.count++;
  for (const key of keys) {
    try {
      definitions.at.set(typeof key === 'symbol' ? key : String(key), definitions.count);
    } catch {
      // A key whose conversion to a string throws: the define call throws the same.
    }
  }
}
