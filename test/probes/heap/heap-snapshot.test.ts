/**
 * Heap snapshots of this test process, read by leakguard's streaming parser, and what it
 * makes of them: which kinds of object a piece of code left behind (constructor growth)
 * and the path that retains them. Real snapshots, real growth: a module-level Map, a
 * static property of a class, an array, a Buffer.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fullGc } from '../../../src/core/gc';
import { constructorGrowth, newObjects } from '../../../src/probes/heap/constructor-growth';
import { forgetHeapObjectIds, heapGraph, heapObjectIdWatermark } from '../../../src/probes/heap/heap-snapshot';
import { HeapSnapshotParser, MAX_STRING_LENGTH } from '../../../src/probes/heap/heap-snapshot-parser';
import { withEvent, post } from '../../../src/core/memory/inspector-session';
import { ObjectGrowthTracker } from '../../../src/probes/heap/object-growth';
import { retainerPath } from '../../../src/probes/heap/retainer-path';

// Module-level state that tests grow, as a leaky test suite would.
const growingCache = new Map<string, { value: number }>();
const keptRecords: { id: number; label: string }[] = [];
class FormMixin {
  static errors: Record<string, { message: string }> = {};
}
const keptBuffers: Buffer[] = [];

/** What a snapshot over the inspector sends, chunk by chunk, as text. */
async function snapshotChunks(): Promise<string[]> {
  const chunks: string[] = [];
  await withEvent('HeapProfiler.addHeapSnapshotChunk', (params: { chunk: string }) => chunks.push(params.chunk), () =>
    post('HeapProfiler.takeHeapSnapshot', { reportProgress: false }),
  );
  return chunks;
}

/** The snapshot's growth and retainer path over `work`, as the heap probe gets them. */
async function growthOver(work: () => void) {
  fullGc();
  const watermark = await heapObjectIdWatermark();
  try {
    work();
    fullGc();
    const graph = await heapGraph();
    const fresh = newObjects(graph, watermark);
    return { graph, growth: constructorGrowth(graph, fresh), path: retainerPath(graph, fresh) };
  } finally {
    await forgetHeapObjectIds();
  }
}

function parse(text: string, chunkSize: number, options?: { idsOnly?: boolean }): HeapSnapshotParser {
  const parser = new HeapSnapshotParser(options);
  for (let at = 0; at < text.length; at += chunkSize) parser.write(text.slice(at, at + chunkSize));
  return parser;
}

/** The length of `text` as V8 writes it in a snapshot: JSON, ASCII only. */
function escapedLength(text: string): number {
  return JSON.stringify(text).replace(/[\u0080-\uffff]/g, '\\u0000').length - 2;
}

describe('heap snapshots', function () {
  // A snapshot of this process (mocha, tsx, the sources) takes ~0.5-2 s.
  this.timeout(120_000);

  afterEach(async function () {
    growingCache.clear();
    keptRecords.length = 0;
    FormMixin.errors = {};
    keptBuffers.length = 0;
    await forgetHeapObjectIds();
  });

  describe('the streaming parser', function () {
    let text: string;
    before(async function () {
      text = (await snapshotChunks()).join('');
    });

    it('reads a real snapshot into a consistent graph, whatever the chunk boundaries', function () {
      const whole = JSON.parse(text) as {
        snapshot: { meta: { node_fields: string[]; edge_fields: string[] }; node_count: number; edge_count: number };
        nodes: number[];
        edges: number[];
        strings: string[];
      };
      const nodeFields = whole.snapshot.meta.node_fields;
      const edgeFields = whole.snapshot.meta.edge_fields;
      for (const chunkSize of [text.length, 65_536, 4093, 7]) {
        const graph = parse(text, chunkSize).end();
        assert.equal(graph.nodeCount, whole.snapshot.node_count);
        assert.equal(graph.edgeCount, whole.snapshot.edge_count);
        assert.equal(graph.firstEdge[graph.nodeCount], graph.edgeCount);
        // Spot checks against JSON.parse of the same text, read by the field layout.
        for (const node of [0, 1, Math.floor(graph.nodeCount / 2), graph.nodeCount - 1]) {
          const at = node * nodeFields.length;
          assert.equal(graph.nodeId[node], whole.nodes[at + nodeFields.indexOf('id')]);
          assert.equal(graph.nodeSelfSize[node], whole.nodes[at + nodeFields.indexOf('self_size')]);
          const name = whole.strings[whole.nodes[at + nodeFields.indexOf('name')]!]!;
          const read = graph.string(graph.nodeName[node]!);
          // Kept up to MAX_STRING_LENGTH characters of the escaped text.
          if (escapedLength(name) <= MAX_STRING_LENGTH) assert.equal(read, name);
          else assert.ok(name.startsWith(read) && read.length >= MAX_STRING_LENGTH / 6);
        }
        for (const edge of [0, Math.floor(graph.edgeCount / 3), graph.edgeCount - 1]) {
          const at = edge * edgeFields.length;
          assert.equal(graph.edgeTarget[edge]! * nodeFields.length, whole.edges[at + edgeFields.indexOf('to_node')]);
          assert.equal(graph.edgeNameOrIndex[edge], whole.edges[at + edgeFields.indexOf('name_or_index')]);
        }
        // Strings with escapes (the sources of the modules hold quotes, backslashes, newlines).
        const escaped = whole.strings.findIndex((s) => s.length > 20 && escapedLength(s) <= MAX_STRING_LENGTH && /["\\\n]/.test(s));
        assert.ok(escaped >= 0);
        assert.equal(graph.string(escaped), whole.strings[escaped]);
      }
    });

    it('finds the highest heap object id without keeping the graph (idsOnly), the same as a full read', function () {
      const full = parse(text, 65_536);
      const idsOnly = parse(text, 65_536, { idsOnly: true });
      assert.equal(idsOnly.maxHeapObjectId, full.maxHeapObjectId);
      assert.equal(full.maxHeapObjectId % 2, 1, 'heap object ids are odd');
      assert.throws(() => idsOnly.end(), /incomplete/);
    });

    it('refuses a snapshot that was cut short', function () {
      assert.throws(() => parse(text.slice(0, Math.floor(text.length / 2)), 65_536).end(), /incomplete/);
      assert.throws(() => new HeapSnapshotParser().maxHeapObjectId, /before its nodes/);
    });

    it('decodes escapes, including ones cut by the length limit', function () {
      const long = `${'a'.repeat(MAX_STRING_LENGTH - 2)}\u00e9tail`;
      const snapshot = JSON.stringify({
        snapshot: {
          meta: {
            node_fields: ['type', 'name', 'id', 'self_size', 'edge_count'],
            node_types: [['hidden', 'object']],
            edge_fields: ['type', 'name_or_index', 'to_node'],
            edge_types: [['property']],
          },
          node_count: 2,
          edge_count: 1,
        },
        nodes: [0, 0, 1, 0, 1, 1, 1, 3, 16, 0],
        edges: [0, 2, 5],
        strings: ['', 'Quote "and" back\\slash\nline \u2603', 'prop'],
      }).replace(/[\u0080-\uffff]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
      const withLong = snapshot.replace('"prop"]', `"prop",${JSON.stringify(long).replace('\u00e9', '\\u00e9')}]`);
      for (const chunkSize of [1, 3, withLong.length]) {
        const graph = parse(withLong, chunkSize).end();
        assert.equal(graph.string(1), 'Quote "and" back\\slash\nline \u2603');
        assert.equal(graph.string(graph.edgeNameOrIndex[0]!), 'prop');
        assert.equal(graph.edgeTarget[0], 1);
        assert.equal(graph.nodeSelfSize[1], 16);
        // `\u00e9` straddles the limit: dropped whole, not decoded half.
        assert.equal(graph.string(3), 'a'.repeat(MAX_STRING_LENGTH - 2));
      }
    });
  });

  describe('constructor growth and the retainer path', function () {
    it('a module-level Map: its entries, counted by type, and the path names the variable and a key', async function () {
      const { growth, path } = await growthOver(() => {
        for (let i = 0; i < 5000; i++) growingCache.set(`user-${i}`, { value: i });
      });
      const objects = growth.find((entry) => entry.type === 'Object');
      const strings = growth.find((entry) => entry.type === 'string');
      assert.ok(objects && objects.count >= 5000 && objects.count < 5100, JSON.stringify(growth));
      assert.ok(strings && strings.count >= 5000 && strings.count < 5200, JSON.stringify(growth));
      // Most bytes first; V8's hash table behind the Map is internal and not listed.
      assert.deepEqual([...growth].sort((a, b) => b.bytes - a.bytes), growth);
      assert.ok(!growth.some((entry) => /system|internal|array\)/.test(entry.type)), JSON.stringify(growth));
      assert.ok(path, 'a path');
      assert.match(path[0]!, /^\(module scope\) .*heap-snapshot\.test\.ts$/);
      assert.equal(path[1], 'growingCache (Map)');
      assert.match(path[2]!, /^get\("user-\d+"\) \(Object\)$/);
      assert.equal(path.length, 3);
    });

    it('a static property of a class: the path goes through the class to the property', async function () {
      const { growth, path } = await growthOver(() => {
        for (let i = 0; i < 4000; i++) FormMixin.errors[`field${i}`] = { message: `bad value ${i}` };
      });
      assert.equal(growth[0]!.type === 'Object' || growth[0]!.type === 'string', true, JSON.stringify(growth));
      assert.ok(growth.find((entry) => entry.type === 'Object')!.count >= 4000);
      assert.deepEqual(path?.slice(1, 3), ['FormMixin (Function)', 'errors (Object)']);
      assert.match(path![3]!, /^field\d+ \(Object\)$/);
    });

    it('an array of class instances: the count is the number kept, the path ends at an element', async function () {
      class Session {
        constructor(
          readonly id: number,
          readonly label: string,
        ) {}
      }
      const { growth, path } = await growthOver(() => {
        for (let i = 0; i < 3000; i++) keptRecords.push(new Session(i, `session ${i}`));
      });
      const sessions = growth.find((entry) => entry.type === 'Session');
      assert.equal(sessions?.count, 3000, JSON.stringify(growth));
      assert.ok(sessions!.bytes >= 3000 * 16);
      assert.equal(path?.[1], 'keptRecords (Array)');
      assert.match(path![2]!, /^\[\d+\] \(Session\)$/);
    });

    it('the exports of a CommonJS module: the path starts at them, named by the file', async function () {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'leakguard-exports-'));
      const file = path.join(dir, 'registry.js');
      fs.writeFileSync(file, 'module.exports = { entries: [] };\n');
      try {
        const registry = require(file) as { entries: object[] };
        const { path: retained } = await growthOver(() => {
          for (let i = 0; i < 3000; i++) registry.entries.push({ i });
        });
        assert.deepEqual(retained?.slice(0, 2), [`(exports) ${file}`, 'entries (Array)']);
        assert.match(retained![2]!, /^\[\d+\] \(Object\)$/);
      } finally {
        delete require.cache[file];
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });

    it('a Buffer: one ArrayBuffer with its off-heap bytes', async function () {
      const { growth, path } = await growthOver(() => {
        keptBuffers.push(Buffer.alloc(2 * 1024 * 1024, 1));
      });
      assert.equal(growth[0]!.type, 'ArrayBuffer');
      assert.equal(growth[0]!.count, 1);
      assert.ok(growth[0]!.bytes >= 2 * 1024 * 1024);
      assert.equal(path?.[1], 'keptBuffers (Array)');
    });

    it('leaves out leakguard\'s own reader and what was collected', async function () {
      const { growth } = await growthOver(() => {
        let garbage: object[] | null = [];
        for (let i = 0; i < 20000; i++) garbage.push({ i });
        garbage = null;
      });
      const objects = growth.find((entry) => entry.type === 'Object');
      assert.ok(!objects || objects.count < 100, JSON.stringify(growth));
      assert.ok(!growth.some((entry) => /HeapSnapshotParser|Uint32Array|Uint8Array/.test(entry.type)), JSON.stringify(growth));
    });
  });

  describe('the tracker the heap probe uses', function () {
    it('takes no snapshot when told never, or when the earlier runs did not all grow', async function () {
      const warnings: string[] = [];
      const warn = (message: string) => warnings.push(message);
      assert.equal(await new ObjectGrowthTracker('never', warn).begin(true), undefined);
      assert.equal(await new ObjectGrowthTracker('always', warn).begin(false), undefined);
      assert.equal(await new ObjectGrowthTracker('auto', warn).begin(false), undefined);
      assert.deepEqual(warnings, []);
    });

    it('always: a look returns the growth and the path', async function () {
      const tracker = new ObjectGrowthTracker('always', (message) => assert.fail(message));
      fullGc();
      const end = await tracker.begin(true);
      assert.ok(end);
      for (let i = 0; i < 3000; i++) growingCache.set(`k${i}`, { value: i });
      fullGc();
      const found = await end();
      await tracker.dispose();
      assert.ok(found?.growthByType.some((entry) => entry.type === 'Object' && entry.count >= 3000));
      assert.equal(found?.retainerPath?.[1], 'growingCache (Map)');
    });
  });
});
