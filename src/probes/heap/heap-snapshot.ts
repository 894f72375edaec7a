/**
 * Heap snapshots of this very process, over the shared inspector session, read as they
 * stream in (heap-snapshot-parser.ts).
 *
 * Telling what a unit of work allocated and kept takes two snapshots: V8 gives every heap
 * object an id when it first appears in a snapshot and keeps it across collections (it
 * tracks moves from then on), and hands out ids in increasing order. So after a first
 * snapshot, every object in a later one whose id is above the first one's highest was
 * allocated in between, and is still alive. The first snapshot is read only for that
 * highest id; nothing of it is kept.
 *
 * Why not one snapshot and `HeapProfiler.startTrackingHeapObjects` to number the objects
 * at the start (cheaper than a snapshot)? While tracking, the inspector runs a full GC and
 * a walk of the heap every 50 ms (Node 20; Node 24 slows the timer down on big heaps):
 * measured, 10 full GCs per second of test time at 30 MB, each ~140 ms, which would slow
 * the repeated test several times over and turn the test's own GC behaviour upside down.
 */
import { type HeapGraph, HeapSnapshotParser } from './heap-snapshot-parser';
import { discardConsoleMessages, post, withEvent } from '../../core/memory/inspector-session';

/** The highest heap object id now: whatever is allocated after this gets a higher one. */
export async function heapObjectIdWatermark(): Promise<number> {
  const parser = new HeapSnapshotParser({ idsOnly: true });
  await takeSnapshot(parser);
  return parser.maxHeapObjectId;
}

/** A snapshot of the heap now, as a graph. */
export async function heapGraph(): Promise<HeapGraph> {
  const parser = new HeapSnapshotParser();
  await takeSnapshot(parser);
  return parser.end();
}

/**
 * Drop V8's table of object ids and stop tracking object moves: a snapshot leaves both on
 * for the life of the process (each collection then updates the table for every object it
 * moves). `HeapProfiler.disable` clears them; it also stops the sampling heap profiler, so
 * call it after reading the sampling profile.
 */
export async function forgetHeapObjectIds(): Promise<void> {
  await post('HeapProfiler.disable');
}

async function takeSnapshot(parser: HeapSnapshotParser): Promise<void> {
  let failure: unknown;
  const onChunk = (params: { chunk: string }) => {
    if (failure !== undefined) return;
    try {
      parser.write(params.chunk);
    } catch (error) {
      // Thrown here, it would surface inside the inspector's event dispatch.
      failure = error;
    }
  };
  // What was logged would show as the test's growth, kept by V8's console.
  discardConsoleMessages();
  await withEvent('HeapProfiler.addHeapSnapshotChunk', onChunk, () =>
    post('HeapProfiler.takeHeapSnapshot', { reportProgress: false }),
  );
  if (failure !== undefined) throw failure;
}
