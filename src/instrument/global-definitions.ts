/**
 * What globalThis is given through the define functions and the setters of its accessor
 * globals, for the globals probe: a count of definitions (the probe lists the keys again
 * only when it moved), when each key was last defined, and the value an accessor global
 * had before a test assigned it. Wrapped when the probe starts.
 */

/** Definitions made on globalThis through the define functions: how many, and when each key last was. */
const definitions = { count: 0, at: new Map<PropertyKey, number>() };
let trackingDefinitions = false;

/** Wrap Object.defineProperty, Object.defineProperties and Reflect.defineProperty to count definitions on globalThis. */
export function trackGlobalDefinitions(): void {
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

/** Object.defineProperty as it was when this module loaded: leakguard's own definitions are not the tests'. */
const unwrappedDefine = Object.defineProperty;

/** leakguard's wrappers of the setters of accessor globals (see {@link trackGlobalAssignments}). */
const ownSetters = new WeakSet<Function>();
/** leakguard's first-read wrappers of the getters of accessor globals, each with the getter it wraps. */
const ownGetters = new WeakMap<Function, Function>();
/** Accessor globals assigned through a wrapped setter: their getters return what was assigned. */
const assignedAccessors = new Set<PropertyKey>();
/** The value of each assigned accessor global before its first assignment. */
const accessorOriginals = new Map<PropertyKey, unknown>();
let trackingAssignments = false;

/** The getter a global's accessor stands for: the wrapped one, for leakguard's first-read wrapper. */
export function ownGetter(get: Function | undefined): Function | undefined {
  return (get && ownGetters.get(get)) ?? get;
}

/**
 * Wrap the accessors of globalThis that have a setter (`performance`, `Request`, `Headers`,
 * `Blob`, ...):
 * - the setter, to count an assignment as a definition of that key (see the globals probe), and
 *   to keep the value the global had before its first assignment, so that putting it back
 *   is no change;
 * - the getter, until its first call only: Node's lazy getters turn the accessor into a data
 *   property on first read, out of sight of the definition count, and the key list must be
 *   taken again (that is no change of the test's). The first read then puts the global's
 *   own getter back, so later reads (`performance.now()` in a loop) cost nothing more.
 */
export function trackGlobalAssignments(): void {
  if (trackingAssignments) return;
  trackingAssignments = true;
  for (const key of Reflect.ownKeys(globalThis)) {
    const descriptor = Object.getOwnPropertyDescriptor(globalThis, key);
    if (descriptor?.configurable && typeof descriptor.set === 'function' && !ownSetters.has(descriptor.set)) wrapAccessor(key, descriptor);
  }
}

function wrapAccessor(key: PropertyKey, descriptor: PropertyDescriptor): void {
  const { get, set, enumerable } = descriptor as { get?: () => unknown; set: (value: unknown) => void; enumerable: boolean };
  const wrappers = {
    get(this: unknown): unknown {
      const value = get ? Reflect.apply(get, this, []) : undefined;
      // The value before any assignment (which would have gone through the setter).
      if (this === globalThis && !accessorOriginals.has(key)) accessorOriginals.set(key, value);
      const now = Object.getOwnPropertyDescriptor(globalThis, key);
      if (now?.get === wrappers.get) unwrappedDefine(globalThis, key, { get, set: now.set, enumerable: now.enumerable, configurable: true });
      // Listed again at the next sample, not as a change (no key noted).
      definitions.count++;
      return value;
    },
    set(this: unknown, value: unknown): void {
      if (this === globalThis) {
        if (!accessorOriginals.has(key) && get) {
          // Before the first assignment: the original, to tell a restore from a replacement.
          try {
            accessorOriginals.set(key, Reflect.apply(get, globalThis, []));
          } catch {
            // A getter that throws has no value to restore.
          }
        }
        assignedAccessors.add(key);
        noteDefinitions([key]);
      }
      Reflect.apply(set, this, [value]);
    },
  };
  for (const [wrapper, original] of [
    [wrappers.get, get],
    [wrappers.set, set],
  ] as const) {
    if (original) unwrappedDefine(wrapper, 'name', { value: original.name });
  }
  ownSetters.add(wrappers.set);
  if (get) ownGetters.set(wrappers.get, get);
  try {
    unwrappedDefine(globalThis, key, { get: get ? wrappers.get : undefined, set: wrappers.set, enumerable, configurable: true });
  } catch {
    // A global that cannot be redefined keeps its own accessor (and goes untracked).
  }
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

/** How many definitions have been made on globalThis so far: the key list may have changed when it moved. */
export function definitionCount(): number {
  return definitions.count;
}

/** The definition count at which `key` was last defined on globalThis; -1 if never since tracking began. */
export function lastDefinedAt(key: PropertyKey): number {
  return definitions.at.get(typeof key === 'symbol' ? key : String(key)) ?? -1;
}

/** Whether `key`'s accessor (as `descriptor` shows it) holds what was assigned through leakguard's setter: compare it as a value. */
export function holdsAssignedValue(key: PropertyKey, descriptor: PropertyDescriptor): boolean {
  return assignedAccessors.has(key) && descriptor.set !== undefined && ownSetters.has(descriptor.set);
}

/** The value an accessor global had before its first assignment or read, if known. */
export function accessorOriginal(key: PropertyKey): { known: boolean; value?: unknown } {
  return accessorOriginals.has(key) ? { known: true, value: accessorOriginals.get(key) } : { known: false };
}
