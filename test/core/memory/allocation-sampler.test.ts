/**
 * The sampler in this very process: V8's sampling heap profiler, its boundary markers and
 * what a read finds. Real allocations, real profiles.
 */
import { strict as assert } from 'node:assert';
import { constants, PerformanceObserver } from 'node:perf_hooks';
import { AllocationSampler, SAMPLING_INTERVAL } from '../../../src/core/memory/allocation-sampler';

/** A class-level map keyed by input, which each test's cleanup replaces. */
const validator: { errors: Record<string, unknown[]> } = { errors: {} };
function check(field: string): void {
  validator.errors[field] = Array.from({ length: 6000 }, (_, i) => ({ field, i, message: 'required' }));
}

/** Keeps ~`bytes` of small objects, allocated in a function of this file. */
function keepObjects(into: unknown[], bytes: number): void {
  for (let i = 0; i < bytes / 64; i++) into.push({ i, tag: `kept-${i}` });
}

describe('AllocationSampler', function () {
  this.timeout(30_000);
  let sampler: AllocationSampler | undefined;

  before(async () => {
    sampler = await AllocationSampler.start();
    assert.ok(sampler, 'the sampling heap profiler starts in-process');
  });

  after(async () => {
    await sampler?.stop();
  });

  it('places every boundary in allocation order, and what is allocated between two falls between them', async () => {
    const kept: unknown[] = [];
    const boundaries: number[] = [];
    for (let unit = 0; unit < 40; unit++) {
      boundaries.push(sampler!.mark());
      keepObjects(kept, unit % 4 === 0 ? 512 * 1024 : 0);
    }
    boundaries.push(sampler!.mark());
    const read = await sampler!.read();
    const places = boundaries.map((boundary) => read.boundaries.get(boundary));
    assert.ok(places.every((place) => place !== undefined), JSON.stringify(places));
    for (let i = 1; i < places.length; i++) assert.ok(places[i]! > places[i - 1]!, `boundary ${i} at ${places[i]}, before it ${places[i - 1]}`);
    const ours = read.samples.filter((sample) => sample.site.fn === 'keepObjects');
    assert.ok(ours.length >= 40, `${ours.length} samples of what the units kept`);
    // Every sample of keepObjects lies in the window of a unit that kept something.
    for (const sample of ours) {
      const unit = places.findIndex((place, i) => i < places.length - 1 && sample.ordinal > place! && sample.ordinal < places[i + 1]!);
      assert.equal(unit % 4, 0, `sample ${sample.ordinal} in the window of unit ${unit}`);
    }
    assert.match(ours[0]!.site.id, /allocation-sampler\.test\.ts:\d+:\d+$/);
    assert.ok(kept.length > 0);
  });

  it('drops the samples of what was collected: what is alive is what a read finds', async () => {
    let dropped: unknown[] | undefined = [];
    keepObjects(dropped, 2 * 1024 * 1024);
    dropped = undefined;
    const kept: unknown[] = [];
    keepObjects(kept, 2 * 1024 * 1024);
    const read = await sampler!.read();
    const bytes = read.samples.filter((sample) => sample.site.fn === 'keepObjects').reduce((sum, sample) => sum + sample.bytes, 0);
    // What this test keeps (2 MB), with the first test's kept objects: not the dropped 2 MB too.
    assert.ok(bytes < 6 * 1024 * 1024, `${bytes} bytes live at keepObjects`);
    assert.ok(kept.length > 0 && SAMPLING_INTERVAL > 0);
  });

  it('says when V8 is inside an incremental marking cycle, whose end a precise GC forces: then a read drops what the code let go', async () => {
    // Grow the old generation until V8 starts marking incrementally (its GC entry comes a turn later).
    const observer = new PerformanceObserver(() => {});
    observer.observe({ entryTypes: ['gc'] });
    const grown: unknown[] = [];
    let marking = false;
    for (let step = 0; step < 5000 && !marking; step++) {
      keepObjects(grown, 128 * 1024);
      await new Promise((resolve) => setImmediate(resolve));
      for (const entry of observer.takeRecords()) {
        const kind = (entry as { detail?: { kind?: number } }).detail?.kind;
        if (kind === constants.NODE_PERFORMANCE_GC_INCREMENTAL) marking = true;
        else if (kind === constants.NODE_PERFORMANCE_GC_MAJOR) marking = false;
      }
    }
    observer.disconnect();
    assert.ok(marking, 'V8 began an incremental marking cycle');
    assert.equal(sampler!.markingUnfinished, true);
    // Three tests, each cleaned up: the marker may have passed the map, which each one fills.
    for (const field of ['field5', 'field6', 'field7']) {
      check(field);
      validator.errors = {};
    }
    // What the memory lane does before a read inside a cycle.
    await sampler!.finishMarking();
    const read = await sampler!.read();
    grown.length = 0;
    const kept = read.samples.filter((sample) => sample.site.fn === 'check').reduce((sum, sample) => sum + sample.bytes, 0);
    // The three allocated ~1 MB; what may stay is a sample or two of what V8 keeps of check
    // itself (its feedback, the objects' shape), each standing for an interval.
    assert.ok(kept <= 2 * SAMPLING_INTERVAL, `${kept} bytes live at check, which nothing reaches`);
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(sampler!.markingUnfinished, false, 'the full GCs ended the cycle');
  });
});
