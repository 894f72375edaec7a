import { defineProbe, type LeakItem, type ProbeContext, type ProbeInstance, type Reading } from '../core/probe';
import { accessorOriginal, definitionCount, holdsAssignedValue, lastDefinedAt, ownGetter, trackGlobalAssignments, trackGlobalDefinitions } from '../instrument/global-definitions';
import { unwrapGlobal } from '../instrument/timers';
import { anyOf, globMatcher, type Matcher } from './patterns';
import { kindOf, type ItemKind } from './item-kinds';

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
 * data properties on first use: only a change seen being made (a definition, an
 * assignment) counts, so that is no change.
 */
const ALWAYS_IGNORED: readonly string[] = ['Symbol(undici.globalDispatcher.*)', '__coverage__'];

/** The hint for each type of item: how the global changed. */
const GLOBAL_KINDS: Readonly<Record<'added' | 'replaced' | 'removed', ItemKind>> = {
  added: {
    hint: 'A global variable was created in this test and never removed, often by assigning to an undeclared variable (declare it with let or const, or add "use strict" to find them), or by globalThis.name = ... in the test or in code it runs. If it must be global, delete it in afterEach (delete globalThis.name).',
  },
  replaced: {
    hint: 'A global was replaced in this test (a stub or mock of fetch, Date, setTimeout, ...) and never put back, so later tests run against the replacement. Keep the original and restore it in afterEach (or call sinon.restore() / clock.uninstall()).',
  },
  removed: {
    hint: 'A global was deleted in this test and never put back, so later tests run without it. Keep the original and restore it in afterEach.',
  },
};

/**
 * Own properties of globalThis that a test added and did not remove (an assignment to an
 * undeclared variable in sloppy mode, `globalThis.x = ...`, `Object.defineProperty(globalThis,
 * ...)`), and data properties it replaced or deleted and did not put back (a stubbed
 * `fetch`, a faked `Date`): what a test leaves there, every later test runs with.
 *
 * Listing the ~170 own keys of globalThis costs more than comparing what it holds, so a
 * sample lists them only when it must:
 * - the enumerable names (a for-in loop) and a count of the definitions made on
 *   globalThis through Object.defineProperty, Object.defineProperties and
 *   Reflect.defineProperty (wrapped while the probe runs) tell whether the key list can
 *   have changed; only then is it listed again;
 * - the data properties of the current list are compared with the previous sample's
 *   values, and read again only when one changed. A sample that finds nothing changed
 *   allocates nothing.
 * What is added otherwise (a symbol-keyed global set by plain assignment, what Node adds
 * internally) shows up only at a later listing, when it cannot be told which test added
 * it: such keys are not reported.
 *
 * Many of Node's globals are accessors (`performance`, `process`, `Buffer`, and the lazily
 * loaded `Request`, `Headers`, `Blob`, `AbortController`, ...), and an assignment calls
 * their setter: `performance` (what sinon's fake timers replace) stays an accessor whose
 * getter returns the new value; the lazy ones turn into data properties, Node defining them
 * where the count above does not see it. Their setters are wrapped while the probe runs
 * (see {@link trackGlobalAssignments}): an assignment counts as a definition, and from then
 * on the accessor's value (what its getter returns, no longer loading anything) is compared
 * like a data property's. An accessor never assigned is compared by its getter, by identity.
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
  hint: (item) => kindOf(GLOBAL_KINDS, item?.type, GLOBAL_KINDS.added).hint,
  create: createGlobalsProbe,
});

/** The own keys of globalThis at one listing, and how to read its data properties. */
interface Listing {
  keys: PropertyKey[];
  keySet: ReadonlySet<PropertyKey>;
  /**
   * The keys whose values are compared: data properties, and accessors assigned through
   * their wrapped setter. Other accessors are never read: reading one can load a module.
   */
  dataKeys: PropertyKey[];
  /** The getters of the other accessors (undefined for an accessor with a setter only). */
  getters: ReadonlyMap<PropertyKey, Function | undefined>;
  read: () => unknown[];
  /** Whether the data properties still have these values. */
  unchanged: (values: unknown[]) => boolean;
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

function createGlobalsProbe({ options }: ProbeContext<GlobalsOptions>): ProbeInstance<GlobalsState> {
  trackGlobalDefinitions();
  trackGlobalAssignments();
  const ignored = anyOf([...ALWAYS_IGNORED, ...(options.ignore ?? [])].map(globMatcher));
  const sampler = new GlobalsSampler();
  const start = sampler.sample().state;
  const original: Originals = {
    values: new Map(start.listing.dataKeys.map((key, i) => [key, start.values[i]])),
    getters: start.listing.getters,
  };
  return {
    sample: () => sampler.sample(),
    newItems: (before, after) => changedGlobals(before.state!, after.state!, original, ignored),
  };
}

class GlobalsSampler {
  private listing: Listing | undefined;
  private enumerable: string[] = [];
  private listedAt = -1;
  /** The values of the previous sample, reused while nothing changed: a sample then allocates nothing. */
  private values: unknown[] = [];
  private last: (Reading<GlobalsState> & { state: GlobalsState }) | undefined;

  sample(): Reading<GlobalsState> & { state: GlobalsState } {
    if (!this.listing || this.listedAt !== definitionCount() || !this.sameEnumerableNames()) {
      this.listing = listGlobals();
      this.listedAt = definitionCount();
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
  const dataKeys: PropertyKey[] = [];
  const getters = new Map<PropertyKey, Function | undefined>();
  for (const key of keys) {
    const descriptor = Object.getOwnPropertyDescriptor(globalThis, key);
    if (descriptor === undefined) continue;
    if ('value' in descriptor || holdsAssignedValue(key, descriptor)) dataKeys.push(key);
    else getters.set(key, ownGetter(descriptor.get));
  }
  return { keys, keySet: new Set(keys), dataKeys, getters, ...readers(dataKeys) };
}

/** Compares of one listing after which they go through a function compiled for it (see readers). */
const COMPILE_AFTER = 16;
/** A key that can follow a dot (`g.Array`; reserved words can too). */
const IDENTIFIER_NAME = /^[A-Za-z_$][\w$]*$/;

/**
 * Read the values of `keys`, and compare them with earlier ones (Object.is: a global may
 * hold NaN). Every sample compares them all: a loop of keyed reads of globalThis takes ~5 us
 * for Node's ~80 data globals (2,000 trivial tests: ~20 ms of the ~250 ms leakguard adds);
 * a function compiled for the listing reads each by name in ~0.3 us. It is compiled once
 * the listing has served COMPILE_AFTER compares (a listing that changes every test does not
 * pay a compile per test); the loop stays where code cannot be compiled from strings
 * (`--disallow-code-generation-from-strings`).
 */
function readers(keys: PropertyKey[]): Pick<Listing, 'read' | 'unchanged'> {
  const global = globalThis as unknown as Record<PropertyKey, unknown>;
  const loop = (values: unknown[]): boolean => {
    for (let i = 0; i < keys.length; i++) if (!Object.is(global[keys[i]!], values[i])) return false;
    return true;
  };
  let compares = 0;
  let compare = (values: unknown[]): boolean => {
    if (++compares === COMPILE_AFTER) compare = compiledCompare(keys) ?? loop;
    return loop(values);
  };
  return {
    read: () => keys.map((key) => global[key]),
    unchanged: (values) => compare(values),
  };
}

/** The loop of {@link readers} as one expression: `is(g.Array, v[0]) && is(g[k[1]], v[1]) && ...`. */
function compiledCompare(keys: PropertyKey[]): ((values: unknown[]) => boolean) | undefined {
  const terms = keys.map((key, i) => (typeof key === 'string' && IDENTIFIER_NAME.test(key) ? `is(g.${key}, v[${i}])` : `is(g[k[${i}]], v[${i}])`));
  try {
    const compare = new Function('g', 'k', 'v', 'is', `return ${terms.join(' && ') || 'true'};`) as (
      g: unknown,
      k: PropertyKey[],
      v: unknown[],
      is: typeof Object.is,
    ) => boolean;
    const is = Object.is;
    return (values) => compare(globalThis, keys, values, is);
  } catch {
    return undefined;
  }
}

/** What globalThis held when the probe started: values of data properties, getters of accessors. */
interface Originals {
  values: ReadonlyMap<PropertyKey, unknown>;
  getters: ReadonlyMap<PropertyKey, Function | undefined>;
}

/** The value `key` had when the run started, if known: a data property's, or an accessor's before its first assignment. */
function originalValue(original: Originals, key: PropertyKey): { known: boolean; value?: unknown } {
  if (original.values.has(key)) return { known: true, value: original.values.get(key) };
  return accessorOriginal(key);
}

/**
 * What `after` added, replaced or removed since `before`. Only globals that were there
 * when the run started count as removed, and putting back the value a global had then is
 * no change: a later hook or test undoing an earlier one's leak is not a leak.
 */
function changedGlobals(before: GlobalsState, after: GlobalsState, original: Originals, ignored: Matcher): LeakItem[] {
  const items: LeakItem[] = [];
  const isOriginal = (key: PropertyKey, value: unknown): boolean => {
    const then = originalValue(original, key);
    return then.known && Object.is(unwrapGlobal(then.value), value);
  };
  const compare = (key: PropertyKey, was: unknown, now: unknown): void => {
    if (Object.is(was, now)) return;
    // leakguard's own wrappers (setTimeout, setInterval) stand for the functions they wrap.
    const then = unwrapGlobal(was);
    const value = unwrapGlobal(now);
    if (Object.is(then, value) || isOriginal(key, value)) return;
    // A listing reused from before still lists a global deleted since.
    if (!Object.hasOwn(globalThis, key)) removed(key);
    else addItem(items, key, 'replaced', ignored);
  };
  const removed = (key: PropertyKey): void => {
    if (original.values.has(key) || original.getters.has(key)) addItem(items, key, 'removed', ignored);
  };
  if (before.listing === after.listing) {
    const { dataKeys } = after.listing;
    for (let i = 0; i < dataKeys.length; i++) compare(dataKeys[i]!, before.values[i], after.values[i]);
    return items;
  }
  // Added: new in the listing, and seen being added during the unit (see globalsProbe).
  const enumerableBefore = new Set(before.enumerable);
  const enumerableAfter = new Set(after.enumerable);
  const seenDefined = (key: PropertyKey) => lastDefinedAt(key) > before.defined;
  for (const key of after.listing.keys) {
    if (before.listing.keySet.has(key)) continue;
    const seen = (typeof key === 'string' && enumerableAfter.has(key) && !enumerableBefore.has(key)) || seenDefined(key);
    if (seen) addItem(items, key, 'added', ignored);
  }
  const valuesAt = (state: GlobalsState) => {
    const values = new Map<PropertyKey, unknown>();
    state.listing.dataKeys.forEach((key, i) => values.set(key, state.values[i]));
    return values;
  };
  const then = valuesAt(before);
  const now = valuesAt(after);
  for (const key of before.listing.keys) {
    if (then.has(key) && now.has(key)) {
      compare(key, then.get(key), now.get(key));
      continue;
    }
    if (!after.listing.keySet.has(key)) {
      if (!Object.hasOwn(globalThis, key)) removed(key);
      continue;
    }
    // An accessor assigned or redefined, a data property turned into an accessor, or one
    // of Node's lazy accessors turned into a data property when first read (and then maybe
    // assigned, out of sight of the definition count: its first read's value tells).
    if (!then.has(key) && !now.has(key) && before.listing.getters.get(key) === after.listing.getters.get(key)) continue;
    if (now.has(key) && originalValue(original, key).known) {
      if (!isOriginal(key, unwrapGlobal(now.get(key)))) addItem(items, key, 'replaced', ignored);
    } else if (!seenDefined(key)) {
      continue;
    } else if (now.has(key) || !original.getters.has(key) || original.getters.get(key) !== after.listing.getters.get(key)) {
      addItem(items, key, 'replaced', ignored);
    }
  }
  return items;
}

function addItem(items: LeakItem[], key: PropertyKey, change: 'added' | 'replaced' | 'removed', ignored: Matcher): void {
  const name = typeof key === 'symbol' ? key.toString() : String(key);
  if (ignored(name)) return;
  const shown = typeof key === 'symbol' ? name : JSON.stringify(name);
  items.push({ id: `global:${change}:${name}`, type: change, label: `global ${shown} ${change}`, name });
}
