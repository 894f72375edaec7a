/**
 * Which kinds of object a unit of work left in the heap, like objgraph's `show_growth`:
 * `+3,000 Object (117 KiB), +3,000 string (70 KiB)`. Works on the objects of a heap
 * snapshot that are new since an earlier one (see heap-snapshot.ts), so it counts what
 * was allocated and is still alive, not a difference of totals that frees elsewhere
 * could hide.
 */
import type { TypeGrowth } from '../../core/probe';
import { type HeapGraph, isHeapObjectId } from './heap-snapshot-parser';

/** At most this many types are kept, the largest. */
export const MAX_GROWTH_TYPES = 10;

/**
 * leakguard's own snapshot reader is alive, and new, while the second snapshot is taken:
 * it and what hangs off it (typed arrays the size of the heap's graph) are not the test's.
 * (The few promises and closures of leakguard's calls that are taking the snapshot are
 * new too; they are a few hundred bytes, below {@link MIN_SHARE}.)
 */
const OWN_READER = 'HeapSnapshotParser';

/**
 * Types holding less than this share of the new bytes are left out: what leakguard's own
 * calls leave (`+8 Function, +5 Promise`, ~1 KiB) is noise next to a leak of a MiB or more.
 */
export const MIN_SHARE = 0.005;

/** Off-heap memory of an ArrayBuffer (Buffers live there): counted with its ArrayBuffer. */
const BACKING_STORE = 'system / JSArrayBufferData';

/**
 * For each node, 1 when it was allocated after `watermark` (the highest id of the earlier
 * snapshot) and is not leakguard's own; 0 otherwise.
 */
export function newObjects(graph: HeapGraph, watermark: number): Uint8Array {
  const fresh = new Uint8Array(graph.nodeCount);
  const { nodeId } = graph;
  for (let node = 0; node < graph.nodeCount; node++) {
    const id = nodeId[node]!;
    if (id > watermark && isHeapObjectId(id)) fresh[node] = 1;
  }
  unmarkOwnReader(graph, fresh);
  return fresh;
}

/**
 * Clear the reader and every new object reachable from it through new objects only: an
 * old object (a prototype, a module) is never crossed, so nothing of the test's is reached.
 */
function unmarkOwnReader(graph: HeapGraph, fresh: Uint8Array): void {
  const objectType = graph.nodeTypes.indexOf('object');
  const stack: number[] = [];
  for (let node = 0; node < graph.nodeCount; node++) {
    if (fresh[node] && graph.nodeType[node] === objectType && graph.string(graph.nodeName[node]!) === OWN_READER) stack.push(node);
  }
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (!fresh[node]) continue;
    fresh[node] = 0;
    for (let edge = graph.firstEdge[node]!; edge < graph.firstEdge[node + 1]!; edge++) {
      const target = graph.edgeTarget[edge]!;
      if (fresh[target]) stack.push(target);
    }
  }
}

/**
 * What JavaScript calls the node's type (its constructor name, `Function`, `string`), or
 * undefined for V8's and Node's internals (code, hidden classes, backing arrays): a
 * developer can do nothing with `+12 system / FeedbackVector`.
 */
export function typeName(graph: HeapGraph, node: number): string | undefined {
  const type = graph.nodeTypes[graph.nodeType[node]!];
  switch (type) {
    case 'object': {
      const name = graph.string(graph.nodeName[node]!);
      if (name.startsWith('system /')) return undefined;
      return name === '' ? 'Object' : name;
    }
    case 'closure':
      return 'Function';
    case 'string':
    case 'concatenated string':
    case 'sliced string':
      return 'string';
    case 'regexp':
      return 'RegExp';
    case 'number':
      return 'number';
    case 'symbol':
      return 'Symbol';
    case 'bigint':
      return 'BigInt';
    default:
      return undefined;
  }
}

/**
 * The new objects by type, the most bytes first (self sizes: each object's own memory,
 * plus, for an ArrayBuffer, its off-heap store). By bytes rather than objgraph's count,
 * because the heap probe reports bytes: a leaked 32 MiB Buffer is one object.
 */
export function constructorGrowth(graph: HeapGraph, fresh: Uint8Array, max = MAX_GROWTH_TYPES): TypeGrowth[] {
  const byType = new Map<string, TypeGrowth>();
  const add = (type: string, count: number, bytes: number) => {
    const entry = byType.get(type);
    if (entry) {
      entry.count += count;
      entry.bytes += bytes;
    } else {
      byType.set(type, { type, count, bytes });
    }
  };
  const nativeType = graph.nodeTypes.indexOf('native');
  for (let node = 0; node < graph.nodeCount; node++) {
    if (!fresh[node]) continue;
    const bytes = graph.nodeSelfSize[node]!;
    const type = typeName(graph, node);
    if (type !== undefined) add(type, 1, bytes);
    else if (graph.nodeType[node] === nativeType && graph.string(graph.nodeName[node]!) === BACKING_STORE) add('ArrayBuffer', 0, bytes);
  }
  const total = [...byType.values()].reduce((sum, entry) => sum + entry.bytes, 0);
  return [...byType.values()]
    .filter((entry) => entry.count > 0)
    .sort((a, b) => b.bytes - a.bytes || b.count - a.count)
    .filter((entry, index) => index === 0 || entry.bytes >= total * MIN_SHARE)
    .slice(0, max);
}
