import { ChildProcess } from 'node:child_process';
import { Socket } from 'node:net';
import { DEFAULT_SETTLE, defineProbe, reusingUnchanged, sameElements, type LeakItem, type ProbeInstance } from '../../core/probe';
import { gcDeliveryPending } from '../../core/memory/heap-numbers';
import { stackLocations } from '../../core/stack-frames';
import { trackCreationSites } from '../../instrument';
import { createdByRunner, creationSequence, creationSite, creationSiteOfServer } from '../../instrument/creation-sites';
import { forgetFinishedTimers, pendingTimersSince, timerId } from '../../instrument/timers';
import { idleFetchSockets } from '../fetch-pool';
import { connectionsWaitingOnCode, UNREAD_RESPONSE_HINT, withUnreadResponse } from '../keep-alive';
import { activeHandles, describeHandle, wrapTypeOf } from '../handle-labels';
import { handleKind, labelForType, labelAsReused, timerLabel } from './handles-messages';

/**
 * Active handles and requests that keep the event loop alive: timers, servers, sockets,
 * child processes, fs watchers, pending fs requests. Unref'd ones do not keep the process
 * alive and are not counted, as in `process.getActiveResourcesInfo()`.
 *
 * Two cheap sources (~0.2 us each): the resource types from getActiveResourcesInfo(), which
 * covers everything including timers, and the handle objects from _getActiveHandles(),
 * which can say *which* server or socket it is. New objects are described from the
 * objects; timers from the ones instrument/timers.ts keeps; what remains of the growth by
 * type (immediates, requests, timers made through `node:timers` imports) is named by its
 * type. Each item carries where it was created, when that is known.
 */
interface HandlesState {
  types: string[];
  handles: object[];
  /** Creation order at the time of the sample: timers created later are new. */
  sequence: number;
}

export const handlesProbe = defineProbe<{ ignore?: string[] }>({
  name: 'handles',
  unit: 'count',
  description: 'active handles and requests keeping the event loop alive (timers, servers, sockets, child processes, watchers)',
  defaultThreshold: 0,
  settle: true,
  options: {
    ignore: {
      type: 'string[]',
      default: [],
      description: 'resource types not to report, e.g. ["FSReqCallback", "Immediate"]',
    },
  },
  hint: (item) => (item?.unreadResponse ? UNREAD_RESPONSE_HINT : handleKind(item?.type).hint),
  create: ({ options }): ProbeInstance<HandlesState> => {
    const ignored = new Set(options.ignore ?? []);
    trackCreationSites();
    // Most tests leave the same handles as the last sample saw: hand that reading back.
    const sampleHandles = reusingUnchanged(() => {
      forgetFinishedTimers();
      const state: HandlesState = { types: activeResourceTypes(), handles: activeHandles(), sequence: creationSequence() };
      return { value: state.types.length, state };
    }, sameHandles);
    // The connections that wait on code, as found since the last sample: where a suite
    // ends, the settle asks about one item after another, and each look goes through
    // every handle (a suite that leaks everywhere has hundreds).
    let waiting: Set<Socket> | undefined;
    return {
      sample: () => {
        waiting = undefined;
        return sampleHandles();
      },
      newItems: (before, after) => newHandles(before.state!, after.state!, ignored),
      mayEndByItself: (items) => items.some((item) => mayEndByItself(item, () => (waiting ??= connectionsWaitingOnCode(DEFAULT_SETTLE.maxWaitMs)))),
    };
  },
});

/** Node's active resources by type, without the Immediate that hands GC entries to leakguard's observers. */
function activeResourceTypes(): string[] {
  const types = process.getActiveResourcesInfo();
  if (gcDeliveryPending()) {
    const own = types.indexOf('Immediate');
    if (own !== -1) types.splice(own, 1);
  }
  return types;
}

/** Nothing created since, and the same resources by type and by handle object. */
function sameHandles(last: HandlesState, now: HandlesState): boolean {
  return last.sequence === now.sequence && sameElements(last.types, now.types) && sameElements(last.handles, now.handles);
}

/**
 * What is new, by identity where there are objects (handles, tracked timers), so a leak
 * is seen even when something older closed meanwhile; by net growth of the type counts
 * for the rest (immediates, requests, timers made through `node:timers` imports). A
 * handle that is still closing is listed too; the engine's settle waits it out.
 */
function newHandles(before: HandlesState, after: HandlesState, ignored: Set<string>): LeakItem[] {
  const grownTypes = multisetGrowth(before.types, after.types);
  const known = new Set(before.handles);
  const items: LeakItem[] = [];
  const explain = (type: string) => grownTypes.set(type, Math.max(0, (grownTypes.get(type) ?? 0) - 1));
  let pooled: Set<object> | undefined;
  for (const handle of after.handles) {
    if (known.has(handle)) continue;
    const type = wrapTypeOf(handle);
    if (!type) continue;
    explain(type);
    // A fork's IPC channel is a pipe that only the type counts list: the child's item holds it (see childDescriptors).
    if (handle instanceof ChildProcess && handle.connected) explain('PipeWrap');
    // Made while leakguard ran a probe's code: the probe's, not the test's.
    if (creationSite(handle)?.owned) continue;
    if (createdByRunner(handle)) continue;
    // An idle connection fetch() keeps in its pool (see fetch-pool.ts): no test's.
    if (type === 'TCPSocketWrap' && (pooled ??= idleFetchSockets(after.handles)).has(handle)) continue;
    if (ignored.has(type)) continue;
    const described = withUnreadResponse({ ...describeHandle(handle), type, id: `handle:${handleId(handle)}`, ...createdAt(handle) }, handle);
    const item = reusedLabel(described, handle, before.sequence);
    if (handle instanceof Socket) sockets.set(item, new WeakRef(handle));
    items.push(item);
  }
  if (!ignored.has('Timeout')) {
    for (const timer of pendingTimersSince(before.sequence)) {
      explain('Timeout');
      if (!createdByRunner(timer)) items.push(describeTimer(timer));
    }
  }
  for (const [type, count] of grownTypes) {
    if (ignored.has(type)) continue;
    const seen = before.types.filter((existing) => existing === type).length;
    for (let i = 0; i < count; i++) {
      items.push({ id: `${type}#${seen + i + 1}`, type, label: labelForType(type) });
    }
  }
  return items;
}

/** Timer items that only code can end: intervals, and timeouts due after the longest settle wait. */
const endsOnlyByCode = new WeakSet<LeakItem>();
/** Items of sockets, with their socket (weakly: a reported item outlives it). */
const sockets = new WeakMap<LeakItem, WeakRef<Socket>>();

/**
 * Whether the item may still go without more code running. A socket still connecting
 * while Node has no connect or DNS request in flight waits on a `lookup()` of the
 * caller's that has not answered (ws's tests pass one that never does): only that code
 * can end it, and waiting out the settle time for it (at the run's end, the run waits)
 * buys nothing. Nor does it for a keep-alive connection whose two ends are in this
 * process and wait on code (see keep-alive.ts).
 */
function mayEndByItself(item: LeakItem, waitingOnCode: () => Set<Socket>): boolean {
  if (endsOnlyByCode.has(item) || !handleKind(item.type).endsByItself) return false;
  const socket = sockets.get(item)?.deref();
  if (!socket) return true;
  if (!socket.connecting) return !waitingOnCode().has(socket);
  return process.getActiveResourcesInfo().some((type) => type === 'TCPConnectWrap' || type === 'GetAddrInfoReqWrap');
}

/**
 * A handle created before the unit began that is active again now: an idle keep-alive
 * socket the unit took from a pool, or an unref'd handle it ref'd. Its creation line is
 * another unit's; say so, so that nobody looks for it in this test.
 */
function reusedLabel(item: LeakItem, handle: object, unitBegan: number): LeakItem {
  // Its own creation site only: a socket a server accepted carries the server's.
  const site = creationSite(handle);
  if (!site || site.sequence > unitBegan) return item;
  return { ...item, label: labelAsReused(item.label), reused: true };
}

function describeTimer(timer: NodeJS.Timeout): LeakItem {
  const site = creationSite(timer)!;
  const { kind, delayMs } = site.timer!;
  const item: LeakItem = { id: timerId(site), type: 'Timeout', label: timerLabel(kind, delayMs), ...createdAt(timer) };
  if (kind === 'setInterval' || delayMs > DEFAULT_SETTLE.maxWaitMs) endsOnlyByCode.add(item);
  return item;
}

/**
 * Where the handle was created (for a socket a server accepted, where the server was), and
 * the timer whose callback created it, if one did.
 */
function createdAt(handle: object): Pick<LeakItem, 'stack' | 'createdBy'> {
  let where = creations.get(handle);
  if (!where) {
    where = creationOf(handle);
    creations.set(handle, where);
  }
  return where;
}

/** createdAt's answers: a handle is listed again at each step of a settle, its creation stack read once. */
const creations = new WeakMap<object, Pick<LeakItem, 'stack' | 'createdBy'>>();

function creationOf(handle: object): Pick<LeakItem, 'stack' | 'createdBy'> {
  const own = creationSite(handle);
  const site = own ?? creationSiteOfServer(handle);
  const stack = site ? stackLocations(site.stack) : [];
  const origin = own?.createdBy;
  const where: Pick<LeakItem, 'stack' | 'createdBy'> = stack.length > 0 ? { stack } : {};
  if (origin) where.createdBy = timerId(origin);
  return where;
}

/** How many more of each entry `after` has than `before`. */
function multisetGrowth(before: string[], after: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const type of after) counts.set(type, (counts.get(type) ?? 0) + 1);
  for (const type of before) counts.set(type, (counts.get(type) ?? 0) - 1);
  for (const [type, count] of counts) if (count <= 0) counts.delete(type);
  return counts;
}

const ids = new WeakMap<object, number>();
let nextId = 1;
function handleId(handle: object): number {
  let id = ids.get(handle);
  if (id === undefined) {
    id = nextId++;
    ids.set(handle, id);
  }
  return id;
}
