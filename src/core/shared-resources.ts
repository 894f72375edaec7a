/**
 * One resource that several probes saw in one unit, reported once. A child process left
 * running is a process to the children probe, a ProcessWrap and three pipes to the
 * handles probe and three sockets to the fds probe; a server is a handle and a listening
 * descriptor. Probes know nothing of each other: each names what it saw in the operating
 * system's terms (LeakItem `pid`, `fd`, `fds`), and the items of one unit that share a
 * pid or a descriptor are one resource. It stays under the probe that says most of it
 * (children for a process, handles for a server or a socket, a plugin's before fds), with
 * the other items as its facets; the other leaks lose those items, and go when what is
 * left of them is not over their threshold.
 */
import type { LeakItem } from './probe';
import type { Leak } from './report-model';

/** What another probe saw of a merged item (in the JSON report, under the item's `facets`). */
export interface Facet {
  probe: string;
  id?: string;
  label: string;
  type?: string;
}

/**
 * Which probe's view of a shared resource is kept: children (a process), then handles (a
 * server, a socket), then any other probe, then fds, whose number and target say least.
 */
const PROBE_RANK: Readonly<Record<string, number>> = { children: 0, handles: 1, fds: 3 };
const OTHER_PROBES_RANK = 2;

interface Seen {
  leak: number;
  item: LeakItem;
  probe: string;
}

/**
 * The unit's leaks with each shared resource once. Leaks that did not change are the
 * same objects; changed ones are copies (their hint may need renewing: see the engine).
 */
export function mergeSharedResources(leaks: readonly Leak[]): Leak[] {
  const seen: Seen[] = [];
  leaks.forEach((leak, index) => {
    for (const item of leak.items) if (namesOf(item).length > 0) seen.push({ leak: index, item, probe: leak.probe });
  });
  const groups = resourcesOf(seen).filter((group) => group.length > 1);
  if (groups.length === 0) return [...leaks];

  const replaced = new Map<LeakItem, LeakItem>();
  const removed = new Set<LeakItem>();
  for (const group of groups) {
    const [primary, ...others] = [...group].sort(byPrimary);
    replaced.set(primary!.item, withFacets(primary!, others));
    for (const other of others) removed.add(other.item);
  }

  const merged: Leak[] = [];
  for (const leak of leaks) {
    if (!leak.items.some((item) => replaced.has(item) || removed.has(item))) {
      merged.push(leak);
      continue;
    }
    const items = leak.items.filter((item) => !removed.has(item)).map((item) => replaced.get(item) ?? item);
    const gone = leak.items.length - items.length;
    const copy: Leak = { ...leak, items, delta: leak.delta - gone };
    if (leak.itemsTotal !== undefined) {
      if (leak.itemsTotal - gone > items.length) copy.itemsTotal = leak.itemsTotal - gone;
      else delete copy.itemsTotal;
    }
    // What is left is judged as the engine judged the whole.
    if (gone > 0 && copy.delta <= leak.threshold) continue;
    merged.push(copy);
  }
  return merged;
}

/** `pid:1234`, `fd:12`: the names an item shares with other probes' items. */
function namesOf(item: LeakItem): string[] {
  const names: string[] = [];
  if (isId(item.pid)) names.push(`pid:${item.pid}`);
  if (isId(item.fd)) names.push(`fd:${item.fd}`);
  if (Array.isArray(item.fds)) for (const fd of item.fds) if (isId(fd)) names.push(`fd:${fd}`);
  return names;
}

function isId(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}

/** The items grouped by resource: two items that share a name, directly or through others, are one. */
function resourcesOf(seen: readonly Seen[]): Seen[][] {
  const parent = seen.map((_, index) => index);
  const root = (index: number): number => {
    while (parent[index] !== index) index = parent[index] = parent[parent[index]!]!;
    return index;
  };
  const firstWithName = new Map<string, number>();
  seen.forEach((entry, index) => {
    for (const name of namesOf(entry.item)) {
      const other = firstWithName.get(name);
      if (other === undefined) firstWithName.set(name, index);
      else parent[root(index)] = root(other);
    }
  });
  const groups = new Map<number, Seen[]>();
  seen.forEach((entry, index) => {
    const key = root(index);
    groups.set(key, [...(groups.get(key) ?? []), entry]);
  });
  return [...groups.values()];
}

/** A process before what it holds, then the probe that says most, then the item that holds most; else report order. */
function byPrimary(a: Seen, b: Seen): number {
  return (
    Number(isId(b.item.pid)) - Number(isId(a.item.pid)) ||
    probeRank(a.probe) - probeRank(b.probe) ||
    descriptorsOf([b]).length - descriptorsOf([a]).length ||
    a.leak - b.leak
  );
}

function probeRank(probe: string): number {
  return Object.hasOwn(PROBE_RANK, probe) ? PROBE_RANK[probe]! : OTHER_PROBES_RANK;
}

/**
 * The primary item with what the others saw: `child process pid 1234: node worker.js,
 * with 3 pipes (fds 20, 22, 24)`, `server listening on 127.0.0.1:4000 (fd 21)`.
 */
function withFacets(primary: Seen, others: readonly Seen[]): LeakItem {
  const fds = descriptorsOf([primary, ...others]);
  const list = `${fds.length === 1 ? 'fd' : 'fds'} ${fds.join(', ')}`;
  const suffix = fds.length === 0 ? '' : isId(primary.item.pid) ? `, with ${fds.length === 1 ? '1 pipe' : `${fds.length} pipes`} (${list})` : ` (${list})`;
  // An item merged before (a unit's leaks found at different times) keeps its facets and
  // gets its suffix anew.
  const facets: Facet[] = [...facetsOf(primary.item)];
  for (const { probe, item } of others) {
    facets.push({ probe, ...(item.id === undefined ? {} : { id: item.id }), label: labelOf(item), ...(item.type === undefined ? {} : { type: item.type }) }, ...facetsOf(item));
  }
  const merged: LeakItem = { ...primary.item, label: `${labelOf(primary.item)}${suffix}`, facets };
  unmergedLabels.set(merged, labelOf(primary.item));
  return merged;
}

/** The label an item had before facets were added to it (see withFacets). */
const unmergedLabels = new WeakMap<LeakItem, string>();

function labelOf(item: LeakItem): string {
  return unmergedLabels.get(item) ?? item.label;
}

function facetsOf(item: LeakItem): Facet[] {
  return Array.isArray(item.facets) ? (item.facets as Facet[]) : [];
}

/** The descriptors these items are or hold, each once, in order. */
function descriptorsOf(entries: readonly Seen[]): number[] {
  const fds = new Set<number>();
  for (const { item } of entries) {
    if (isId(item.fd)) fds.add(item.fd);
    if (Array.isArray(item.fds)) for (const fd of item.fds) if (isId(fd)) fds.add(fd);
  }
  return [...fds].sort((a, b) => a - b);
}
