/**
 * The memory lane: which tests keep memory, by allocation site, at a cost linear in the
 * number of tests. No test waits for a memory verdict.
 *
 * - The sampling heap profiler runs for the whole run (allocation-sampler.ts). Every unit
 *   (test, hook) is a window between two boundary markers; a unit that allocated less
 *   than half a sampling interval holds no sample and gets no marker of its own.
 * - Now and then leakguard reads: a full GC, then the live samples. Each new one goes to
 *   the unit whose window allocated it, under its site (the user's allocating function).
 *   A unit keeps what is still reachable at a read after its group (its top-level suite:
 *   its test file, mostly) has ended, `after` hooks included: what those free is clean.
 *   Reads happen when a group ends, when the heap grew enough since the last one, when a
 *   suite ends with a test to judge, and at the run's end; all but the last only while
 *   leakguard's GC time stays within its budget.
 * - At the end, each site is judged by who fed it (site-verdict.ts, findings.ts). A test
 *   that alone kept memory at a site is run again when its suite ends (its test function
 *   is still there), within a budget: a few tests per run, never near the heap limit.
 *
 * ArrayBuffer and Buffer memory lives outside the V8 heap, where the profiler does not
 * see it. A unit whose external memory grew past the threshold is read right away: what
 * a full GC leaves of that growth is its, under one pseudo-site.
 */
import { constants, performance, PerformanceObserver } from 'node:perf_hooks';
import * as v8 from 'node:v8';
import type { StopTracking } from '../probe';
import { fullGc, minorGc } from '../gc';
import { nowMs, sleep } from '../real-timers';
import type { UnitInfo } from '../report-model';
import { AllocationSampler, LOST_SCRIPT, SAMPLING_INTERVAL, type AllocationSite } from './allocation-sampler';
import type { MemoryOptions } from './options';
import { functionLocation } from './inspector-session';
import { findingsOf, type MemoryFindings } from './findings';
import { arrayBufferBytes, externalMemory, gcsReported, liveMemory, oldHeapUsed, outsideYoungValue, spacesUsed, uncollectedValue, youngUsed, type MemoryState } from './heap-numbers';
import type { Entry, SiteStats, Window } from './windows';

export interface MemoryLaneOptions extends MemoryOptions {
  /** Bytes: a site or a test above this is worth a verdict. */
  threshold: number;
  /** Shown under each memory leak. */
  hint: string;
  /** Look at what a run again keeps more closely (heap snapshots), where the memory probe can. */
  track?: (likelyLeak: boolean) => Promise<StopTracking | undefined>;
}

/** What the lane tells of a unit as it ends. */
export interface UnitEnd {
  unit: UnitInfo;
  /** Its group (opaque): what it keeps is judged after {@link MemoryLane.groupEnded} names it. */
  group: unknown;
  /** Its window: the boundaries it began and ended at. */
  from: number;
  to: number;
  /** The readings at its begin. */
  begin: MemoryState | undefined;
  /** Run it again (with its hooks), until its suite ends; only for a test that passed. */
  rerun?: () => Promise<void>;
  /**
   * Its own function (a test's body), until its suite ends: where its code is, should V8
   * drop its file's script before a read names the sites it allocated at.
   */
  body?: Function;
  /** The readings at its end. */
  end: MemoryState | undefined;
}

/**
 * leakguard's time for reads before the last one: 5% of the run's time so far, or 100 ms
 * in all, whichever is more (a suite that has run for a second has 50 ms); past it, three
 * reads where a suite ends with something to judge, while reads are cheap (by the heap's
 * size, not by time: the same suite gets them on a busy machine). A read costs ~20-30 ms
 * even on a small heap. A floor of 40 ms made short suites cheaper (supertest 1.44x ->
 * 1.26x) but left verdicts that need a run again to the machine's speed (Node 24, under
 * load: a 4 MB-per-run leak judged without its run again).
 */
const READ_BUDGET_SHARE = 0.05;
const READ_BUDGET_MS = 100;
const FREE_READS = 3;
/**
 * A read is free only while the heap is this small (a read then costs ~80 ms at most): on
 * a big heap each costs up to a second. By size, not time: the same suite gets the same
 * reads on a busy machine.
 */
const FREE_READ_MAX_HEAP = 64 * 1024 * 1024;
/**
 * Reads past the budget that the lane still takes right after a unit that kept ArrayBuffer
 * memory: only a read now tells what it kept. Rare: a test holding MBs of buffers.
 */
const FORCED_READS = 4;

/**
 * Why the lane would read: to judge a unit now (`must`), to judge what a group kept
 * (`settle`), to run a test again (`repeat`), or only because the heap grew (`growth`:
 * evidence that a cache gives memory back, worth half the run's share of the budget at
 * most, without its floor).
 */
type ReadReason = 'must' | 'settle' | 'repeat' | 'growth';
/** A test is run again whatever the budget while the heap is this small (two GCs of ~40 ms). */
const FREE_REPEAT_MAX_HEAP = 32 * 1024 * 1024;
/**
 * Heap growth since the last marker past which a unit gets one even if it allocated less
 * than an interval itself: what trivial tests keep bit by bit goes to a unit near them.
 */
const COARSE_MARKER_GROWTH = 8 * SAMPLING_INTERVAL;
/** Test bodies located per suite end at most (see locateBodies). */
const MAX_LOCATED = 32;
/** Windows kept unread at most (see forgetOldSettled). */
const MAX_UNREAD_WINDOWS = 256;
/** Tests run again per run, at most. */
const MAX_REPEATED_TESTS = 8;
/** A test is not run again when that could take the heap past this share of its limit. */
const HEAP_LIMIT_SHARE = 0.5;
/**
 * What Mocha keeps of every test it ran, whatever the reporter (~0.8 KB: its results and
 * timings), allowed with headroom when deciding whether the heap grew enough for a read.
 */
const RUNNER_KEEPS_PER_UNIT = 2 * 1024;
/** Pauses (ms) before a read: what a unit just let go may stay reachable for a few turns (queued callbacks). */
const QUEUED_WORK_PAUSES = [0, 1, 2, 4];


export type { MemoryFindings } from './findings';
export type { MemoryState } from './heap-numbers';

/** The clock of V8's GC entries, as it was at load (fake timers replace `performance.now`). */
const performanceNow = performance.now.bind(performance);

export class MemoryLane {
  // GC entries come a turn after the GC: those `takeRecords` has not taken by then go to the callback.
  private readonly observer = new PerformanceObserver((list) => this.noteGcs(list.getEntries()));
  private readonly startedAt = nowMs();
  /** The places of the boundaries the last read found. */
  private previousOrdinals = new Map<number, number>();
  /** Windows not read since they ended. */
  private unread: Window[] = [];
  /** Windows read whose group has not ended. */
  private unsettled: Window[] = [];
  /** Windows whose findings are still to be reported (external memory kept, runs again). */
  private noted: Window[] = [];
  /** Live samples attributed to a window, by ordinal. */
  private readonly ledger = new Map<number, Entry>();
  private readonly sites = new Map<string, SiteStats>();
  /** Sites of scripts V8 dropped, by their lost id (see siteFor). */
  private readonly lostSites = new Map<string, AllocationSite>();
  /** Tests that may need running again before their suite ends (any that allocated an interval or more). */
  private suspects: Window[] = [];
  private lastOrdinal = 0;
  private lastBoundary = -1;
  /** The heap and its young generation at the last marker, and at the last call of {@link boundary}, marker or not. */
  private heapAtLastMarker = 0;
  private youngAtLastMarker = 0;
  private heapAtLastCall = 0;
  private youngAtLastCall = 0;
  /** GCs V8 had reported when the last marker was placed (see gcsReported). */
  private gcsAtMarker = 0;
  /** The end readings of the last unit the lane scavenged after, and the heap right after (see mayHaveKept). */
  private scavenged?: { end: MemoryState; after: { heap: number; young: number; large: number } };
  /**
   * V8 ran a full GC of its own since the last read (it frees old garbage during a unit,
   * which can hide what the unit kept from its readings: see mayHaveKept).
   */
  private majorGcSinceRead = false;
  /** performance.now() when the last read ended, or the lane began (a GC before is not the run's): V8 reports its GCs a turn late. */
  private readEndedAt = performanceNow();
  private valueAtLastRead: number;
  private outsideYoungAtLastRead: number;
  /** The heap in use right after the last read's GC (before the first: as it was at the start). */
  private heapAtLastRead: number;
  private unitsSinceRead = 0;
  private externalAtLastRead: number;
  /** V8's count of external memory right after the last read (see afterScavenges). */
  private externalMemoryAtLastRead: number;
  /** ArrayBuffer memory the last read found more than the one before. */
  private externalGrowthAtRead = 0;
  private freeReads = 0;
  private hasRead = false;
  private forcedReads = 0;
  private readMs = 0;
  private readCount = 0;
  /** Growth since the last read past which the lane reads (see read). */
  private readAfterGrowth: number;
  private lastReadMs: number;
  /** The heap outside the young generation when the last read began: what its full GC went through (see readCostMs). */
  private heapAtLastReadStart: number;
  private repeatedTests = 0;
  /** Reads taken to look again before a run again (see suiteEnded), at most MAX_REPEATED_TESTS. */
  private secondLooks = 0;
  /** A run again was tracked (a heap snapshot) since the last read before a run again (see repeat). */
  private trackedRecently = false;

  private constructor(
    private readonly sampler: AllocationSampler,
    private readonly options: MemoryLaneOptions,
  ) {
    this.observer.observe({ entryTypes: ['gc'] });
    // Young garbage in the baseline would hide as much growth from grewSinceRead until the
    // first read; after a scavenge (once; ~1-20 ms, by what is young and alive) only a full
    // GC can (see finish).
    minorGc();
    this.valueAtLastRead = uncollectedValue();
    this.outsideYoungAtLastRead = outsideYoungValue();
    this.externalMemoryAtLastRead = externalMemory();
    this.heapAtLastRead = v8.getHeapStatistics().used_heap_size;
    this.externalAtLastRead = arrayBufferBytes();
    this.readAfterGrowth = options.readAfterGrowth;
    // What a first read would cost, estimated from the heap's size (~1.2 ms per MB).
    this.lastReadMs = (v8.getHeapStatistics().used_heap_size / 1024 / 1024) * 1.2;
    this.heapAtLastReadStart = oldHeapUsed();
  }

  /** How often the lane has looked at the live heap (a full GC each): its main cost. */
  get reads(): number {
    return this.readCount;
  }

  /** Start the lane; undefined where the sampling profiler cannot run. */
  static async start(options: MemoryLaneOptions): Promise<MemoryLane | undefined> {
    const sampler = await AllocationSampler.start();
    return sampler && new MemoryLane(sampler, options);
  }

  /**
   * A unit begins or ends here; returns the boundary to give its window. A marker is
   * placed only when samples may have fallen since the last one: a GC ran (the heap's
   * reading no longer says what was allocated) or an interval was allocated.
   */
  boundary(state: MemoryState | undefined): number {
    // V8 reports a GC to the observer a turn later; the young generation's fill, which a
    // scavenge empties, tells at once (~1 us).
    const young = state?.young ?? youngUsed();
    const gcRan = (state?.gcs ?? gcsReported()) > this.gcsAtMarker || young < this.youngAtLastCall;
    const heap = state?.heap;
    // Allocated since then, at least: with no GC, the young generation's growth is what
    // was allocated there, and the heap's takes in the old spaces too, but falls as V8
    // sweeps them after a full GC (on Node 24 a 300 KB test grew the heap by 63 KB, and
    // its samples went to the next test).
    const sinceLastCall = heap === undefined ? -1 : Math.max(heap - this.heapAtLastCall, young - this.youngAtLastCall);
    const sinceLastMarker = heap === undefined ? -1 : Math.max(heap - this.heapAtLastMarker, young - this.youngAtLastMarker);
    this.youngAtLastCall = young;
    if (heap !== undefined) this.heapAtLastCall = heap;
    // A marker is dear: ~120 KB of allocation, which the heap's GCs pay for too. A unit that
    // allocated less than an interval holds one sample at most, which at worst goes to the
    // next unit with a marker: trivial tests get one only every COARSE_MARKER_GROWTH.
    if (this.lastBoundary >= 0 && !gcRan && sinceLastCall >= 0 && sinceLastCall < SAMPLING_INTERVAL && sinceLastMarker < COARSE_MARKER_GROWTH) {
      return this.lastBoundary;
    }
    return this.placeBoundary();
  }

  private placeBoundary(): number {
    this.lastBoundary = this.sampler.mark();
    this.heapAtLastMarker = this.heapAtLastCall = v8.getHeapStatistics().used_heap_size;
    this.youngAtLastMarker = this.youngAtLastCall = youngUsed();
    this.gcsAtMarker = gcsReported();
    return this.lastBoundary;
  }

  /** Note V8's GC entries: a full GC not a read's own since the last read. */
  private noteGcs(entries = this.observer.takeRecords()): void {
    for (const entry of entries) {
      const kind = (entry as { detail?: { kind?: number } | null }).detail?.kind;
      if (kind === constants.NODE_PERFORMANCE_GC_MAJOR && entry.startTime > this.readEndedAt) this.majorGcSinceRead = true;
    }
  }

  /**
   * A unit ended. Returns a promise when the lane reads now: the unit's external memory
   * grew past the threshold (only a GC right after it tells what it kept), or the heap
   * grew enough since the last read.
   */
  unitEnded({ unit, group, from, to, begin, end, rerun, body }: UnitEnd): void | Promise<void> {
    this.unitsSinceRead++;
    let external = begin && end ? end.external - begin.external : 0;
    // V8's count of external memory falls only at a full GC. What a test held only while it
    // ran (an upload's buffers) a scavenge mostly frees (~1 ms): when the ArrayBuffer
    // memory left then is within the threshold of what the last read found alive, the test
    // cannot have kept more, and no read (two full GCs) is due. multer: 14 reads -> 2.
    // (`process.memoryUsage()` counts the stores a scavenge freed only once V8's sweeper is
    // done with them too, in about half the cases here: see afterScavenges. ws: two such
    // reads -> one.)
    if (external > this.options.threshold) {
      external = Math.min(external, this.afterScavenges(() => arrayBufferBytes() - this.externalAtLastRead, this.options.threshold));
    }
    const externalSuspect = external > this.options.threshold;
    if (from !== to || externalSuspect) {
      const window: Window = { unit, group, from, to, settled: false };
      window.readingsGrew = begin !== undefined && end !== undefined && end.heap - begin.heap + Math.max(0, external) > this.options.threshold;
      this.unread.push(window);
      // Any test that allocated enough to hold a sample may have to run again when its suite
      // ends; one that may have kept the threshold is worth a read of its own there. Only
      // such a test counts there, and one is enough: once a test before it in the suite may
      // have, telling whether this one may have too (a scavenge: ~10 ms where each test
      // keeps 2 MB) would change nothing.
      if (rerun && unit.kind === 'test') {
        const readDue = this.suspects.some((suspect) => suspect.grew);
        window.grew = !readDue && begin !== undefined && end !== undefined && this.mayHaveKept(begin, end, Math.max(0, external));
        window.rerun = rerun;
        window.body = body;
        this.suspects.push(window);
      }
      if (externalSuspect && this.mayRead('must')) {
        return this.read({ external: true }).then(() => {
          window.externalKept = Math.max(0, Math.min(external, this.externalGrowthAtRead));
          if (window.externalKept > 0) this.noted.push(window);
        });
      }
    }
    if (!end) return;
    // Young garbage is no sign of anything: the young generation fills by MBs between scavenges.
    const grown = end.heap - end.young + Math.max(0, end.external) - this.outsideYoungAtLastRead;
    if (grown >= this.readAfterGrowth && this.mayRead('growth')) return this.read();
  }

  /**
   * A suite ended, while its tests can still be run again; `group` when it ends a group.
   * Reads when there is something to judge, then runs again each test that alone kept
   * memory at a site.
   */
  async suiteEnded(group?: unknown): Promise<void> {
    const waiting = this.suspects;
    this.suspects = [];
    try {
      const settling = group !== undefined && this.settle(group);
      // A test that may have kept the threshold (see mayHaveKept) is worth a read, unless
      // all that units kept since the last read cannot add up to it. Only a full GC of V8's
      // own since can hide either: then the group's growth since the last read decides too
      // (on a small heap, where a scavenge (~1 ms) and a read are cheap, with what is still
      // young). Without one, a group's growth is mostly garbage promoted out of the young
      // generation: no reason for a read. (That sum covers only units the last read did not
      // see.)
      this.noteGcs();
      const unread = new Set(this.unread);
      const suspected = waiting.filter((window) => window.grew);
      // That bound takes a scavenge (~1-20 ms, by what is young and alive): not to decide a
      // read that the budget leaves no room for (the windows are noted so below).
      const keptAtMost =
        suspected.length > 0 && suspected.every((window) => unread.has(window)) && this.couldReadAtSuiteEnd() ? this.keptSinceReadAtMost() : undefined;
      const grew =
        keptAtMost !== undefined
          ? keptAtMost >= this.options.threshold
          : suspected.length > 0 || (settling && this.majorGcSinceRead && (this.grewSinceRead() || (heapIsSmall() && this.grewSinceRead({ young: true }))));
      if (!grew) {
        // Nothing here can have kept the threshold: no read now; a later one reads its samples.
        this.forgetOldSettled();
        return;
      }
      // On a big heap, a read here serves only the runs again that may follow it (any later
      // read judges what the group kept as well): when none can, its full GC buys nothing.
      const noRepeats = waiting.some((window) => window.externalKept !== undefined) ? undefined : this.whyNoRepeats({ afterRead: true });
      if (noRepeats) {
        for (const window of waiting) this.note(window, noRepeats);
        locateBodies(waiting);
        return;
      }
      if (!this.mayRead('settle')) {
        for (const window of waiting) this.note(window, 'leakguard\u2019s time budget for garbage collections was spent');
        locateBodies(waiting);
        return;
      }
      await this.read({ external: waiting.some((window) => window.externalKept !== undefined) });
      let lookedAgain = false;
      for (const window of waiting) {
        if (!this.needsRepeat(window)) continue;
        const reason = this.whyNotRepeat(window);
        if (reason) {
          this.note(window, reason);
          continue;
        }
        // What a test let go can stay reachable through a GC or two more: express's test
        // that builds a 6,000-route router had ~4 MB of it (path-to-regexp's matchers) at
        // this read, gone by the next, and was run again for nothing (~0.2 s, 4% of the
        // suite). One more read first (~20-40 ms), before the first run again here: each
        // run again ends with a read, which serves the next one.
        // (ArrayBuffer memory past the threshold is run again whatever a read finds.)
        if (!lookedAgain && !this.keptOffHeap(window) && this.secondLooks < MAX_REPEATED_TESTS) {
          lookedAgain = true;
          this.secondLooks++;
          await this.read();
          if (!this.needsRepeat(window)) continue;
        }
        await this.repeat(window);
      }
    } finally {
      // Their test functions go with the suite.
      for (const window of waiting) {
        delete window.rerun;
        delete window.body;
      }
    }
  }

  /** The run ended: a last read, and the verdicts. */
  async finish(): Promise<MemoryFindings> {
    try {
      for (const window of [...this.unread, ...this.unsettled]) window.settled = true;
      // The last read, unless nothing waits for it: no sample read but not yet kept, and
      // too little growth since the last read to hold a leak (a suite of trivial tests on
      // a big heap does not pay a full GC for nothing). Before the first read, a full GC of
      // V8's may have freed garbage the heap held when the lane began (in a parallel
      // worker, its last file's), which hides as much growth. Then a window to judge
      // reads, while the heap is small (a read is cheap); on a big heap, only for a unit
      // whose own readings grew past the threshold (a GC during a unit can hide that: a
      // big heap's rare misses; a unit's bound of what it may have kept counts what a GC
      // during it promoted from before it, and on a 270 MB heap it called for a read of
      // ~0.2 s in a suite that keeps nothing). Without such a GC, the growth decides: a
      // suite of 2,000 trivial tests on a 30 MB heap paid a 60 ms read for nothing.
      const waiting = [...this.ledger.values()].some((entry) => !entry.kept && !entry.window.repeatOf);
      const small = heapIsSmall();
      this.noteGcs();
      const neverRead = !this.hasRead && this.majorGcSinceRead && this.unread.some((window) => small || window.readingsGrew);
      if (waiting || neverRead || this.grewSinceRead({ young: true })) await this.read();
    } finally {
      await this.dispose();
    }
    return findingsOf(this.sites.values(), this.noted, this.options);
  }

  /** Stop sampling. */
  async dispose(): Promise<void> {
    this.observer.disconnect();
    await this.sampler.stop();
  }

  // ---------------------------------------------------------------------------------

  /**
   * A long run without a read (trivial tests) would keep a window per allocating test:
   * past MAX_UNREAD_WINDOWS, the oldest of ended groups go, and their samples are nobody's
   * (stretches with so little growth hold nothing a verdict needs).
   */
  private forgetOldSettled(): void {
    if (this.unread.length <= MAX_UNREAD_WINDOWS) return;
    let excess = this.unread.length - MAX_UNREAD_WINDOWS;
    this.unread = this.unread.filter((window) => !(excess > 0 && window.settled && window.externalKept === undefined && excess-- > 0));
  }

  /** Settle the windows of `group`; true when any may hold samples. */
  private settle(group: unknown): boolean {
    let any = false;
    for (const window of [...this.unread, ...this.unsettled]) {
      if (window.group !== group) continue;
      window.settled = true;
      any = true;
    }
    return any;
  }

  /**
   * Whether a unit can have kept more than the threshold, by its readings. What it kept is
   * out of the young generation by its end (promoted, or allocated there: the heap outside
   * the young generation grew by it) or still young. With no GC during it, its heap's
   * growth holds all of that. A scavenge during it may have freed young garbage from before
   * it, which hides as much of its growth: at most the young generation's fill at its begin.
   * Past that bound, a scavenge now (~0.5 ms) leaves only what survives in the young
   * generation, and the heap's growth since its begin, young generation aside then, holds
   * the rest: an upper bound, as what survived from before it and got promoted counts too.
   * With one scavenge of V8's during it, that one promoted only what had survived one before
   * (V8 promotes an object at its second scavenge), from before the unit: what it kept was
   * still young at its end, or allocated old (large objects), and a bound without those
   * promotions holds. Only a full GC during it (it frees old garbage) hides more: see
   * majorGcSinceRead.
   */
  private mayHaveKept(begin: MemoryState, end: MemoryState, external: number): boolean {
    // A unit that begins with the readings the last one ended with began after the lane's
    // scavenge there, not before: what that scavenge promoted is not this unit's.
    const scavenged = this.scavenged;
    if (scavenged && sameState(begin, scavenged.end)) begin = { ...begin, ...scavenged.after, gcs: begin.gcs + 1 };
    const room = this.options.threshold - external;
    const growth = end.heap - begin.heap;
    const gcs = end.gcs - begin.gcs;
    const gcDuring = gcs > 0 || end.young < begin.young;
    if (growth + (gcDuring ? begin.young : 0) <= room) return false;
    // Telling more takes a scavenge (~0.5-3 ms, by what survives it): not while no read
    // could follow where its suite ends.
    if (!this.couldReadAtSuiteEnd()) return true;
    minorGc();
    const heap = v8.getHeapStatistics().used_heap_size;
    const after = { heap, ...spacesUsed() };
    this.scavenged = { end, after };
    const outsideGrowth = heap - after.young - (begin.heap - begin.young);
    if (gcs <= 1) {
      const promotedNow = heap - after.young - (end.heap - end.young);
      return Math.min(outsideGrowth, promotedNow + end.large - begin.large) + after.young > room;
    }
    return outsideGrowth + after.young > room;
  }

  private note(window: Window, notRepeated: string): void {
    window.notRepeated = notRepeated;
    this.noted.push(window);
  }

  /**
   * The heap (and ArrayBuffer memory) grew by the threshold since the last read (and what
   * Mocha keeps per test), young generation aside: most of it is garbage a scavenge would
   * free, and what a group kept was mostly promoted out of it by the time the group ends.
   * `young`: with the young generation, after a scavenge (what the last tests kept, or a
   * group on a small heap, may not be promoted yet).
   */
  private grewSinceRead({ young = false } = {}): boolean {
    const runnerKeeps = RUNNER_KEEPS_PER_UNIT * this.unitsSinceRead;
    if (!young) return outsideYoungValue() - this.outsideYoungAtLastRead >= this.options.threshold + runnerKeeps;
    // What the last tests kept may still be young: a scavenge (~1 ms) leaves only that.
    const bound = this.options.threshold + runnerKeeps;
    return this.afterScavenges(() => uncollectedValue() - this.valueAtLastRead, bound) >= bound;
  }

  /**
   * At most what all units kept since the last read (and ArrayBuffer memory), or undefined
   * when V8 ran a full GC of its own since (it frees old garbage, which can hide it).
   * Without one, the old generation only grows: after a scavenge, the heap's growth past
   * the old generation at the last read holds all that was kept since, whatever garbage
   * was promoted with it. What Mocha keeps per test aside.
   */
  private keptSinceReadAtMost(): number | undefined {
    if (this.majorGcSinceRead) return undefined;
    const runnerKeeps = RUNNER_KEEPS_PER_UNIT * this.unitsSinceRead;
    return this.afterScavenges(() => uncollectedValue() - this.outsideYoungAtLastRead - runnerKeeps, this.options.threshold);
  }

  /**
   * `measure()` after a scavenge, and after a second one where the first leaves it at
   * `atLeast` or more only by what V8's count of external memory grew since the last read:
   * that count still holds the ArrayBuffer stores the scavenge freed (see externalMemory;
   * every time here, 3 MiB of buffers a test dropped), and a second scavenge (~1 ms) spares
   * a read (~30-50 ms). Where the heap grew by what the tests kept, no second one.
   */
  private afterScavenges(measure: () => number, atLeast: number): number {
    minorGc();
    const once = measure();
    if (once < atLeast || once - (externalMemory() - this.externalMemoryAtLastRead) >= atLeast) return once;
    minorGc();
    return measure();
  }

  /** Whether `reads` reads fit the budget (judged by what the last one cost), or one may be forced past it. */
  private mayRead(reason: ReadReason, reads = 1): boolean {
    // Reads for growth alone get half the run's share, and none of the floor: that is for
    // reads that judge a unit, and a short clean suite paid its growth reads for nothing
    // (serve-static, body-parser: one of ~25 ms each, 2-3.5% of their time).
    if (reason === 'growth') return this.fitsBudget(reads, 0.5, { floor: false });
    if (this.fitsBudget(reads)) return true;
    if (reason === 'settle' && this.freeReadLeft()) {
      this.freeReads++;
      return true;
    }
    if (reason !== 'must' || this.forcedReads >= FORCED_READS) return false;
    this.forcedReads++;
    return true;
  }

  /** Whether a read where a suite ends fits now (see mayRead), without counting it. */
  private couldReadAtSuiteEnd(): boolean {
    return this.fitsBudget(1) || this.freeReadLeft();
  }

  /** Whether `reads` more reads, each costing what one would now (see readCostMs), fit `share` of the budget. */
  private fitsBudget(reads: number, share = 1, { floor = true } = {}): boolean {
    return this.readMs + reads * this.readCostMs() <= share * this.readBudgetMs({ floor });
  }

  /**
   * What a read would cost now: what the last one did, more as the heap its full GC goes
   * through has grown since (a GC's time grows with the heap). Not less where it shrank:
   * a read costs its profile and pauses too. Judged by the last read's time alone, a heap
   * that grew from 12 MB (the first read's guess: 14 ms) to 103 MB got a read of 340 ms
   * from a budget of 14 (keeps-10x40).
   */
  private readCostMs(): number {
    return this.lastReadMs * Math.max(1, oldHeapUsed() / this.heapAtLastReadStart);
  }

  /** A read past the budget where a suite ends is left (see FREE_READS). */
  private freeReadLeft(): boolean {
    return this.freeReads < FREE_READS && heapIsSmall();
  }

  /** leakguard's time for reads so far (see READ_BUDGET_SHARE); `floor: false`: the run's share alone. */
  private readBudgetMs({ floor = true } = {}): number {
    const share = READ_BUDGET_SHARE * (nowMs() - this.startedAt);
    return floor ? Math.max(READ_BUDGET_MS, share) : share;
  }

  /**
   * A read: the live samples (V8 runs a full GC to give them: the inspector's sampling
   * profiler always does). Attribute the new ones to their windows, under their sites;
   * count what settled units keep; note what went.
   */
  private async read({ external = false } = {}): Promise<void> {
    // What a unit just let go may stay reachable for a few turns (queued callbacks).
    for (const pause of QUEUED_WORK_PAUSES) await sleep(pause);
    const started = nowMs();
    this.heapAtLastReadStart = oldHeapUsed();
    // Inside V8's incremental marking cycle, the profile's GC would keep what a cleanup
    // dropped during the cycle: the cycle is ended first (see finishMarking), where one
    // more full GC is cheap (a small heap) or fits the budget. Rare (no read in seven real
    // suites fell in one), but a growing heap's last read often does, where that GC would
    // cost ~0.3 s per 256 MB and the little it could free is dwarfed by what stays.
    if (this.sampler.markingUnfinished && (heapIsSmall() || this.fitsBudget(2))) await this.sampler.finishMarking();
    const result = await this.sampler.read();
    this.hasRead = true;
    // V8 frees ArrayBuffer stores on another thread after a GC; a second GC waits for it,
    // so that the count says what is still alive. Only where that count judges a unit.
    if (external) fullGc();
    const arrayBuffers = arrayBufferBytes();
    this.externalGrowthAtRead = arrayBuffers - this.externalAtLastRead;
    this.externalAtLastRead = arrayBuffers;
    this.valueAtLastRead = uncollectedValue();
    this.outsideYoungAtLastRead = outsideYoungValue();
    this.externalMemoryAtLastRead = externalMemory();
    const heap = v8.getHeapStatistics().used_heap_size;
    // Growth that a read finds was mostly garbage (the live memory grew by less than half
    // the step) is worth a read only at twice the step from now on, up to 16 times: a
    // clean suite's promoted garbage stops costing reads; live memory that grows brings
    // the step back.
    const liveGrowth = heap - this.heapAtLastRead + this.externalGrowthAtRead;
    this.readAfterGrowth = liveGrowth >= this.options.readAfterGrowth / 2 ? this.options.readAfterGrowth : Math.min(2 * this.readAfterGrowth, 16 * this.options.readAfterGrowth);
    this.heapAtLastRead = heap;
    this.unitsSinceRead = 0;
    this.noteGcs();
    this.majorGcSinceRead = false;
    this.readEndedAt = performanceNow();
    this.lastReadMs = nowMs() - started;
    this.readMs += this.lastReadMs;
    this.readCount++;
    // Samples may fall from here on: the next unit starts at a marker of its own.
    this.lastBoundary = -1;

    // Boundaries of this read and the one before: a window may begin before a read and end after it.
    const ordinals = new Map([...this.previousOrdinals, ...result.boundaries]);
    this.previousOrdinals = result.boundaries;
    const windows: Window[] = [];
    for (const window of this.unread) {
      window.fromOrdinal = ordinals.get(window.from);
      window.toOrdinal = ordinals.get(window.to);
      if (window.fromOrdinal !== undefined && window.toOrdinal !== undefined && window.toOrdinal > window.fromOrdinal) windows.push(window);
    }
    this.unsettled.push(...this.unread.filter((window) => !window.settled));
    this.unread = [];

    const fed = new Set<SiteStats>();
    for (const sample of result.samples) {
      if (sample.ordinal <= this.lastOrdinal) continue;
      const window = windowOf(windows, sample.ordinal);
      if (!window) continue;
      const site = this.siteFor(sample.site, window);
      this.ledger.set(sample.ordinal, { window, site, bytes: sample.bytes, kept: false });
      fed.add(this.statsOf(site));
    }
    this.lastOrdinal = Math.max(this.lastOrdinal, result.lastOrdinal);
    this.judgeLiveness(result.alive, fed);
    this.unsettled = this.unsettled.filter((window) => !window.settled);
  }

  /** What of the ledger is alive, what went (`fed`: the sites that got new samples), and what settled units keep. */
  private judgeLiveness(alive: Set<number>, fed: Set<SiteStats>): void {
    const live = new Map<SiteStats, number>();
    const released = new Set<SiteStats>();
    for (const [ordinal, entry] of this.ledger) {
      const stats = this.statsOf(entry.site);
      if (!alive.has(ordinal)) {
        released.add(stats);
        this.ledger.delete(ordinal);
        continue;
      }
      live.set(stats, (live.get(stats) ?? 0) + entry.bytes);
      if (!entry.kept && entry.window.settled && !entry.window.repeatOf) {
        entry.kept = true;
        stats.keptBy.set(entry.window, (stats.keptBy.get(entry.window) ?? 0) + entry.bytes);
      }
    }
    for (const stats of fed) {
      if (released.has(stats)) stats.turnedOver = true;
      stats.peakBeforeLastFed = Math.max(stats.peakBeforeLastFed, stats.liveWhenLastFed);
      stats.liveWhenLastFed = live.get(stats) ?? 0;
    }
  }

  /**
   * The sample's site; one in a script V8 has dropped is named by the file of the unit
   * that allocated it (the line is gone with the script), one per script and function.
   */
  private siteFor(site: AllocationSite, window: Window): AllocationSite {
    if (!site.id.startsWith(LOST_SCRIPT)) return site;
    const known = this.lostSites.get(site.id);
    if (known) return known;
    const file = window.unit.file ?? '(a script no longer loaded)';
    // Allocated by the test's body or by anonymous functions inside it (a callback it
    // passes: no named function of the project's on the stack): named by where the body is,
    // if it was located while it lived. A named function keeps its name (below).
    const bodyAt = (window.repeatOf ?? window).bodyAt;
    const inBody = (frame: string) => frame.startsWith(LOST_SCRIPT) && scriptIdOf(frame) === bodyAt?.scriptId && frame.split(':')[1]!.startsWith('#');
    if (bodyAt && window.unit.file && !site.fn && site.stack.every(inBody)) {
      const id = `${window.unit.file}:${bodyAt.lineNumber + 1}:${bodyAt.columnNumber + 1}`;
      const named = { id, fn: site.fn, stack: [id] };
      this.lostSites.set(site.id, named);
      return named;
    }
    const anonymous = this.lostSites.size + 1;
    const id = `${file} (${site.fn || `anonymous function #${anonymous}`}, line no longer known)`;
    const named = { id, fn: site.fn, stack: site.stack.map((frame) => (frame.startsWith(LOST_SCRIPT) ? id : frame)) };
    this.lostSites.set(site.id, named);
    return named;
  }

  private statsOf(site: AllocationSite): SiteStats {
    let stats = this.sites.get(site.id);
    if (!stats) {
      stats = { site, keptBy: new Map(), turnedOver: false, liveWhenLastFed: 0, peakBeforeLastFed: 0 };
      this.sites.set(site.id, stats);
    }
    return stats;
  }

  /** The unit kept ArrayBuffer memory past the threshold, by the read right after it. */
  private keptOffHeap(window: Window): boolean {
    return (window.externalKept ?? 0) > this.options.threshold;
  }

  /**
   * A test that alone has live memory at a site, half the threshold or more (see
   * site-verdict.ts), or that kept ArrayBuffer memory.
   */
  private needsRepeat(window: Window): boolean {
    if (this.keptOffHeap(window)) return true;
    const own = new Map<string, number>();
    const others = new Map<string, number>();
    let total = 0;
    for (const entry of this.ledger.values()) {
      const owner = entry.window.repeatOf ?? entry.window;
      if (owner === window) total += entry.bytes;
      const into = owner === window ? own : owner.unit.kind === 'test' ? others : undefined;
      into?.set(entry.site.id, (into.get(entry.site.id) ?? 0) + entry.bytes);
    }
    if (total <= this.options.threshold) return false;
    return [...own].some(([site, bytes]) => bytes >= this.options.threshold / 2 && (others.get(site) ?? 0) < this.options.threshold / 2);
  }


  /**
   * Why no test can run again now, whichever it is. `afterRead`: a read must come first (at
   * a suite's end), which the budget must leave room for too; the heap's size is then the
   * last read's, which had no garbage (the heap now may hold much).
   */
  private whyNoRepeats({ afterRead = false } = {}): string | undefined {
    if (this.options.repeats <= 0) return 'runs again are off (probes.heap.repeats: 0)';
    if (this.repeatedTests >= MAX_REPEATED_TESTS) return `leakguard runs at most ${MAX_REPEATED_TESTS} tests again per run`;
    // A run again costs two full GCs and a read: free on a small heap, else within the budget.
    const heap = afterRead ? this.heapAtLastRead : v8.getHeapStatistics().used_heap_size;
    if (heap >= FREE_REPEAT_MAX_HEAP && !this.mayRead('repeat', afterRead ? 2 : 1)) {
      return 'leakguard\u2019s time budget for garbage collections was spent';
    }
    return undefined;
  }

  private whyNotRepeat(window: Window): string | undefined {
    const none = this.whyNoRepeats();
    if (none) return none;
    let kept = window.externalKept ?? 0;
    for (const entry of this.ledger.values()) if (entry.window === window) kept += entry.bytes;
    const stats = v8.getHeapStatistics();
    if (stats.used_heap_size + 2 * kept > HEAP_LIMIT_SHARE * stats.heap_size_limit) return 'running it again could take the heap near its limit';
    return undefined;
  }

  /**
   * Run the test again, each run a window of its own, with a full GC before and after:
   * what the heap (and ArrayBuffer memory) grew by over the run again is what it kept.
   * The heap's total, not the site's samples: a site's samples over one run are too few
   * to say it did not grow (a loop's temporaries can take most of them).
   */
  private async repeat(window: Window): Promise<void> {
    const rerun = window.rerun;
    if (!rerun) return;
    this.repeatedTests++;
    this.noted.push(window);
    window.repeats = [];
    for (let run = 0; run < this.options.repeats; run++) {
      const last = run === this.options.repeats - 1;
      const stopTracking = last ? await this.options.track?.(true) : undefined;
      if (stopTracking) this.trackedRecently = true;
      fullGc();
      if (this.trackedRecently) {
        // A heap snapshot was taken (for this test or the one run again before it): an
        // inspector message still holds its chunks for a turn, and V8 frees ArrayBuffer
        // stores on another thread after a GC. Measured as at its end (see read): after
        // queued work has run and a second GC. Else what they let go during the run again
        // came off what it kept ("then 0 B", under load).
        for (const pause of QUEUED_WORK_PAUSES) await sleep(pause);
        fullGc();
        fullGc();
      }
      const before = liveMemory();
      const from = this.placeBoundary();
      try {
        await rerun();
      } catch (error) {
        await stopTracking?.({ discard: true }).catch(() => undefined);
        window.notRepeated = `running it again failed (${error instanceof Error ? error.message : String(error)}), so that says nothing`;
        window.repeats = undefined;
        // What the failed run allocated falls in no window: it is nobody's.
        this.lastBoundary = -1;
        return;
      }
      const to = this.placeBoundary();
      // Right after the run again: what the read allocates is not the test's.
      const tracked = await stopTracking?.().catch(() => undefined);
      if (tracked && !Array.isArray(tracked)) {
        if (tracked.growthByType?.length) window.growthByType = tracked.growthByType;
        if (tracked.retainerPath?.length) window.retainerPath = tracked.retainerPath;
      }
      const again: Window = { unit: window.unit, group: window.group, from, to, settled: false, repeatOf: window };
      this.unread.push(again);
      await this.read({ external: true });
      again.grewBy = Math.max(0, liveMemory() - before);
      window.repeats.push(again);
      // Its snapshot's leftovers are gone with this read's pauses and GCs.
      if (!stopTracking) this.trackedRecently = false;
    }
  }
}

/**
 * Where the bodies of tests that may have kept memory are, while Mocha still has them: no
 * read falls before their suite's end, after which V8 may drop their file's script and the
 * sites in it lose their lines (see siteFor). At most MAX_LOCATED per suite (~0.2 ms each).
 */
function locateBodies(windows: readonly Window[]): void {
  let located = 0;
  for (const window of windows) {
    if (located >= MAX_LOCATED || !window.body) continue;
    window.bodyAt = functionLocation(window.body);
    located++;
  }
}

/** The script id in a lost site's id (`script#12:...`). */
function scriptIdOf(lostId: string): string {
  return lostId.slice(LOST_SCRIPT.length).split(':')[0]!;
}

function sameState(a: MemoryState, b: MemoryState): boolean {
  return a.heap === b.heap && a.young === b.young && a.large === b.large && a.external === b.external && a.gcs === b.gcs;
}

/** The heap is under FREE_READ_MAX_HEAP: a read (a full GC) costs little. */
function heapIsSmall(): boolean {
  return v8.getHeapStatistics().used_heap_size < FREE_READ_MAX_HEAP;
}

/** The window that allocated the sample at `ordinal`: windows are in allocation order. */
function windowOf(windows: Window[], ordinal: number): Window | undefined {
  let low = 0;
  let high = windows.length - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    const window = windows[middle]!;
    if (ordinal <= window.fromOrdinal!) high = middle - 1;
    else if (ordinal >= window.toOrdinal!) low = middle + 1;
    else return window;
  }
  return undefined;
}
