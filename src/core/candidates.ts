/**
 * What a unit left open, awaiting its fate: each new item of an item probe (a handle, an
 * fd, a temp entry) is a candidate, tracked by identity while the run goes on. The
 * readings later units take anyway say which ones were released; what is still there when
 * the unit's suite has ended (its `after all` hooks included) is the unit's leak. Nothing
 * here samples or waits: the engine feeds the readings and asks for the verdicts.
 */
import type { GuardedProbe } from './guarded-probe';
import { itemId, type LeakItem, type Reading } from './probe';
import { nowMs } from './real-timers';
import type { UnitInfo } from './report-model';

/** One unit's candidates of one probe. */
export class CandidateGroup {
  /** What is still there, by id, as the last reading described it. */
  items = new Map<string, LeakItem>();
  /** Every id it has held: what their callbacks create is this unit's too (see LeakItem.createdBy). */
  readonly origins = new Set<string>();
  private lastSeen: Reading;
  /** Ids still there when the suite ended that cannot go by themselves: leaked, whatever happens later. */
  private readonly frozen = new Set<string>();
  /** When the unit ended (nowMs() time): where its settle time starts. */
  readonly endedAt = nowMs();

  constructor(
    readonly unit: UnitInfo,
    readonly probe: GuardedProbe,
    /** The unit's begin reading: a candidate is still there while it is new since this. */
    readonly begin: Reading,
    end: Reading,
    items: LeakItem[],
    /** The suite whose end decides (an adapter's token; see LeakEngine.judgeCandidates). */
    readonly suite: unknown,
  ) {
    this.lastSeen = end;
    for (const item of items) this.hold(item);
  }

  /**
   * Bring the group up to `now`, a later reading of its probe: what is gone is released,
   * what its items created since is taken in. False when the probe could not tell (it was
   * switched off): the group then has no verdict.
   */
  update(now: Reading): boolean {
    if (now === this.lastSeen) return true;
    const found = this.probe.newItems(this.begin, now);
    if (!found) return false;
    this.take(now, found);
    return true;
  }

  /**
   * {@link update} from what is new in `now` since an earlier begin than this group's
   * (`shared`, by id: one call of the probe for all the groups of a suite). What it lists
   * is there; when one of the group's items is not among it (released, or an id that
   * counts from the other begin), the group asks the probe itself.
   */
  updateFrom(now: Reading, shared: ReadonlyMap<string, LeakItem>, descendants: readonly LeakItem[]): boolean {
    if (now === this.lastSeen) return true;
    for (const id of this.items.keys()) if (!shared.has(id) && !this.frozen.has(id)) return this.update(now);
    this.lastSeen = now;
    for (const id of this.items.keys()) {
      const item = shared.get(id);
      if (item) this.items.set(id, item);
    }
    for (const item of descendants) if (this.createdFromHere(item)) this.hold(item);
    return true;
  }

  private take(now: Reading, found: Iterable<LeakItem>): void {
    this.lastSeen = now;
    const held = this.items;
    this.items = new Map();
    for (const item of found) {
      const id = itemId(item);
      if (held.has(id) || this.createdFromHere(item)) this.hold(item);
    }
    for (const id of this.frozen) if (!this.items.has(id) && held.has(id)) this.items.set(id, held.get(id)!);
  }

  /**
   * The suite has ended: of what is still there, what cannot go by itself is a leak now,
   * whatever code that runs later does (the next suite's). `mayEndByItself` says whether
   * any of some items may (see ProbeInstance.mayEndByItself); it is asked once for all,
   * then, when some may, one by one while they are few, else kind by kind (an answer may
   * cost a read of /proc/net). Returns whether anything may still go by itself.
   */
  freeze(mayEndByItself: (items: LeakItem[]) => boolean): boolean {
    const items = [...this.items.values()];
    const parts = !mayEndByItself(items) ? [] : items.length === 1 ? [items] : items.length <= FREEZE_ONE_BY_ONE ? items.map((item) => [item]) : byKind(items);
    const mayEnd = new Set<LeakItem>();
    for (const part of parts) if (parts.length === 1 || mayEndByItself(part)) for (const item of part) mayEnd.add(item);
    for (const item of items) if (!mayEnd.has(item)) this.frozen.add(itemId(item));
    return mayEnd.size > 0;
  }

  /** What is still there and may go by itself (not frozen). */
  get unfrozen(): LeakItem[] {
    return [...this.items].filter(([id]) => !this.frozen.has(id)).map(([, item]) => item);
  }

  /** Whether the group was last brought up to `now`. */
  hasSeen(now: Reading): boolean {
    return now === this.lastSeen;
  }

  /** Whether `item` was created by the callback of one of this group's items. */
  createdFromHere(item: LeakItem): boolean {
    return typeof item.createdBy === 'string' && this.origins.has(item.createdBy);
  }

  /** Still more than its probe lets pass. */
  get grown(): boolean {
    return this.items.size > this.probe.threshold;
  }

  private hold(item: LeakItem): void {
    const id = itemId(item);
    this.items.set(id, item);
    this.origins.add(id);
  }
}

/** The groups still waiting for their verdict, in the order their units ended. */
export class Candidates {
  private groups: CandidateGroup[] = [];
  /** Taken out for their verdict, settling or settled, until it is made: what their callbacks create is still theirs. */
  readonly settling = new Set<CandidateGroup>();
  /**
   * The origins of groups judged leaked, by probe: what their callbacks create later (a
   * leaked timer that starts an interval when it fires) is their unit's, reported already,
   * not a leak of the unit it appears in.
   */
  private readonly leakedOrigins = new Map<GuardedProbe, Set<string>>();

  get size(): number {
    return this.groups.length;
  }

  add(group: CandidateGroup): void {
    this.groups.push(group);
  }

  /**
   * Free evidence: readings taken anyway (a later unit's end). A group whose items are
   * gone, down to its threshold, is clean and let go; one whose probe can no longer tell
   * is let go too.
   */
  observe(readings: ReadonlyMap<GuardedProbe, Reading>, mayHaveReleased: (probe: GuardedProbe, now: Reading) => boolean = () => true): void {
    let released = false;
    for (const [probe, groups] of byProbe(this.groups)) {
      const now = readings.get(probe);
      if (!now || !mayHaveReleased(probe, now)) continue;
      for (const group of updateAll(groups, now)) {
        group.items.clear();
        released = true;
      }
    }
    if (released) this.groups = this.groups.filter((group) => group.items.size > 0);
  }

  /**
   * `items`, a unit's new items, without those that the callback of a pending candidate
   * created (a timer that started an interval, or a server, when it fired): they belong to
   * that candidate's unit, not to the unit they appeared in. Of any probe: a socket's
   * descriptor carries its handle's lineage (the fds probe has none of its own), and goes
   * where the handle goes.
   */
  withoutDescendants(items: LeakItem[]): LeakItem[] {
    if (!items.some((item) => typeof item.createdBy === 'string')) return items;
    if (this.groups.length === 0 && this.settling.size === 0 && this.leakedOrigins.size === 0) return items;
    const groups = [...this.groups, ...this.settling];
    const leaked = [...this.leakedOrigins.values()];
    return items.filter((item) => !groups.some((group) => group.createdFromHere(item)) && !leaked.some((origins) => origins.has(item.createdBy as string)));
  }

  /** `group`'s verdict is made (see settling); `leaked`: it was a leak. */
  judged(group: CandidateGroup, leaked: boolean): void {
    this.settling.delete(group);
    if (!leaked) return;
    const origins = this.leakedOrigins.get(group.probe) ?? new Set<string>();
    for (const origin of group.origins) origins.add(origin);
    this.leakedOrigins.set(group.probe, origins);
  }

  /** Take out the groups of `suite` (every group when `all`), for their verdict. */
  take(suite: unknown, all = false): CandidateGroup[] {
    const taken = all ? this.groups : this.groups.filter((group) => group.suite === suite);
    this.groups = all ? [] : this.groups.filter((group) => group.suite !== suite);
    return taken;
  }
}

/** Up to this many items, each is asked about on its own (see CandidateGroup.freeze). */
const FREEZE_ONE_BY_ONE = 8;

function byKind(items: LeakItem[]): LeakItem[][] {
  const kinds = new Map<string, LeakItem[]>();
  for (const item of items) {
    const kind = item.type ?? '';
    const same = kinds.get(kind);
    if (same) same.push(item);
    else kinds.set(kind, [item]);
  }
  return [...kinds.values()];
}

/** The groups of each probe, in the order given. */
export function byProbe(groups: Iterable<CandidateGroup>): Map<GuardedProbe, CandidateGroup[]> {
  const found = new Map<GuardedProbe, CandidateGroup[]>();
  for (const group of groups) {
    const same = found.get(group.probe);
    if (same) same.push(group);
    else found.set(group.probe, [group]);
  }
  return found;
}

/**
 * Bring `groups` (of one probe, oldest first) up to `now`, with one call of the probe for
 * all of them where it can (see CandidateGroup.updateFrom): a suite whose tests all leak
 * would otherwise pay a call per test at every test's end. Returns the groups now clean
 * (down to their threshold) or without a verdict (the probe could not tell).
 */
export function updateAll(groups: CandidateGroup[], now: Reading): CandidateGroup[] {
  const due = groups.filter((group) => !group.hasSeen(now));
  if (due.length <= 1) return groups.filter((group) => !group.update(now) || !group.grown);
  const found = due[0]!.probe.newItems(due[0]!.begin, now);
  if (!found) return groups;
  const shared = new Map(found.map((item) => [itemId(item), item]));
  const descendants = found.filter((item) => typeof item.createdBy === 'string');
  return groups.filter((group) => !group.updateFrom(now, shared, descendants) || !group.grown);
}
