/**
 * The sampler in this very process: V8's sampling heap profiler, its boundary markers and
 * what a read finds. Real allocations, real profiles.
 */
import { strict as assert } from 'node:assert';
import { AllocationSampler, SAMPLING_INTERVAL } from '../../../src/core/memory/allocation-sampler';

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
});
