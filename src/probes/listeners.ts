import type { EventEmitter } from 'node:events';
import { defineProbe, reusingUnchanged, type LeakItem, type ProbeContext, type ProbeInstance, type Reading } from '../core/probe';
import { stackLocations } from '../core/stack-frames';
import { countedListeners, isListenerSource, listenerSite, trackListenerSites, unwrapped, type EventName, type ListenerSource } from '../instrument/listener-sites';

export interface ListenersOptions {
  emitters?: string[];
}

/** What this probe says: one kind of item (a listener), whose hint names its emitter and event; one warning. */
const MESSAGES = {
  hint: (emitter: string, event: string): string =>
    `A listener was added to ${emitter} in this test and never removed: it stays attached for the rest of the run, keeps alive everything it refers to, ` +
    `and still runs on every "${event}". Keep a reference to the function and remove it in afterEach (${emitter}.off('${event}', listener)), or use once() if it should run once.`,
  emitterNeverFound: (name: string): string =>
    `emitter "${name}" (probes.listeners.emitters) was never found on globalThis as an EventEmitter; its listeners were not watched`,
};

/** Listeners of one sample, as parallel arrays (no object per listener). */
interface ListenersState {
  owners: string[];
  events: EventName[];
  fns: Function[];
}

/** An emitter watched: `process`, or one named in config by its path from globalThis. */
interface Watched {
  name: string;
  /** For configured emitters: the path, resolved again on every sample. */
  path?: string[];
  current: object | undefined;
  resolvedOnce: boolean;
}

/**
 * Listeners added to `process` (and to the long-lived emitters named in config) and not
 * removed. A sample reads each emitter's event names and raw listener arrays (~1 us for
 * `process`); what is new is compared by function identity, never by order, so a
 * listener taken off and put back (as leakguard does with `uncaughtException` while it
 * samples) is the same listener. Where each was added, and how leakguard's own swaps are
 * seen through, is in instrument/listener-sites.ts.
 */
export const listenersProbe = defineProbe<ListenersOptions>({
  name: 'listeners',
  unit: 'count',
  description: 'event listeners added to process (and to emitters named in config) and not removed',
  defaultThreshold: 0,
  settle: { attempts: 3, maxWaitMs: 50 },
  options: {
    emitters: {
      type: 'string[]',
      default: [],
      description:
        'other long-lived EventEmitters to watch besides process, as property paths from globalThis: "myBus", "app.events"; each is looked up again at every sample, so one created after start-up is found too',
    },
  },
  hint: (item) =>
    MESSAGES.hint(typeof item?.['emitter'] === 'string' ? item['emitter'] : 'the emitter', typeof item?.['event'] === 'string' ? item['event'] : 'event'),
  create: createListenersProbe,
});

function createListenersProbe({ options, warn, partOfRun }: ProbeContext<ListenersOptions>): ProbeInstance<ListenersState> {
  trackListenerSites(process, { withSwaps: true });
  const watched: Watched[] = [{ name: 'process', current: process, resolvedOnce: true }];
  for (const name of new Set(options.emitters ?? [])) {
    const path = name.split('.').filter((part) => part !== '');
    if (path.length === 0) continue;
    watched.push({ name, path, current: undefined, resolvedOnce: false });
  }
  // Nothing added or removed since the last sample (most tests): hand that reading back.
  const read = reusingUnchanged(() => sampleListeners(watched), sameListeners);
  let last: Reading<ListenersState> | undefined;
  // Only process watched (no configured emitters, whose object may change): a listener
  // added to it since the last reading announces itself, so until one is, that reading holds.
  const additions = watched.length === 1 ? watchAdditions(process) : undefined;
  let additionsAtLast = -1;
  return {
    sample: () => {
      if (last && additions?.unchangedSince(additionsAtLast)) return last;
      additionsAtLast = additions?.count ?? -1;
      last = read();
      return last;
    },
    newItems: (before, after) => newListeners(before.state!, after.state!),
    dispose: () => {
      additions?.stop();
      // A part of the run (a `mocha --parallel` worker's one test file) may well not define the emitter.
      if (partOfRun) return;
      for (const emitter of watched) {
        if (emitter.path && !emitter.resolvedOnce) {
          warn(MESSAGES.emitterNeverFound(emitter.name));
        }
      }
    },
  };
}

/**
 * Counts the listeners added to `emitter`: EventEmitter announces every addition, through
 * whichever method and whichever way it is called, with a `newListener` event before it
 * adds the listener. A reading stays true until something is added: a listener that was
 * removed is no leak, and the next reading after an addition sees the removal too. Code
 * that writes `_events` itself is not seen (no known library does). If the counting
 * listener is taken off (`process.removeAllListeners()`), every sample reads again.
 */
function watchAdditions(emitter: EventEmitter): { count: number; unchangedSince(count: number): boolean; stop(): void } {
  const additions = {
    count: 0,
    unchangedSince(count: number): boolean {
      return count === additions.count && emitter.listenerCount('newListener', countAddition) > 0;
    },
    stop(): void {
      emitter.removeListener('newListener', countAddition);
    },
  };
  function countAddition(): void {
    additions.count++;
  }
  emitter.on('newListener', countAddition);
  return additions;
}

function sampleListeners(watched: Watched[]): Reading<ListenersState> & { state: ListenersState } {
  const state: ListenersState = { owners: [], events: [], fns: [] };
  // Two names may lead to one emitter ("process" among the configured ones).
  const seen = watched.length > 1 ? new Set<object>() : undefined;
  for (const emitter of watched) {
    const source = emitter.path ? resolveEmitter(emitter) : emitter.current;
    if (!isListenerSource(source) || seen?.has(source)) continue;
    seen?.add(source);
    readListeners(emitter.name, source, state);
  }
  return { value: state.fns.length, state };
}

function readListeners(owner: string, source: ListenerSource, state: ListenersState): void {
  for (const event of source.eventNames()) {
    for (const fn of countedListeners(source, event, source.rawListeners(event))) {
      state.owners.push(owner);
      state.events.push(event);
      state.fns.push(fn);
    }
  }
}

/** The configured emitter's current object; wrapped the first time it is seen. */
function resolveEmitter(emitter: Watched): object | undefined {
  let value: unknown = globalThis;
  for (const part of emitter.path!) {
    if ((typeof value !== 'object' && typeof value !== 'function') || value === null) return undefined;
    try {
      value = (value as Record<string, unknown>)[part];
    } catch {
      return undefined;
    }
  }
  if (!isListenerSource(value)) return undefined;
  if (value !== emitter.current) {
    emitter.current = value;
    emitter.resolvedOnce = true;
    trackListenerSites(value);
  }
  return value;
}

/** Listeners in `after` that `before` did not have (same emitter, event and function), counting repeats. */
function newListeners(before: ListenersState, after: ListenersState): LeakItem[] {
  if (sameListeners(before, after)) return [];
  const had = new Map<Function, string[]>();
  for (let i = 0; i < before.fns.length; i++) {
    const fn = unwrapped(before.fns[i]!);
    const keys = had.get(fn) ?? [];
    keys.push(slotKey(before.owners[i]!, before.events[i]!));
    had.set(fn, keys);
  }
  const items: LeakItem[] = [];
  const ids = new Set<string>();
  for (let i = 0; i < after.fns.length; i++) {
    const fn = after.fns[i]!;
    const owner = after.owners[i]!;
    const event = after.events[i]!;
    const keys = had.get(unwrapped(fn));
    const at = keys?.indexOf(slotKey(owner, event)) ?? -1;
    if (at >= 0) {
      keys!.splice(at, 1);
      continue;
    }
    const item = listenerItem(owner, event, fn);
    // The same function added twice to one event is two listeners.
    for (let n = 2; ids.has(item.id!); n++) item.id = `${item.id!.replace(/#\d+$/, '')}#${n}`;
    ids.add(item.id!);
    items.push(item);
  }
  return items;
}

function sameListeners(before: ListenersState, after: ListenersState): boolean {
  const { fns } = after;
  if (fns.length !== before.fns.length) return false;
  for (let i = 0; i < fns.length; i++) {
    if (fns[i] !== before.fns[i] || after.events[i] !== before.events[i] || after.owners[i] !== before.owners[i]) return false;
  }
  return true;
}

function slotKey(owner: string, event: EventName): string {
  return `${owner}\u0000${String(event)}`;
}

function listenerItem(owner: string, event: EventName, fn: Function): LeakItem {
  const original = unwrapped(fn);
  const eventName = typeof event === 'symbol' ? event.toString() : JSON.stringify(event);
  const once = original !== fn ? 'once ' : '';
  // A bound anonymous function is named 'bound ': say so rather than print '(bound )'.
  const name = original.name.trim() === 'bound' ? 'a bound anonymous function' : original.name;
  const named = name ? ` (${name})` : '';
  const item: LeakItem = {
    id: `listener:${owner}:${String(event)}:${functionId(original)}`,
    type: String(event),
    label: `${once}${eventName} listener on ${owner}${named}`,
    emitter: owner,
    event: String(event),
  };
  const stack = stackLocations(listenerSite(fn));
  if (stack.length > 0) item.stack = stack;
  return item;
}

const functionIds = new WeakMap<Function, number>();
let nextFunctionId = 1;
function functionId(fn: Function): number {
  let id = functionIds.get(fn);
  if (id === undefined) {
    id = nextFunctionId++;
    functionIds.set(fn, id);
  }
  return id;
}
