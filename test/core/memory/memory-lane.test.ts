/**
 * The memory lane in this very process, fed real readings around real allocations: when it
 * looks at the live heap (a full GC) where a suite ends. A read there serves only a test
 * that may have to run again; a test's garbage must not cost one, and memory a scavenge
 * during the test hid from its readings must still get one.
 */
import { strict as assert } from 'node:assert';
import { constants, PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';
import { fullGc, minorGc } from '../../../src/core/gc';
import { memoryState, youngUsed } from '../../../src/core/memory/heap-numbers';
import { MemoryLane } from '../../../src/core/memory/memory-lane';
import type { UnitInfo } from '../../../src/core/report-model';

const MiB = 1024 * 1024;
const kept: unknown[] = [];

/** Keeps ~`bytes` of small objects. */
function keep(bytes: number): void {
  for (let i = 0; i < bytes / 64; i++) kept.push({ i, tag: `kept-${i}` });
}

/** Allocates ~`bytes` of small objects and drops them, a chunk at a time. */
function churn(bytes: number): void {
  for (let done = 0; done < bytes; done += 256 * 1024) {
    const chunk: unknown[] = [];
    for (let i = 0; i < 4096; i++) chunk.push({ i, tag: `temp-${i}` });
  }
}

/** Fills the young generation with ~`bytes` of garbage, with no scavenge after it began. */
function fillYoung(bytes: number): void {
  let last = youngUsed();
  for (let allocated = 0; allocated < 200 * MiB; allocated += 256 * 1024) {
    churn(256 * 1024);
    const young = youngUsed();
    if (young < last) continue; // a scavenge: start over from what it left
    if (young >= bytes) return;
    last = young;
  }
  assert.fail(`the young generation never held ${bytes} bytes`);
}

/** Runs the work it is given and notes when (see forcedScavenges). */
type Measured = (work: () => unknown) => Promise<void>;

const test = (title: string): UnitInfo => ({ kind: 'test', title, file: 'test/core/memory/memory-lane.test.ts' });

describe('MemoryLane', function () {
  this.timeout(60_000);
  let lane: MemoryLane;

  beforeEach(async () => {
    // The heap as a run begins: no garbage of earlier test files, which would count toward
    // the heap size that decides whether a test may run again within the GC budget.
    fullGc();
    const started = await MemoryLane.start({ threshold: MiB, hint: '', readAfterGrowth: 256 * MiB, repeats: 1 });
    assert.ok(started, 'the sampling heap profiler starts in-process');
    lane = started;
  });

  afterEach(async () => {
    await lane.dispose();
    kept.length = 0;
  });

  /**
   * One test, as Mocha runs it and an adapter hands it to the lane, then its suite's end.
   * `before`: what happens between the last scavenge and the test's begin.
   */
  async function runTest(title: string, body: () => void, rerun: () => Promise<void>, before = () => {}): Promise<void> {
    const group = {};
    // What survives in the young generation at a test's begin counts as the test's when a
    // scavenge promotes it (the lane's estimate errs on the side of a read): none here.
    minorGc();
    minorGc();
    before();
    await endTest(title, group, body, rerun);
    await lane.suiteEnded(group);
  }

  /** A test of `group`, its end handed to the lane as an adapter does (through `measured`, when given); its suite goes on. */
  async function endTest(title: string, group: object, body: () => void, rerun: () => Promise<void>, measured: Measured = async (work) => void (await work())): Promise<void> {
    const begin = memoryState();
    const from = lane.boundary(begin);
    body();
    // Mocha's next hook runs a turn later, when V8 has reported the GCs of the test.
    await new Promise((resolve) => setImmediate(resolve));
    const end = memoryState();
    const to = lane.boundary(end);
    await measured(() => lane.unitEnded({ unit: test(title), group, from, to, begin, end, rerun, body }));
  }

  it('a test that allocated an interval gets a boundary of its own, though the heap reading grew less as V8 swept its old spaces', () => {
    minorGc(); // room in the young generation for what the test keeps
    // A lane's first call always places a marker: the growth below counts from it. (Two
    // calls in a row are not enough to tell: on Node 24, in the full suite, the second
    // placed a marker of its own once.)
    const from = lane.boundary(memoryState());
    const begin = memoryState();
    keep(384 * 1024);
    const end = memoryState();
    assert.ok(end.young - begin.young > 300 * 1024, 'kept in the young generation, no scavenge');
    // As measured on Node 24 while V8 swept old, code and trusted space after a read: the
    // young generation grew by 383 KB, the heap by 63 KB (its samples went to the next
    // test). Here the heap grew by half an interval, clear of what the readings allocate.
    const to = lane.boundary({ ...end, heap: begin.heap + 32 * 1024 });
    assert.notEqual(to, from);
  });

  it('a run that kept nothing and never read ends without a read (no full GC of V8\'s could hide growth)', async () => {
    for (let n = 0; n < 20; n++) await runTest(`trivial ${n}`, () => churn(256 * 1024), async () => {});
    await lane.finish();
    assert.equal(lane.reads, 0);
  });

  it('what tests kept in all is read at the run\'s end, though the young generation was full of garbage when the lane began', async () => {
    await lane.dispose();
    fillYoung(3 * MiB);
    lane = (await MemoryLane.start({ threshold: MiB, hint: '', readAfterGrowth: 256 * MiB, repeats: 1 }))!;
    // Each under the threshold, so no suite end reads: 1.5 MiB in all, which that garbage
    // in the lane's baseline would hide.
    for (let n = 0; n < 5; n++) await runTest(`keeps 300 KiB ${n}`, () => keep(300 * 1024), async () => {});
    assert.equal(lane.reads, 0, 'no read before the end');
    await lane.finish();
    assert.equal(lane.reads, 1);
  });

  it('a test whose temporaries pass the threshold, keeping nothing, costs no read where its suite ends', async () => {
    let reruns = 0;
    await runTest('allocates 24 MiB of temporaries', () => churn(24 * MiB), async () => void reruns++);
    assert.equal(lane.reads, 0);
    assert.equal(reruns, 0);
  });

  it('tests whose ArrayBuffers are garbage by their end cost no read, though V8 counts them freed only a GC later', async () => {
    // V8 frees a collected buffer's store on another thread: after one scavenge, the count
    // still held them in about half of the tests here. (Not more per test: past ~64 MiB of
    // buffers, V8 may run a full GC while they live, which makes them old: then only a read
    // can tell.)
    const group = {};
    for (let n = 0; n < 12; n++) {
      await endTest(`holds 3 MiB of buffers while it runs ${n}`, group, () => {
        const buffers: Buffer[] = [];
        for (let i = 0; i < 3; i++) buffers.push(Buffer.alloc(MiB, 1));
        assert.equal(buffers.length, 3);
      }, async () => {});
    }
    await lane.suiteEnded(group);
    assert.equal(lane.reads, 0);
  });

  it('a test that keeps the threshold is read where its suite ends, and run again', async () => {
    let reruns = 0;
    await runTest('keeps 3 MiB', () => keep(3 * MiB), async () => {
      reruns++;
      keep(3 * MiB);
    });
    assert.ok(lane.reads >= 1, `${lane.reads} reads`);
    assert.equal(reruns, 1);
  });

  it('a read is priced by the heap as it is now, not as it was at the last read: past the budget, a test that kept the threshold is noted, not read and run again', async () => {
    // 160 MiB more heap than when the lane began, out of any test: a read now costs ~0.2 s
    // or more (~1.2 ms per MiB), past the 100 ms a run's budget begins with. Judged by the
    // guess for the heap when the lane began (~1.2 ms per MiB of it), it would fit.
    const ballast: number[] = new Array(20 * MiB).fill(0);
    let reruns = 0;
    await runTest('keeps 3 MiB on a grown heap', () => keep(3 * MiB), async () => {
      reruns++;
      keep(3 * MiB);
    });
    assert.equal(lane.reads, 0, 'no read past the budget');
    assert.equal(reruns, 0);
    const findings = await lane.finish();
    const noted = findings.retainedOnce.find(({ unit }) => unit.title === 'keeps 3 MiB on a grown heap');
    assert.match(noted?.leak.notRepeated ?? '', /time budget/);
    assert.equal(ballast.length, 20 * MiB);
  });

  it('a test whose memory is gone by one more read is not run again', async () => {
    let reruns = 0;
    // Let go once the read where its suite ends is done (what V8 still holds a GC longer).
    let waiting: NodeJS.Immediate | undefined;
    const releaseAfterRead = (): void => {
      if (lane.reads >= 1) kept.length = 0;
      else waiting = setImmediate(releaseAfterRead);
    };
    await runTest(
      'keeps 3 MiB until its suite has been read',
      () => {
        keep(3 * MiB);
        waiting = setImmediate(releaseAfterRead);
      },
      async () => void reruns++,
    );
    clearImmediate(waiting);
    assert.equal(kept.length, 0, 'released after the first read');
    assert.ok(lane.reads >= 2, `${lane.reads} reads`);
    assert.equal(reruns, 0);
  });

  /**
   * The lane's own scavenges (forced GCs) during the work `run` passes to `measured`, counted
   * from V8's GC entries (they come a turn or two after each GC).
   */
  async function forcedScavenges(run: (measured: Measured) => Promise<void>): Promise<number> {
    const entries: PerformanceEntry[] = [];
    const observer = new PerformanceObserver((list) => entries.push(...list.getEntries()));
    observer.observe({ entryTypes: ['gc'] });
    const spans: [number, number][] = [];
    try {
      await run(async (work) => {
        const started = performance.now();
        await work();
        spans.push([started, performance.now()]);
      });
      for (let turn = 0; turn < 3; turn++) await new Promise((resolve) => setImmediate(resolve));
      entries.push(...observer.takeRecords());
    } finally {
      observer.disconnect();
    }
    return entries.filter((entry) => {
      const { detail } = entry as PerformanceEntry & { detail: { kind: number; flags: number } };
      const during = spans.some(([from, to]) => entry.startTime >= from && entry.startTime <= to);
      return during && detail.kind === constants.NODE_PERFORMANCE_GC_MINOR && (detail.flags & constants.NODE_PERFORMANCE_GC_FLAGS_FORCED) !== 0;
    }).length;
  }

  it('a suite whose every test keeps the threshold pays one scavenge to tell so, not one per test', async () => {
    const group = {};
    // While the lane takes each test's end.
    const scavenges = await forcedScavenges(async (measured) => {
      for (let n = 0; n < 5; n++) await endTest(`keeps 1.5 MiB ${n}`, group, () => keep(1.5 * MiB), async () => keep(1.5 * MiB), measured);
    });
    // (None would mean the lane saw no room for a read where the suite ends, as on a heap
    // past 64 MiB with the budget spent: not the case this tests.)
    assert.equal(scavenges, 1, `${scavenges} scavenges while the lane took the 5 tests' ends (heap ${memoryState().heap} bytes)`);
    // And the read where the suite ends is still due.
    await lane.suiteEnded(group);
    assert.ok(lane.reads >= 1, `${lane.reads} reads`);
  });

  it('a suite that ends with no room for a read pays no scavenge to tell whether it needs one', async () => {
    // A lane that begins on a 160 MiB heap: a read costs past the budget, and the heap is
    // past the 64 MiB under which a few reads are free.
    await lane.dispose();
    const ballast: number[] = new Array(20 * MiB).fill(0);
    fullGc();
    lane = (await MemoryLane.start({ threshold: MiB, hint: '', readAfterGrowth: 256 * MiB, repeats: 1 }))!;
    const group = {};
    for (let n = 0; n < 3; n++) await endTest(`keeps 1.5 MiB on a grown heap ${n}`, group, () => keep(1.5 * MiB), async () => keep(1.5 * MiB));
    const scavenges = await forcedScavenges((measured) => measured(() => lane.suiteEnded(group)));
    assert.equal(scavenges, 0, `${scavenges} scavenges where the suite ended (heap ${memoryState().heap} bytes)`);
    assert.equal(lane.reads, 0);
    // What they kept is still judged at the run's end: three tests that fed one site.
    const findings = await lane.finish();
    const named = findings.leaks.map(({ unit }) => unit.title).filter((title) => title.includes('on a grown heap'));
    assert.equal(named.length, 3, `named: ${named.join(', ')}`);
    assert.equal(ballast.length, 20 * MiB);
  });

  it('what a scavenge during a test freed of the garbage before it does not hide what the test kept', async () => {
    let reruns = 0;
    await runTest(
      'keeps 3 MiB while a scavenge frees 6 MiB',
      () => {
        keep(3 * MiB);
        minorGc(); // as V8 does when the young generation is full
      },
      async () => {
        reruns++;
        keep(3 * MiB);
      },
      () => fillYoung(6 * MiB),
    );
    assert.ok(lane.reads >= 1, `${lane.reads} reads`);
    assert.equal(reruns, 1);
  });
});
