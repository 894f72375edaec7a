/**
 * Where event listeners are added, for the listeners probe: the add methods of `process`
 * (and of the emitters named in config) are wrapped on the instance, never on
 * EventEmitter.prototype, so the many emitters of streams and sockets pay nothing. Each
 * add captures a stack (~5 us), kept in a WeakMap keyed by the listener function and
 * formatted only for a leak.
 *
 * leakguard itself swaps `uncaughtException` listeners around every sample (see
 * src/mocha/uncaught.ts): it reads them (`process.listeners()`), takes them all off and
 * puts in a stand-in of its own; after sampling it takes that off and puts them back. So
 * a sample sees only the stand-in, and the listeners a test added would be hidden. The
 * probe sees through such a swap by its shape, for free (a stack check would cost ~10 us
 * per swap, with two swaps per test):
 * - `process.listeners(event)` is wrapped to remember what it last returned (outside a
 *   swap);
 * - a stand-in is a listener added in the same synchronous step as that read, after all
 *   the listeners read were removed, to the event left empty; or one added without going
 *   through the wrapped methods (`EventEmitter.prototype.on.call(process, ...)`), that
 *   was not there when the probe started;
 * - while the event holds stand-ins and none of the listeners last read, a swap is in
 *   effect: the listeners last read count, the stand-ins do not.
 * A test that makes the same swap and never undoes it is then not reported: a miss, never
 * a false alarm.
 */
import { RealPromise } from '../core/real-timers';
import { captureCreationStack, type CapturedStack } from '../core/stack-frames';

export type EventName = string | symbol;
type Listener = (...args: unknown[]) => unknown;
type Emitter = { listenerCount(event: EventName): number; listeners(event: EventName): Function[] };

/** The add methods, all wrapped: `once` may or may not go through `on`, depending on the emitter. */
const ADD_METHODS = ['on', 'addListener', 'prependListener', 'once', 'prependOnceListener'] as const;
const REMOVE_METHODS = ['removeListener', 'off'] as const;
/** The events whose listeners may be swapped out for a moment (see above). */
const SWAPPED_EVENTS: ReadonlySet<EventName> = new Set(['uncaughtException', 'unhandledRejection']);

const WRAPPED = Symbol.for('leakguard.listenerSites');

/** Where each listener function was first added through a wrapped method. */
const sites = new WeakMap<Function, CapturedStack>();
/** Listeners of the swappable events that were there when their emitter was wrapped. */
const preexisting = new WeakSet<Function>();
/** Listeners that stood in for others in a swap seen as it happened. */
const standIns = new WeakSet<Function>();
/** Per emitter and swappable event: the listeners `listeners()` last returned outside a swap. */
const lastRead = new WeakMap<object, Map<EventName, Function[]>>();
/** A swap that may be under way: listeners read in the current synchronous step, and those removed since. */
let step: { emitter: object; event: EventName; read: Function[]; removed: Function[] } | undefined;

/** An add call made from inside another (`once` calling `this.on`): the outer call recorded it. */
let adding = false;

/** The emitter interface the probe reads. */
export interface ListenerSource {
  eventNames(): EventName[];
  rawListeners(event: EventName): Function[];
}

export function isListenerSource(value: unknown): value is ListenerSource {
  const candidate = value as Partial<ListenerSource> | null;
  return (
    (typeof candidate === 'object' || typeof candidate === 'function') &&
    candidate !== null &&
    typeof candidate.eventNames === 'function' &&
    typeof candidate.rawListeners === 'function'
  );
}

/**
 * Wrap the add methods of `emitter` (own properties shadowing the prototype's), once.
 * `withSwaps`: also see through swaps of its `uncaughtException` listeners (for `process`).
 */
export function trackListenerSites(emitter: object, { withSwaps = false } = {}): void {
  const target = emitter as Record<PropertyKey, unknown>;
  if (target[WRAPPED]) return;
  Object.defineProperty(target, WRAPPED, { value: true, enumerable: false, configurable: true });
  for (const name of ADD_METHODS) wrapAdd(target, name);
  if (!withSwaps) return;
  for (const event of SWAPPED_EVENTS) {
    const listeners = (emitter as Emitter).listeners(event);
    for (const listener of listeners) preexisting.add(listener);
    remember(emitter, event, listeners);
  }
  for (const name of REMOVE_METHODS) wrapRemove(target, name);
  wrapRead(target, 'listeners');
}

/** Where `listener` (a raw listener, maybe a once-wrapper) was added. */
export function listenerSite(listener: Function): CapturedStack | undefined {
  return sites.get(unwrapped(listener));
}

/**
 * The listeners of `event` to count, given the raw ones: during a swap, the listeners
 * swapped out instead of the stand-ins; otherwise the raw ones less known stand-ins.
 */
export function countedListeners(emitter: object, event: EventName, raw: Function[]): Function[] {
  if (!SWAPPED_EVENTS.has(event)) return raw;
  const read = lastRead.get(emitter)?.get(event);
  if (read && raw.some(isStandIn) && !raw.some((listener) => read.includes(unwrapped(listener)))) {
    return [...read, ...raw.filter((listener) => !isStandIn(listener))];
  }
  return raw.some((listener) => standIns.has(unwrapped(listener))) ? raw.filter((listener) => !standIns.has(unwrapped(listener))) : raw;
}

/** A once-wrapper's original function (`rawListeners` gives wrappers, `listeners` originals). */
export function unwrapped(listener: Function): Function {
  const original = (listener as { listener?: unknown }).listener;
  return typeof original === 'function' ? original : listener;
}

/** A stand-in seen as it was added, or a listener added around the wrapped methods after the start. */
function isStandIn(listener: Function): boolean {
  const original = unwrapped(listener);
  return standIns.has(original) || (!sites.has(original) && !preexisting.has(original));
}

function remember(emitter: object, event: EventName, listeners: Function[]): void {
  let byEvent = lastRead.get(emitter);
  if (!byEvent) lastRead.set(emitter, (byEvent = new Map()));
  byEvent.set(event, [...listeners]);
}

function wrapAdd(target: Record<PropertyKey, unknown>, name: string): void {
  const original = target[name];
  if (typeof original !== 'function') return;
  const wrapped = function (this: unknown, event: EventName, listener: unknown, ...rest: unknown[]) {
    if (adding || typeof listener !== 'function') return (original as Listener).call(this, event, listener, ...rest);
    if (completesSwap(this, event, listener)) {
      standIns.add(listener);
    } else if (!sites.has(listener) && !preexisting.has(listener)) {
      // The first add says where it came from; putting it back after a swap does not.
      sites.set(listener, captureCreationStack(wrapped));
    }
    adding = true;
    try {
      return (original as Listener).call(this, event, listener, ...rest);
    } finally {
      adding = false;
    }
  };
  install(target, name, original as Function, wrapped);
}

function wrapRemove(target: Record<PropertyKey, unknown>, name: string): void {
  const original = target[name];
  if (typeof original !== 'function') return;
  const wrapped = function (this: unknown, event: EventName, listener: unknown, ...rest: unknown[]) {
    const current = step;
    if (current && current.emitter === this && current.event === event && current.read.includes(listener as Function)) {
      current.removed.push(listener as Function);
    }
    return (original as Listener).call(this, event, listener, ...rest);
  };
  install(target, name, original as Function, wrapped);
}

/** `listeners(event)` of a swappable event: remembered (unless only stand-ins are there), and a swap may follow. */
function wrapRead(target: Record<PropertyKey, unknown>, name: string): void {
  const original = target[name];
  if (typeof original !== 'function') return;
  const wrapped = function (this: unknown, event: EventName, ...rest: unknown[]) {
    const result = (original as Listener).call(this, event, ...rest);
    if (SWAPPED_EVENTS.has(event) && Array.isArray(result)) {
      const listeners = result as Function[];
      if (listeners.length === 0 || !listeners.every(isStandIn)) remember(this as object, event, listeners);
      const current = { emitter: this as object, event, read: [...listeners], removed: [] as Function[] };
      step = current;
      // The step ends with the current synchronous code (a real microtask: a test may fake queueMicrotask).
      void RealPromise.resolve().then(() => {
        if (step === current) step = undefined;
      });
    }
    return result;
  };
  install(target, name, original as Function, wrapped);
}

function install(target: Record<PropertyKey, unknown>, name: string, original: Function, wrapped: Function): void {
  Object.defineProperty(wrapped, 'name', { value: original.name });
  Object.defineProperty(wrapped, 'length', { value: original.length });
  Object.defineProperty(target, name, { value: wrapped, writable: true, enumerable: false, configurable: true });
}

/**
 * Whether adding `listener` completes a swap: in this synchronous step the event's
 * listeners were read and all removed, none is left, and this one is not one of them.
 */
function completesSwap(emitter: unknown, event: EventName, listener: Function): boolean {
  const current = step;
  if (!current || current.emitter !== emitter || current.event !== event || current.read.includes(listener)) return false;
  if (current.removed.length < current.read.length || (emitter as Emitter).listenerCount(event) !== 0) return false;
  step = undefined;
  return true;
}
