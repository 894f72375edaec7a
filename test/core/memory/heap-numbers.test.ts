/**
 * The cheap heap numbers the memory lane compares, read in this very process.
 */
import { strict as assert } from 'node:assert';
import { minorGc } from '../../../src/core/gc';
import { gcsReported, memoryState } from '../../../src/core/memory/heap-numbers';

const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('heap numbers', () => {
  it('count every GC V8 reports, also those reported while no one was reading', async () => {
    const before = gcsReported();
    minorGc();
    minorGc();
    // Several turns: V8's entries reach the observer's callback, not a later takeRecords().
    for (let i = 0; i < 5; i++) await turn();
    const counted = gcsReported() - before;
    assert.ok(counted >= 2, `${counted} GCs counted`); // and V8's own, if any
  });

  it('read the young generation as part of the heap', () => {
    // Garbage in the young generation, whatever the last scavenge left there (right after
    // one, what survives it may be all there is, and a scavenge then frees nothing).
    minorGc();
    let temporaries: unknown[] = [];
    for (let i = 0; i < 20_000; i++) temporaries.push({ i, tag: `temporary-${i}` });
    temporaries = [];
    const state = memoryState();
    assert.ok(state.young > 0 && state.young < state.heap, JSON.stringify(state));
    minorGc();
    assert.ok(memoryState().young < state.young, 'a scavenge empties the young generation');
  });
});
