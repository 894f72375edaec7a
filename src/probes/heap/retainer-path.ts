/**
 * Why the memory a test kept is still alive: a path from a GC root to one of the objects
 * it allocated, in a heap snapshot, named the way the code names things:
 *
 *   (module scope) test/cache.spec.js -> cache (Map) -> get("user-17") (Object)
 *
 * memlab and Chrome DevTools' "Retainers" give the same; the choices here keep it short
 * and about the user's code:
 *
 * - Which object: the objects the test left (new since the earlier snapshot) mostly hang
 *   off one old object, the container that grows (`cache`, an array, a static map).
 *   Each old object is scored by the bytes of the new objects below it in the
 *   shortest-path tree; the path leads to the biggest new object right under the best one.
 * - Which path: the shortest, found breadth-first, from the global object first (where
 *   Mocha's suites, and through them every test function, hang), then from the other GC
 *   roots, and from the stack and handle scopes last: those only hold what leakguard
 *   itself is doing while the snapshot is taken. Named edges (properties, variables,
 *   array indexes) are followed before V8's internal ones, so that `errors.field17` is
 *   found rather than `errors`' property store.
 * - How much of it: the path starts at the last thing a reader can find in the code: a
 *   module's (or a function's) variables, named by the file of a function that holds
 *   them, `globalThis` or `process`. V8's internals on the way (a Map's hash table, a
 *   closure's context object) are folded into the step they serve. At most
 *   {@link MAX_STEPS} steps are shown after the start.
 * - Going down: when the first new object under the container is V8's storage (a Map's
 *   new hash table) or a new collection the test filled, the path goes on to what it holds.
 */
import { type HeapGraph } from './heap-snapshot-parser';
import { typeName } from './constructor-growth';

/** Steps shown after the path's start; a longer path loses its middle (`…`). */
export const MAX_STEPS = 7;

/** GC roots that hold what is running while the snapshot is taken: leakguard itself. */
const TRANSIENT_ROOTS = new Set(['(Stack roots)', '(Handle scope)']);

/** A breadth-first shortest-path tree from the GC roots. */
interface PathTree {
  /** The node each node was reached from; -1: not reached. */
  parent: Int32Array;
  /** The edge it was reached by. */
  parentEdge: Uint32Array;
  /** The nodes reached, in the order they were reached. */
  order: Uint32Array;
  reached: number;
}

/** The retainer path to what `fresh` marks (see constructor-growth.ts), or undefined. */
export function retainerPath(graph: HeapGraph, fresh: Uint8Array): string[] | undefined {
  const tree = shortestPaths(graph);
  const target = growingObject(graph, fresh, tree);
  if (target === undefined) return undefined;
  const chain: number[] = [];
  for (let node = target; node > 0; node = tree.parent[node]!) chain.unshift(node);
  return describePath(graph, tree, chain);
}

// ---------------------------------------------------------------------------------------
// The shortest-path tree.

function shortestPaths(graph: HeapGraph): PathTree {
  const { nodeCount, firstEdge, edgeTarget, edgeType } = graph;
  const parent = new Int32Array(nodeCount).fill(-1);
  const parentEdge = new Uint32Array(nodeCount);
  const order = new Uint32Array(nodeCount);
  let reached = 0;
  let next = 0;
  const weak = graph.edgeTypes.indexOf('weak');
  const shortcut = graph.edgeTypes.indexOf('shortcut');
  const visible = new Uint8Array(graph.edgeTypes.length);
  for (const type of ['property', 'element', 'context']) {
    const index = graph.edgeTypes.indexOf(type);
    if (index >= 0) visible[index] = 1;
  }

  const visit = (node: number, from: number, edge: number) => {
    if (parent[node] !== -1) return;
    parent[node] = from;
    parentEdge[node] = edge;
    order[reached++] = node;
  };
  const expand = () => {
    while (next < reached) {
      const node = order[next++]!;
      // Named edges first: of two equally short paths, the one a reader recognises.
      for (let pass = 1; pass >= 0; pass--) {
        for (let edge = firstEdge[node]!; edge < firstEdge[node + 1]!; edge++) {
          const type = edgeType[edge]!;
          if (visible[type] !== pass || type === weak || type === shortcut) continue;
          visit(edgeTarget[edge]!, node, edge);
        }
      }
    }
  };

  const ROOT = 0;
  parent[ROOT] = ROOT;
  // 1. The global object(s): the root's shortcut edges.
  for (let edge = firstEdge[ROOT]!; edge < firstEdge[ROOT + 1]!; edge++) {
    if (edgeType[edge] === shortcut) visit(edgeTarget[edge]!, ROOT, edge);
  }
  expand();
  // 2. The other GC roots, holding back the stack and handle scopes.
  const held: [node: number, from: number, edge: number][] = [];
  for (let edge = firstEdge[ROOT]!; edge < firstEdge[ROOT + 1]!; edge++) {
    const group = edgeTarget[edge]!;
    if (edgeType[edge] === shortcut || parent[group] !== -1) continue;
    visit(group, ROOT, edge);
    for (let inner = firstEdge[group]!; inner < firstEdge[group + 1]!; inner++) {
      const root = edgeTarget[inner]!;
      if (parent[root] === -1 && TRANSIENT_ROOTS.has(graph.string(graph.nodeName[root]!))) {
        held.push([root, group, inner]);
        parent[root] = -2;
      }
    }
  }
  expand();
  // 3. The stack and handle scopes.
  for (const [root, from, edge] of held) {
    parent[root] = -1;
    visit(root, from, edge);
  }
  expand();
  return { parent, parentEdge, order, reached };
}

// ---------------------------------------------------------------------------------------
// The object to explain.

/**
 * The biggest new object right under the old object that holds the most new bytes (see
 * the file comment), or undefined when nothing new is reachable.
 */
function growingObject(graph: HeapGraph, fresh: Uint8Array, tree: PathTree): number | undefined {
  const { parent, order, reached } = tree;
  // For a new node: the bytes of it and the new nodes below it. For an old node: the
  // bytes of the new nodes right below it and theirs: its score as the container.
  const bytes = new Float64Array(graph.nodeCount);
  for (let i = reached - 1; i >= 0; i--) {
    const node = order[i]!;
    if (!fresh[node]) continue;
    bytes[node]! += graph.nodeSelfSize[node]!;
    bytes[parent[node]!]! += bytes[node]!;
  }
  const synthetic = graph.nodeTypes.indexOf('synthetic');
  let container = -1;
  for (let i = 0; i < reached; i++) {
    const node = order[i]!;
    if (fresh[node] || bytes[node] === 0 || graph.nodeType[node] === synthetic || node === 0) continue;
    if (container === -1 || bytes[node]! > bytes[container]!) container = node;
  }
  if (container === -1) return undefined;
  let target = biggestNewChild(graph, fresh, tree, bytes, container);
  // Go on down while the new object is V8's internal storage (a Map's new hash table) or
  // a new collection of the growth itself (an array the test created and filled): what
  // it holds says more. A few levels at most.
  for (let depth = 0; target !== undefined && depth < 3; depth++) {
    const internal = typeName(graph, target) === undefined;
    if (!internal && newElementCount(graph, fresh, tree, target) < 2) break;
    const child = biggestNewChild(graph, fresh, tree, bytes, target);
    if (child === undefined) break;
    target = child;
  }
  return target;
}

/** Of the new nodes reached through `node`, the one holding the most, preferring an object to a string (a Map's keys sit next to its values). */
function biggestNewChild(graph: HeapGraph, fresh: Uint8Array, tree: PathTree, bytes: Float64Array, node: number): number | undefined {
  let best = -1;
  let bestRank = -1;
  for (let edge = graph.firstEdge[node]!; edge < graph.firstEdge[node + 1]!; edge++) {
    const child = graph.edgeTarget[edge]!;
    if (!fresh[child] || tree.parent[child] !== node || tree.parentEdge[child] !== edge) continue;
    const type = typeName(graph, child);
    const rank = type === undefined ? 0 : type === 'string' ? 1 : 2;
    if (rank > bestRank || (rank === bestRank && bytes[child]! > bytes[best]!)) {
      best = child;
      bestRank = rank;
    }
  }
  return best === -1 ? undefined : best;
}

/** How many new objects `node` holds as elements (up to 2): is it a collection the test filled? */
function newElementCount(graph: HeapGraph, fresh: Uint8Array, tree: PathTree, node: number): number {
  const element = graph.edgeTypes.indexOf('element');
  let count = 0;
  for (let edge = graph.firstEdge[node]!; edge < graph.firstEdge[node + 1]!; edge++) {
    if (graph.edgeType[edge] !== element) continue;
    const child = graph.edgeTarget[edge]!;
    if (fresh[child] && tree.parent[child] === node && ++count >= 2) break;
  }
  return count;
}

// ---------------------------------------------------------------------------------------
// The path in words.

function describePath(graph: HeapGraph, tree: PathTree, chain: number[]): string[] {
  const start = pathStart(graph, tree, chain);
  const steps: string[] = [];
  // Edge names of folded internal nodes, carried into the next step.
  let carried = '';
  for (let i = start.index + 1; i < chain.length; i++) {
    const node = chain[i]!;
    const from = chain[i - 1]!;
    const edge = tree.parentEdge[node]!;
    let label = carried + edgeLabel(graph, edge, from);
    carried = '';
    if (isContextObject(graph, node)) {
      // A closure's variables: `fn -> variable`, not `fn -> context -> variable`.
      continue;
    }
    const type = typeName(graph, node);
    if (type === undefined && i < chain.length - 1) {
      // An internal array (a Map's hash table, an object's property store): fold it.
      carried = label;
      const mapEntry = mapEntryLabel(graph, node, chain[i + 1]!, tree, from);
      if (mapEntry) {
        steps.push(`${mapEntry} (${typeName(graph, chain[i + 1]!) ?? internalName(graph, chain[i + 1]!)})`);
        i++;
        carried = '';
      }
      continue;
    }
    label = label === '' ? '' : `${label} `;
    steps.push(`${label}(${type ?? internalName(graph, node)})`);
  }
  const shown = steps.length > MAX_STEPS ? ['…', ...steps.slice(steps.length - (MAX_STEPS - 1))] : steps;
  return [start.label, ...shown];
}

/** Where the path starts being about the user's code (see the file comment). */
function pathStart(graph: HeapGraph, tree: PathTree, chain: number[]): { index: number; label: string } {
  for (let i = chain.length - 2; i >= 0; i--) {
    const node = chain[i]!;
    const exportsOf = i + 2 < chain.length ? moduleExportsFile(graph, tree, node, chain[i + 1]!) : undefined;
    if (exportsOf !== undefined) return { index: i + 1, label: `(exports) ${exportsOf}` };
    if (isGlobalObject(graph, node)) return { index: i, label: 'globalThis' };
    if (isProcessObject(graph, node)) return { index: i, label: 'process' };
    if (isContextObject(graph, node) && i > 0) {
      const file = scriptOf(graph, chain[i - 1]!);
      if (file === undefined) continue;
      const scope = isModuleScope(graph, node) ? 'module scope' : 'closure scope';
      return { index: i, label: `(${scope}) ${file}` };
    }
  }
  // No variable or global on the way: from the GC root it hangs off.
  const first = chain[0]!;
  const root = graph.string(graph.nodeName[first]!) || '(GC roots)';
  return { index: 0, label: root };
}

function edgeLabel(graph: HeapGraph, edge: number, from: number): string {
  const type = graph.edgeTypes[graph.edgeType[edge]!];
  const value = graph.edgeNameOrIndex[edge]!;
  switch (type) {
    case 'element':
    case 'hidden':
      return `[${value}]`;
    case 'property': {
      const name = graph.string(value);
      return isIdentifier(name) || name.startsWith('<symbol') ? name : `[${JSON.stringify(name)}]`;
    }
    case 'internal': {
      const name = graph.string(value);
      if (name === 'context' && graph.nodeTypes[graph.nodeType[from]!] === 'closure') return '';
      return /^\d+$/.test(name) ? `[${name}]` : name;
    }
    default:
      return graph.string(value);
  }
}

/**
 * An entry of a Map reached through its hash table (`table`, then the value's slot): V8
 * keeps each entry as key, value, link, so the key sits in the slot before the value.
 * Named `get("key")` when the key is a string; undefined otherwise (the slot is shown).
 */
function mapEntryLabel(graph: HeapGraph, table: number, value: number, tree: PathTree, owner: number): string | undefined {
  if (graph.string(graph.nodeName[owner]!) !== 'Map') return undefined;
  const tableEdge = tree.parentEdge[table]!;
  if (graph.string(graph.edgeNameOrIndex[tableEdge]!) !== 'table') return undefined;
  const valueEdge = tree.parentEdge[value]!;
  const slot = Number(graph.string(graph.edgeNameOrIndex[valueEdge]!));
  if (!Number.isInteger(slot)) return undefined;
  for (let edge = graph.firstEdge[table]!; edge < graph.firstEdge[table + 1]!; edge++) {
    if (graph.string(graph.edgeNameOrIndex[edge]!) !== String(slot - 1)) continue;
    const key = graph.edgeTarget[edge]!;
    if (typeName(graph, key) !== 'string') return undefined;
    return `get(${JSON.stringify(truncate(graph.string(graph.nodeName[key]!), 40))})`;
  }
  return undefined;
}

/**
 * A CommonJS module's exports (reached through `require.cache`, a `Module`'s `exports`):
 * the module's file, or undefined when `next` is not that.
 */
function moduleExportsFile(graph: HeapGraph, tree: PathTree, node: number, next: number): string | undefined {
  if (graph.nodeTypes[graph.nodeType[node]!] !== 'object' || graph.string(graph.nodeName[node]!) !== 'Module') return undefined;
  const edge = tree.parentEdge[next]!;
  if (graph.edgeTypes[graph.edgeType[edge]!] !== 'property' || graph.string(graph.edgeNameOrIndex[edge]!) !== 'exports') return undefined;
  const filename = namedTarget(graph, node, ['filename', 'id']);
  const file = filename === undefined ? '' : graph.string(graph.nodeName[filename]!);
  return file === '' ? undefined : file;
}

/** The file of a closure's script: closure -> shared function info -> script (its name). */
function scriptOf(graph: HeapGraph, closure: number): string | undefined {
  if (graph.nodeTypes[graph.nodeType[closure]!] !== 'closure') return undefined;
  const shared = namedTarget(graph, closure, ['shared']);
  // `script_or_debug_info` up to V8 11 (Node 20), `script` since.
  const script = shared === undefined ? undefined : namedTarget(graph, shared, ['script', 'script_or_debug_info']);
  if (script === undefined) return undefined;
  const name = graph.string(graph.nodeName[script]!);
  return name === '' || name.startsWith('system /') ? undefined : name;
}

/** The variables of CommonJS's module wrapper function. */
const WRAPPER_VARIABLES = new Set(['exports', 'require', 'module', '__filename', '__dirname']);

/**
 * A function's variables live in a Context. A module's top level is the one right under
 * the native context, or under the CommonJS wrapper's when a loader compiles the module
 * into a function of its own (tsx does: the outer context then holds only `require` & co).
 */
function isModuleScope(graph: HeapGraph, context: number): boolean {
  const previous = namedTarget(graph, context, ['previous']);
  if (previous === undefined) return false;
  if (isNativeContext(graph, previous)) return true;
  if (!isContextObject(graph, previous)) return false;
  const outer = namedTarget(graph, previous, ['previous']);
  if (outer === undefined || !isNativeContext(graph, outer)) return false;
  for (let edge = graph.firstEdge[previous]!; edge < graph.firstEdge[previous + 1]!; edge++) {
    if (graph.edgeTypes[graph.edgeType[edge]!] === 'context' && !WRAPPER_VARIABLES.has(graph.string(graph.edgeNameOrIndex[edge]!))) return false;
  }
  return true;
}

function isNativeContext(graph: HeapGraph, node: number): boolean {
  return graph.string(graph.nodeName[node]!).includes('NativeContext');
}

function isContextObject(graph: HeapGraph, node: number): boolean {
  return graph.string(graph.nodeName[node]!) === 'system / Context';
}

function isProcessObject(graph: HeapGraph, node: number): boolean {
  return graph.nodeTypes[graph.nodeType[node]!] === 'object' && graph.string(graph.nodeName[node]!) === 'process';
}

function isGlobalObject(graph: HeapGraph, node: number): boolean {
  return graph.nodeTypes[graph.nodeType[node]!] === 'object' && /^global( \/|$)/.test(graph.string(graph.nodeName[node]!));
}

/** The target of the first internal or named edge of `node` with one of `names`. */
function namedTarget(graph: HeapGraph, node: number, names: readonly string[]): number | undefined {
  for (let edge = graph.firstEdge[node]!; edge < graph.firstEdge[node + 1]!; edge++) {
    const type = graph.edgeTypes[graph.edgeType[edge]!];
    if (type === 'element' || type === 'hidden') continue;
    if (names.includes(graph.string(graph.edgeNameOrIndex[edge]!))) return graph.edgeTarget[edge]!;
  }
  return undefined;
}

/** A name for an internal node: `(object elements)`, `system / Map` as `(Map)`. */
function internalName(graph: HeapGraph, node: number): string {
  const name = graph.string(graph.nodeName[node]!);
  if (name.startsWith('system / ')) return name.slice('system / '.length);
  return name || graph.nodeTypes[graph.nodeType[node]!] || 'internal';
}

function isIdentifier(name: string): boolean {
  return /^[A-Za-z_$][\w$]*$/.test(name);
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
