/**
 * Reads a V8 heap snapshot (the `.heapsnapshot` JSON) as it streams in, chunk by chunk,
 * without ever holding the whole text or building a JavaScript object per node: a
 * snapshot of a 30 MB heap is ~45 MB of JSON and ~500,000 nodes, and the process it is
 * read in is the one being measured.
 *
 * The format: `snapshot.meta` names the fields of each node and edge, and `nodes` and
 * `edges` are flat arrays of integers, `node_fields.length` (`edge_fields.length`) per
 * node (edge); a node's edges follow those of the node before it, `edge_count` of them,
 * and an edge's `to_node` is the offset of its target in `nodes`. Names are indexes into
 * `strings`, which comes last. The field layout is read from `meta`, never assumed.
 *
 * What is kept: per node its type, name, id and self size, where its edges start; per
 * edge its type, name (or index) and target node. Typed arrays, ~17 bytes per node and
 * ~9 per edge, freed as soon as the caller drops the graph. Strings are kept as their
 * escaped JSON text, cut at {@link MAX_STRING_LENGTH} characters, in one growing byte
 * array, and decoded only when asked for: a path and a few type names need a handful.
 */

/** The snapshot as a graph of typed arrays; node and edge numbers are indexes, from 0. */
export interface HeapGraph {
  readonly nodeCount: number;
  readonly edgeCount: number;
  /** Node type names (`object`, `closure`, `string`, ...) by `nodeType` value. */
  readonly nodeTypes: readonly string[];
  /** Edge type names (`property`, `element`, `context`, `weak`, ...) by `edgeType` value. */
  readonly edgeTypes: readonly string[];
  readonly nodeType: Uint8Array;
  /** Index into the strings: a constructor name, a function name, a string's text. */
  readonly nodeName: Uint32Array;
  /** The heap object id: stable across the snapshots of one process (see heap-snapshot.ts). */
  readonly nodeId: Uint32Array;
  readonly nodeSelfSize: Uint32Array;
  /** The edges of node `n` are `firstEdge[n]` up to `firstEdge[n + 1]` (exclusive). */
  readonly firstEdge: Uint32Array;
  readonly edgeType: Uint8Array;
  /** A string index (property, context, internal, shortcut edges) or a number (element, hidden edges). */
  readonly edgeNameOrIndex: Uint32Array;
  /** The target's node index. */
  readonly edgeTarget: Uint32Array;
  /** The string at `index` (cut to {@link MAX_STRING_LENGTH} characters). */
  string(index: number): string;
}

/** Strings longer than this are cut: names in a path or a type list need no more. */
export const MAX_STRING_LENGTH = 200;

interface SnapshotMeta {
  node_fields: string[];
  node_types: [string[], ...unknown[]];
  edge_fields: string[];
  edge_types: [string[], ...unknown[]];
}

interface SnapshotHeader {
  meta: SnapshotMeta;
  node_count: number;
  edge_count: number;
}

/** Where the reader is in the top-level object. */
const enum State {
  /** Before a key, between members. */
  Members,
  Key,
  Colon,
  Value,
  /** `snapshot`: its text is gathered and parsed as JSON (it is small). */
  Header,
  Numbers,
  Strings,
  /** A member leakguard does not need (`trace_tree`, `locations`, ...). */
  Skip,
  Done,
}

const QUOTE = 34;
const BACKSLASH = 92;
const COMMA = 44;
const COLON = 58;
const OPEN_BRACKET = 91;
const CLOSE_BRACKET = 93;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;
const ZERO = 48;
const NINE = 57;
const U32_MAX = 0xffffffff;

/**
 * Feed it the snapshot's text with `write(chunk)` in order, then `end()`. With
 * `idsOnly`, it only finds the highest heap object id and ignores the rest, keeping
 * nothing (see {@link HeapSnapshotParser.maxHeapObjectId}).
 */
export class HeapSnapshotParser {
  private state: State = State.Members;
  private key = '';
  /** Nesting and string state of the text being gathered or skipped. */
  private depth = 0;
  private inString = false;
  private escaped = false;
  private headerText = '';
  private header: SnapshotHeader | undefined;
  private numbersOf: 'nodes' | 'edges' | undefined;
  private number = -1;
  private position = 0;

  // The graph being filled.
  private nodeFieldCount = 0;
  private edgeFieldCount = 0;
  private nodeFieldRole: Int8Array = new Int8Array(0);
  private edgeFieldRole: Int8Array = new Int8Array(0);
  private nodeType = new Uint8Array(0);
  private nodeName = new Uint32Array(0);
  private nodeId = new Uint32Array(0);
  private nodeSelfSize = new Uint32Array(0);
  private firstEdge = new Uint32Array(0);
  private edgeType = new Uint8Array(0);
  private edgeNameOrIndex = new Uint32Array(0);
  private edgeTarget = new Uint32Array(0);
  private highestId = 0;
  private nodesRead = false;
  private edgesRead = false;

  // The strings, as escaped JSON text.
  private stringBytes = new Uint8Array(0);
  private stringEnds = new Uint32Array(0);
  private stringCount = 0;
  private stringLength = 0;
  private stringByteCount = 0;

  constructor(private readonly options: { idsOnly?: boolean } = {}) {}

  /** The next piece of the snapshot's text. */
  write(chunk: string): void {
    let i = 0;
    const length = chunk.length;
    while (i < length && this.state !== State.Done) {
      switch (this.state) {
        case State.Members: {
          const code = chunk.charCodeAt(i++);
          if (code === QUOTE) {
            this.key = '';
            this.state = State.Key;
          } else if (code === CLOSE_BRACE) {
            this.state = State.Done;
          }
          // `{`, `,` and white space between members.
          break;
        }
        case State.Key: {
          const end = chunk.indexOf('"', i);
          this.key += chunk.slice(i, end === -1 ? length : end);
          if (end === -1) {
            i = length;
          } else {
            i = end + 1;
            this.state = State.Colon;
          }
          break;
        }
        case State.Colon:
          if (chunk.charCodeAt(i++) === COLON) this.state = State.Value;
          break;
        case State.Value:
          i = this.startValue(chunk, i);
          break;
        case State.Header:
          i = this.readHeader(chunk, i);
          break;
        case State.Numbers:
          i = this.readNumbers(chunk, i);
          break;
        case State.Strings:
          i = this.readStrings(chunk, i);
          break;
        case State.Skip:
          i = this.skip(chunk, i);
          break;
      }
    }
  }

  /**
   * The highest heap object id (see {@link isHeapObjectId}), once the nodes have been read
   * (in both modes).
   */
  get maxHeapObjectId(): number {
    if (!this.nodesRead) throw new Error('the heap snapshot ended before its nodes');
    return this.highestId;
  }

  /** The graph; throws when the snapshot was cut short. */
  end(): HeapGraph {
    const header = this.header;
    if (!header || this.state !== State.Done || !this.nodesRead || !this.edgesRead) {
      throw new Error('the heap snapshot is incomplete');
    }
    const stringBytes = this.stringBytes;
    const stringEnds = this.stringEnds;
    const stringCount = this.stringCount;
    const decoded = new Map<number, string>();
    return {
      nodeCount: header.node_count,
      edgeCount: header.edge_count,
      nodeTypes: header.meta.node_types[0],
      edgeTypes: header.meta.edge_types[0],
      nodeType: this.nodeType,
      nodeName: this.nodeName,
      nodeId: this.nodeId,
      nodeSelfSize: this.nodeSelfSize,
      firstEdge: this.firstEdge,
      edgeType: this.edgeType,
      edgeNameOrIndex: this.edgeNameOrIndex,
      edgeTarget: this.edgeTarget,
      string(index: number): string {
        if (index < 0 || index >= stringCount) return '';
        let text = decoded.get(index);
        if (text === undefined) {
          text = decodeEscaped(stringBytes, index === 0 ? 0 : stringEnds[index - 1]!, stringEnds[index]!);
          decoded.set(index, text);
        }
        return text;
      },
    };
  }

  // ---------------------------------------------------------------------------------

  private startValue(chunk: string, i: number): number {
    const code = chunk.charCodeAt(i);
    if (code !== OPEN_BRACE && code !== OPEN_BRACKET && code !== QUOTE && !(code >= ZERO && code <= NINE)) return i + 1;
    const key = this.key;
    if (key === 'snapshot' && code === OPEN_BRACE) {
      this.state = State.Header;
      this.depth = 0;
      this.inString = false;
      this.escaped = false;
      this.headerText = '';
      return i;
    }
    if ((key === 'nodes' || key === 'edges') && code === OPEN_BRACKET && this.header) {
      this.state = State.Numbers;
      this.numbersOf = key;
      this.position = 0;
      this.number = -1;
      return i + 1;
    }
    if (key === 'strings' && code === OPEN_BRACKET && !this.options.idsOnly) {
      this.state = State.Strings;
      this.inString = false;
      this.escaped = false;
      return i + 1;
    }
    this.state = State.Skip;
    this.depth = 0;
    this.inString = false;
    this.escaped = false;
    return i;
  }

  private readHeader(chunk: string, i: number): number {
    const start = i;
    const end = this.scanValue(chunk, i);
    this.headerText += chunk.slice(start, end);
    if (this.depth === 0 && !this.inString) {
      this.setHeader(JSON.parse(this.headerText) as SnapshotHeader);
      this.headerText = '';
      this.state = State.Members;
    }
    return end;
  }

  private skip(chunk: string, i: number): number {
    const end = this.scanValue(chunk, i);
    if (this.depth === 0 && !this.inString) this.state = State.Members;
    return end;
  }

  /**
   * Advance over a JSON value (object, array, string or number) that started at or before
   * `i`; returns where it ended in this chunk (or the chunk's length when it goes on).
   */
  private scanValue(chunk: string, i: number): number {
    const length = chunk.length;
    while (i < length) {
      const code = chunk.charCodeAt(i++);
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (code === BACKSLASH) this.escaped = true;
        else if (code === QUOTE) {
          this.inString = false;
          if (this.depth === 0) return i;
        }
      } else if (code === QUOTE) {
        this.inString = true;
      } else if (code === OPEN_BRACE || code === OPEN_BRACKET) {
        this.depth++;
      } else if (code === CLOSE_BRACE || code === CLOSE_BRACKET) {
        if (--this.depth === 0) return i;
      } else if (this.depth === 0 && (code === COMMA || code === CLOSE_BRACE)) {
        // A bare number at the top level ended.
        return i - 1;
      }
    }
    return i;
  }

  private setHeader(header: SnapshotHeader): void {
    const meta = header.meta;
    if (!meta || !Array.isArray(meta.node_fields) || !Array.isArray(meta.edge_fields)) {
      throw new Error('the heap snapshot has no field layout (snapshot.meta)');
    }
    this.header = header;
    this.nodeFieldCount = meta.node_fields.length;
    this.edgeFieldCount = meta.edge_fields.length;
    this.nodeFieldRole = roles(meta.node_fields, ['type', 'name', 'id', 'self_size', 'edge_count']);
    this.edgeFieldRole = roles(meta.edge_fields, ['type', 'name_or_index', 'to_node']);
    if (this.options.idsOnly) return;
    const nodes = header.node_count;
    const edges = header.edge_count;
    if (!Number.isInteger(nodes) || !Number.isInteger(edges)) throw new Error('the heap snapshot does not give its node and edge counts');
    this.nodeType = new Uint8Array(nodes);
    this.nodeName = new Uint32Array(nodes);
    this.nodeId = new Uint32Array(nodes);
    this.nodeSelfSize = new Uint32Array(nodes);
    this.firstEdge = new Uint32Array(nodes + 1);
    this.edgeType = new Uint8Array(edges);
    this.edgeNameOrIndex = new Uint32Array(edges);
    this.edgeTarget = new Uint32Array(edges);
  }

  private readNumbers(chunk: string, i: number): number {
    const length = chunk.length;
    let number = this.number;
    while (i < length) {
      const code = chunk.charCodeAt(i++);
      if (code >= ZERO && code <= NINE) {
        number = number < 0 ? code - ZERO : number * 10 + (code - ZERO);
      } else if (code === COMMA || code === CLOSE_BRACKET) {
        if (number >= 0) this.store(number);
        number = -1;
        if (code === CLOSE_BRACKET) {
          this.number = -1;
          this.endNumbers();
          return i;
        }
      } else if (code > 32) {
        throw new Error(`unexpected "${String.fromCharCode(code)}" in the heap snapshot's ${this.numbersOf}`);
      }
    }
    this.number = number;
    return i;
  }

  private store(value: number): void {
    const position = this.position++;
    if (this.numbersOf === 'nodes') {
      const node = Math.floor(position / this.nodeFieldCount);
      const field = position - node * this.nodeFieldCount;
      const role = this.nodeFieldRole[field];
      if (role === 2 && isHeapObjectId(value) && value > this.highestId) this.highestId = value;
      if (this.options.idsOnly) return;
      if (node >= this.nodeType.length) throw new Error('the heap snapshot has more nodes than it said');
      switch (role) {
        case 0:
          this.nodeType[node] = value;
          break;
        case 1:
          this.nodeName[node] = value;
          break;
        case 2:
          this.nodeId[node] = Math.min(value, U32_MAX);
          break;
        case 3:
          this.nodeSelfSize[node] = Math.min(value, U32_MAX);
          break;
        case 4:
          this.firstEdge[node + 1] = this.firstEdge[node]! + value;
          break;
      }
    } else {
      const edge = Math.floor(position / this.edgeFieldCount);
      if (edge >= this.edgeType.length) throw new Error('the heap snapshot has more edges than it said');
      switch (this.edgeFieldRole[position - edge * this.edgeFieldCount]) {
        case 0:
          this.edgeType[edge] = value;
          break;
        case 1:
          this.edgeNameOrIndex[edge] = Math.min(value, U32_MAX);
          break;
        case 2:
          this.edgeTarget[edge] = value / this.nodeFieldCount;
          break;
      }
    }
  }

  private endNumbers(): void {
    const header = this.header!;
    if (this.numbersOf === 'nodes') {
      if (this.position !== header.node_count * this.nodeFieldCount) throw new Error('the heap snapshot has fewer nodes than it said');
      this.nodesRead = true;
      if (this.options.idsOnly) {
        // Everything after the nodes is of no use for ids.
        this.state = State.Done;
        this.numbersOf = undefined;
        return;
      }
      if (this.firstEdge[header.node_count] !== header.edge_count) throw new Error('the heap snapshot\'s edge counts do not add up');
    } else {
      if (this.position !== header.edge_count * this.edgeFieldCount) throw new Error('the heap snapshot has fewer edges than it said');
      this.edgesRead = true;
    }
    this.numbersOf = undefined;
    this.state = State.Members;
  }

  private readStrings(chunk: string, i: number): number {
    const length = chunk.length;
    while (i < length) {
      if (!this.inString) {
        const code = chunk.charCodeAt(i++);
        if (code === QUOTE) {
          this.inString = true;
          this.stringLength = 0;
        } else if (code === CLOSE_BRACKET) {
          this.state = State.Members;
          return i;
        }
        continue;
      }
      // Inside a string: copy up to the closing quote (an escaped quote is not one).
      let end = i;
      let closed = false;
      while (end < length) {
        const code = chunk.charCodeAt(end);
        if (this.escaped) {
          this.escaped = false;
        } else if (code === BACKSLASH) {
          this.escaped = true;
        } else if (code === QUOTE) {
          closed = true;
          break;
        }
        end++;
      }
      this.appendString(chunk, i, end);
      if (closed) {
        this.endString();
        i = end + 1;
        this.inString = false;
      } else {
        i = end;
      }
    }
    return i;
  }

  private appendString(chunk: string, from: number, to: number): void {
    const room = MAX_STRING_LENGTH - this.stringLength;
    const end = Math.min(to, from + room);
    if (end <= from) return;
    this.reserveBytes(end - from);
    const bytes = this.stringBytes;
    let at = this.stringByteCount;
    for (let i = from; i < end; i++) {
      const code = chunk.charCodeAt(i);
      // V8 writes strings as ASCII with \u escapes; anything else is kept as a `?`.
      bytes[at++] = code < 128 ? code : 63;
    }
    this.stringByteCount = at;
    this.stringLength += end - from;
  }

  private endString(): void {
    if (this.stringCount === this.stringEnds.length) {
      const grown = new Uint32Array(Math.max(1024, this.stringEnds.length * 2));
      grown.set(this.stringEnds);
      this.stringEnds = grown;
    }
    this.stringEnds[this.stringCount++] = this.stringByteCount;
  }

  private reserveBytes(extra: number): void {
    const needed = this.stringByteCount + extra;
    if (needed <= this.stringBytes.length) return;
    const grown = new Uint8Array(Math.max(needed, 64 * 1024, this.stringBytes.length * 2));
    grown.set(this.stringBytes.subarray(0, this.stringByteCount));
    this.stringBytes = grown;
  }
}

/**
 * V8 numbers the objects of its heap (and the off-heap stores it knows by address, like
 * an ArrayBuffer's) with odd ids, in the order it first sees them; the embedder's nodes
 * (Node.js's `Node / ...` C++ objects) get even ids of their own, new in every snapshot.
 * Only odd ids say "allocated after" (measured on Node 20 and 24).
 */
export function isHeapObjectId(id: number): boolean {
  return id % 2 === 1;
}

/** For each field of a layout, its role: the index of its name in `wanted`, or -1. */
function roles(fields: readonly string[], wanted: readonly string[]): Int8Array {
  for (const name of wanted) {
    if (!fields.includes(name)) throw new Error(`the heap snapshot has no "${name}" field`);
  }
  return Int8Array.from(fields, (field) => wanted.indexOf(field));
}

/** A string kept as escaped JSON text, decoded; a cut in the middle of an escape is dropped. */
function decodeEscaped(bytes: Uint8Array, start: number, end: number): string {
  let text = Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString('latin1');
  for (let attempt = 0; attempt < 6; attempt++) {
    try {
      return JSON.parse(`"${text}"`) as string;
    } catch {
      // Cut inside `\uXXXX` or after a lone backslash: drop the partial escape.
      const slash = text.lastIndexOf('\\');
      if (slash === -1) break;
      text = text.slice(0, slash);
    }
  }
  return text;
}
