/**
 * V8's sampling heap profiler, on for the whole run, over the inspector session of this
 * very process. V8 samples one allocation every `interval` bytes and keeps a sample while
 * its object lives, with the allocating stack and an `ordinal` in allocation order; after
 * a full GC, the samples left are what is still reachable.
 *
 * To tell which unit (test, hook) allocated a sample, leakguard places a boundary marker
 * where a unit begins and ends: an allocation V8 is sure to sample. With V8's randomness
 * off (`--sampling-heap-profiler-suppress-randomness`), a sample falls exactly every
 * `interval` bytes, so a few allocations of 0.6 of the interval each hold a sample
 * between them. The marker's sampled size encodes its boundary's number (mod 32):
 * sorted by ordinal, the marker samples give each boundary's place in allocation order,
 * and every other sample falls between two of them. The marker arrays are trimmed to one
 * element at once (V8 trims them in place: the sample stays, the memory goes) and kept only
 * until the next read.
 */
import * as path from 'node:path';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { isForeign, isLeakguardFile } from '../stack-frames';
import { discardConsoleMessages, post } from './inspector-session';
import { MarkingCycle } from './marking-cycle';

/**
 * Bytes between samples: ~64 KiB, 16 samples per MiB: a test that keeps 300 KB draws ~4
 * samples (at 128 KiB, one in ~10 such tests drew none and could not be named). V8's own
 * cost: ~2-7% of a run's time (each sample walks the allocating stack, up to 128 frames).
 * With V8's randomness off, each sample falls this many words
 * further along a loop's repeating allocations: if that is close to a whole number of the
 * loop's periods, a test's few samples all land on the same objects (all temporaries, or
 * all kept ones). 8,209 words was 1 word past a multiple of every period that divides 8,208
 * (2^4 x 3^3 x 19: 2, 3, 4, 6, 8, 9, 12, 16, 18, 19, 24, 27, ... words): a test keeping
 * 300 KB of strings drew no live sample in most runs on Node 24. 8,391 words spreads the
 * first six samples of every period of 3 to 64 words most evenly of the odd counts from
 * 7,800 to 8,600 (the widest gap between them at most 3.5 even shares, 1.7 on average).
 */
export const SAMPLING_INTERVAL = 8 * 8_391;

/**
 * Each marker is three arrays of this many elements, plus 16 per unit of its code: 0.6 of
 * an interval each. Two should hold a sample between them, but V8's count of the bytes
 * between samples slips now and then (measured: 1 boundary in ~10 of two arrays went
 * unsampled); three always hold one, sometimes two (the first is taken). The stride of 16
 * elements (128 bytes) leaves room for what V8 allocates with an array (its header,
 * sometimes an allocation memento).
 */
const MARKER_BASE_LENGTH = Math.ceil((SAMPLING_INTERVAL * 0.6) / 8);
const MARKER_ARRAYS = 3;
const MARKER_STRIDE = 16;
const MARKER_CODES = 32;

/** Frames kept per site, innermost first. */
const MAX_FRAMES = 5;

/** Where a sample was allocated: the user's frames, innermost first (`file:line:col` of each function). */
export interface AllocationSite {
  /**
   * `file:line:col` of the allocating user function: the innermost one, or, when that one
   * is anonymous, the named function of the same file that it runs in. The site's identity.
   */
  id: string;
  /** That function's name ('' for an anonymous one). */
  fn: string;
  stack: string[];
}

/** One live sample: an object still reachable at the read. */
export interface LiveSample {
  ordinal: number;
  /** The bytes it stands for (V8 scales each sample to the allocations it represents). */
  bytes: number;
  site: AllocationSite;
}

/** What a read found: the user's live samples, and the ordinal of every boundary placed since the last read. */
export interface SamplerRead {
  samples: LiveSample[];
  /**
   * The ordinal of every sample alive, the user's or not: a sample attributed at an earlier
   * read may have lost its site since (V8 drops the script of a test file whose functions
   * Mocha dropped), and is alive all the same.
   */
  alive: Set<number>;
  /** Boundary number -> the ordinal where it stands (a boundary V8 did not sample gets the next one's). */
  boundaries: Map<number, number>;
  /** The highest ordinal of the read: every later sample is newer. */
  lastOrdinal: number;
}

interface CallFrame {
  functionName: string;
  scriptId: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children: ProfileNode[];
}

interface SamplingProfile {
  head: ProfileNode;
  samples: { size: number; nodeId: number; ordinal: number }[];
}

/**
 * The marker allocation, compiled in a context of its own: V8 never inlines a function
 * across contexts, so every marker sample's frame is this one, whatever called it.
 */
const MARKER_URL = 'leakguard:boundary-marker';
let markerArray: ((length: number) => unknown[]) | undefined;

function allocateMarker(length: number): unknown[] {
  markerArray ??= new vm.Script('(function boundaryMarker(length) { const a = new Array(length); a.length = 1; return a; })', {
    filename: MARKER_URL,
  }).runInNewContext({}) as (length: number) => unknown[];
  return markerArray(length);
}

export class AllocationSampler {
  /** Boundaries placed since the last read: their marker arrays, kept so that their samples live. */
  private markers: unknown[][] = [];
  private firstUnread = 0;
  private nextBoundary = 0;
  /** The user's named functions seen so far, by script id and name (see userFrame). */
  private readonly knownFrames = new Map<string, UserFrame>();
  private readonly marking = new MarkingCycle();

  private constructor() {}

  /** Start sampling; undefined where the profiler cannot run (no inspector in this build of Node). */
  static async start(): Promise<AllocationSampler | undefined> {
    try {
      v8.setFlagsFromString('--sampling-heap-profiler-suppress-randomness');
      await post('HeapProfiler.startSampling', { samplingInterval: SAMPLING_INTERVAL });
      return new AllocationSampler();
    } catch {
      return undefined;
    }
  }

  /** Place a boundary marker; returns its number. */
  mark(): number {
    const boundary = this.nextBoundary++;
    const length = MARKER_BASE_LENGTH + MARKER_STRIDE * (boundary % MARKER_CODES);
    for (let i = 0; i < MARKER_ARRAYS; i++) this.markers.push(allocateMarker(length));
    return boundary;
  }

  /** The boundaries placed so far. */
  get boundaryCount(): number {
    return this.nextBoundary;
  }

  /**
   * V8 is inside an incremental marking cycle: a read now would keep what the cycle marked
   * though dropped since (see marking-cycle.ts), unless a precise GC comes first.
   */
  get markingUnfinished(): boolean {
    return this.marking.mayBeUnfinished;
  }

  /**
   * End V8's marking cycle, if one is under way, so that the next read's GC is precise: the
   * profile's GC ends the cycle (keeping what it had marked), and the profile is dropped.
   * One full GC, where `gc()` takes two (it ends the cycle, then collects again): with the
   * read's own, two full GCs, not three (keeps-5x20 at 60 MB: 37 + 126 + 127 ms before).
   * The markers placed since the last read stay held.
   */
  async finishMarking(): Promise<void> {
    await post('HeapProfiler.getSamplingProfile');
  }

  /**
   * The live samples, with the place of each boundary placed since the last read. The
   * profile comes after a full GC of V8's own: only what is reachable is left, unless
   * that GC merely finished a marking cycle (see markingUnfinished).
   */
  async read(): Promise<SamplerRead> {
    // What was logged would stay reachable through the profile's GC.
    discardConsoleMessages();
    const { profile } = await post<{ profile: SamplingProfile }>('HeapProfiler.getSamplingProfile');
    const placed = { from: this.firstUnread, to: this.nextBoundary };
    this.firstUnread = this.nextBoundary;
    // Their places are known now: the next GC may take them and their samples.
    this.markers = [];
    return parseProfile(profile, placed, this.knownFrames);
  }

  /**
   * Stop sampling. Through `HeapProfiler.disable`, not `stopSampling`: that one builds a
   * last profile, which costs a full GC (a second on a big heap) for nothing.
   */
  async stop(): Promise<void> {
    this.markers = [];
    this.marking.stop();
    await post('HeapProfiler.disable').catch(() => undefined);
  }
}

/**
 * The boundary codes a marker sample's size may encode. V8 reports a sample's size times
 * the number of allocations it stands for (a small whole number for objects near the
 * interval's size).
 */
function markerCodes(bytes: number): number[] {
  const codes: number[] = [];
  for (let count = 1; count <= 4; count++) {
    if (bytes % count !== 0) continue;
    const extra = (bytes / count - 16) / 8 - MARKER_BASE_LENGTH;
    const code = Math.round(extra / MARKER_STRIDE);
    if (Math.abs(extra - code * MARKER_STRIDE) <= 6 && code >= 0 && code < MARKER_CODES) codes.push(code);
  }
  return codes;
}

export function parseProfile(profile: SamplingProfile, placed: { from: number; to: number }, known: Map<string, UserFrame>): SamplerRead {
  const nodes = new Map<number, { site: AllocationSite | undefined; own: boolean; marker: boolean }>();
  interface Named {
    location: string;
    fn: string;
    file: string;
  }
  const walk = (node: ProfileNode, outer: string[], named: Named | undefined): void => {
    const frame = userFrame(node.callFrame, known, node.id);
    const stack = frame ? [frame.location, ...outer].slice(0, MAX_FRAMES) : outer;
    // An anonymous function inside a named one of the same file (an arrow passed to
    // Array.from in `objects`) allocates for that function: one site, under its name; with
    // no named one around it, for the outermost anonymous function of the file it runs in
    // (a test's body): a site V8 can still place once it has dropped the file's script (see
    // MemoryLane.siteFor).
    const site = !frame
      ? named && { id: named.location, fn: named.fn, stack }
      : frame.fn
        ? { id: frame.location, fn: frame.fn, stack }
        : named?.file === frame.file
          ? { id: named.location, fn: named.fn, stack }
          : { id: frame.location, fn: '', stack };
    nodes.set(node.id, {
      site: stack.length > 0 ? (site ?? { id: stack[0]!, fn: '', stack }) : undefined,
      own: isOwnFrame(node.callFrame),
      marker: node.callFrame.url === MARKER_URL,
    });
    const inner = !frame ? named : frame.fn || named?.file !== frame.file ? { location: frame.location, fn: frame.fn, file: frame.file } : named;
    for (const child of node.children) walk(child, stack, inner);
  };
  walk(profile.head, [], undefined);

  const samples: LiveSample[] = [];
  const alive = new Set<number>();
  const markerSamples: { ordinal: number; codes: number[] }[] = [];
  let lastOrdinal = 0;
  // In allocation order: the units that fed a site are then listed in the order they ran.
  for (const sample of [...profile.samples].sort((a, b) => a.ordinal - b.ordinal)) {
    if (sample.ordinal > lastOrdinal) lastOrdinal = sample.ordinal;
    const node = nodes.get(sample.nodeId);
    if (!node) continue;
    alive.add(sample.ordinal);
    if (node.marker) {
      markerSamples.push({ ordinal: sample.ordinal, codes: markerCodes(sample.size) });
      continue;
    }
    if (node.site && !node.own) samples.push({ ordinal: sample.ordinal, bytes: sample.size, site: node.site });
  }
  return { samples, alive, boundaries: placeBoundaries(markerSamples, placed, lastOrdinal), lastOrdinal };
}

/**
 * Match marker samples to boundaries in order: each sample goes to the first boundary at
 * or after the last matched one whose code it carries. A boundary no sample matched takes
 * the place of the next one that did (what fell between is counted with the later unit).
 */
function placeBoundaries(
  markerSamples: { ordinal: number; codes: number[] }[],
  placed: { from: number; to: number },
  lastOrdinal: number,
): Map<number, number> {
  const found = new Map<number, number>();
  let next = placed.from;
  for (const { ordinal, codes } of markerSamples) {
    for (let boundary = next; boundary < placed.to && boundary < next + MARKER_CODES; boundary++) {
      if (!codes.includes(boundary % MARKER_CODES)) continue;
      if (!found.has(boundary)) found.set(boundary, ordinal);
      next = boundary;
      break;
    }
  }
  const places = new Map<number, number>();
  let later = lastOrdinal + 1;
  for (let boundary = placed.to - 1; boundary >= placed.from; boundary--) {
    later = found.get(boundary) ?? later;
    places.set(boundary, later);
  }
  return places;
}

/** leakguard's own frames: its markers and bookkeeping are never a user's allocation. */
function isOwnFrame(callFrame: CallFrame): boolean {
  const file = fileOf(callFrame.url);
  return file !== undefined && isLeakguardFile(file);
}

function fileOf(url: string): string | undefined {
  if (!url) return undefined;
  return url.startsWith('file://') ? decodeURIComponent(new URL(url).pathname) : url;
}

/**
 * The site of a frame whose script V8 has dropped (a test file, once Mocha has dropped its
 * functions and nothing else of it lives): V8 still gives its script id and function name,
 * not its file or line. The memory lane names it by the file of the unit that allocated it.
 */
export const LOST_SCRIPT = 'script#';

interface UserFrame {
  location: string;
  fn: string;
  file: string;
}

/**
 * The user's frame of a call frame, or undefined for Node's, leakguard's and Mocha's. A
 * named function seen while its script lived is remembered (`known`, by script id and
 * name), so that it keeps its file and line once V8 has dropped the script.
 */
function userFrame(callFrame: CallFrame, known: Map<string, UserFrame>, nodeId: number): UserFrame | undefined {
  const key = `${callFrame.scriptId}\u0000${callFrame.functionName}`;
  // Builtins (Array.from) have no script either, and script id 0.
  if (!callFrame.url && callFrame.scriptId && callFrame.scriptId !== '0') {
    const seen = callFrame.functionName ? known.get(key) : undefined;
    if (seen) return seen;
    // An anonymous function of a dropped script is told from the others by its node (V8
    // keeps one per function and call path): two tests' bodies are not one site.
    const lost = `${LOST_SCRIPT}${callFrame.scriptId}`;
    return { location: `${lost}:${callFrame.functionName || `#${nodeId}`}`, fn: callFrame.functionName, file: lost };
  }
  const file = fileOf(callFrame.url);
  if (!file || !path.isAbsolute(file) || isForeign(file)) return undefined;
  const frame = { location: `${file}:${callFrame.lineNumber + 1}:${callFrame.columnNumber + 1}`, fn: callFrame.functionName, file };
  if (callFrame.functionName && !known.has(key)) known.set(key, frame);
  return frame;
}
