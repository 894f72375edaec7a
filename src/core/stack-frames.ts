/**
 * Stacks captured when something is created, and the user's frames of them as
 * `file:line:col` strings when it leaked.
 */
import * as path from 'node:path';

/** What `captureCreationStack` returns: read `.stack` only when needed. */
export interface CapturedStack {
  readonly stack?: string;
}

/** Frames to collect: enough to get past a library or two to the user's line, cheap to capture. */
const CAPTURED_FRAMES = 10;

/** Stacks held unformatted at most: past this, they are settled at the next capture. */
const MAX_UNSETTLED = 256;

/**
 * A stack captured and not formatted yet. V8 formats a captured trace when `.stack` is
 * first read (~30 us for 10 frames in a busy run, twice what the capture costs: express
 * made 3,500 per run, ~0.1 s of formatting). Unformatted, it holds every frame's function
 * and receiver, which could keep a test's objects alive, a leak of leakguard's own making:
 * so it is held only until {@link settleCapturedStacks}, then formatted, or dropped where
 * what it was captured for has closed since.
 */
class DeferredStack implements CapturedStack {
  private trace: { stack?: unknown } | undefined;
  private text: string | undefined;
  /** Dropped unformatted: its object had closed by the settle, before anything read it. */
  dropped = false;

  constructor(trace: { stack?: unknown }) {
    this.trace = trace;
  }

  get stack(): string | undefined {
    if (this.trace) {
      const trace = this.trace;
      this.trace = undefined;
      // A user's Error.prepareStackTrace runs here, in leakguard's sample: what it throws
      // leaves the stack unknown, and must not stop the sample.
      try {
        const text = trace.stack;
        this.text = typeof text === 'string' ? text : undefined;
      } catch {
        this.text = undefined;
      }
    }
    return this.text;
  }

  drop(): void {
    if (!this.trace) return;
    this.trace = undefined;
    this.dropped = true;
  }
}

/** What a stack was captured for, and whether that is still open: a closed one never needs its stack. */
interface Owner<T extends object = object> {
  object: T;
  isOpen: (object: T) => boolean;
}

interface Unsettled {
  stack: DeferredStack;
  owner?: Owner;
}

let unsettled: Unsettled[] = [];

/**
 * Capture the current stack, starting at the caller of `above`. It is formatted when read
 * or when settled (see {@link settleCapturedStacks}), through whatever
 * Error.prepareStackTrace is installed then (so source maps apply). `owner`: the object it
 * was captured for, with what tells whether that is still open; a stack whose object has
 * closed by the settle is dropped unformatted (a timer that fired, a socket destroyed).
 */
export function captureCreationStack<T extends object>(above: Function, owner?: Owner<T>): CapturedStack {
  const trace: { stack?: unknown } = {};
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = CAPTURED_FRAMES;
  Error.captureStackTrace(trace, above);
  Error.stackTraceLimit = limit;
  const stack = new DeferredStack(trace);
  if (unsettled.length >= MAX_UNSETTLED) settleCapturedStacks();
  unsettled.push({ stack, owner: owner as Owner | undefined });
  return stack;
}

/**
 * Format every stack captured since the last settle whose object is still open, and drop
 * the others': after this, leakguard holds no frame of the code that ran. The engine
 * settles before each sample, so nothing a unit's stacks held is counted as kept.
 */
export function settleCapturedStacks(): void {
  if (unsettled.length === 0) return;
  const settling = unsettled;
  unsettled = [];
  for (const { stack, owner } of settling) {
    let open = true;
    if (owner) {
      try {
        open = owner.isOpen(owner.object);
      } catch {
        open = true;
      }
    }
    if (open) void stack.stack;
    else stack.drop();
  }
}

/** Whether `captured` was dropped unformatted because its object closed (see captureCreationStack). */
export function wasDropped(captured: CapturedStack): boolean {
  return captured instanceof DeferredStack && captured.dropped;
}

/** Format `captured` now, whatever becomes of its object: a stack that something else will name (see CreationSite.createdBy). */
export function keepStack(captured: CapturedStack): void {
  void captured.stack;
}

/**
 * leakguard's own code: src/ under tsx, dist/ as packaged (the one file dist/lib/leakguard.js,
 * which scripts/build.js places two levels below the package root, as this module is).
 */
const LEAKGUARD_DIR = path.resolve(__dirname, '..');

/** leakguard's own code (see LEAKGUARD_DIR). */
export function isLeakguardFile(file: string): boolean {
  return file.startsWith(LEAKGUARD_DIR + path.sep);
}

/** Frames that are never the user's: Node's internals, leakguard itself, Mocha's runner. */
export function isForeign(file: string): boolean {
  return (
    file.startsWith('node:') ||
    file.startsWith('internal/') ||
    isLeakguardFile(file) ||
    /[\\/]node_modules[\\/]mocha[\\/]/.test(file)
  );
}

/** `at fn (file:1:2)` or `at file:1:2` -> { fn, location }. */
const FRAME = /^\s*at (?:(.*?) \()?(.+?):(\d+):(\d+)\)?$/;

export interface Frame {
  /** `file:line:col`, the file as the stack gave it (absolute, or a file:// URL for ESM). */
  location: string;
  file: string;
  fn?: string;
}

/** The user's frames of a captured stack, innermost first, at most `max`. */
export function userFrames(captured: CapturedStack | undefined, max = 5): Frame[] {
  const text = captured?.stack;
  if (typeof text !== 'string') return [];
  const frames: Frame[] = [];
  for (const line of text.split('\n')) {
    const match = FRAME.exec(line);
    if (!match) continue;
    const [, fn, rawFile = '', row, column] = match;
    const file = rawFile.startsWith('file://') ? decodeURIComponent(rawFile.slice('file://'.length)) : rawFile;
    if (isForeign(file)) continue;
    frames.push({ location: `${file}:${row}:${column}`, file, ...(fn ? { fn } : {}) });
    if (frames.length >= max) break;
  }
  return frames;
}

/** The user's frames as `file:line:col` strings, for `LeakItem.stack`. */
export function stackLocations(captured: CapturedStack | undefined, max = 5): string[] {
  return userFrames(captured, max).map((frame) => frame.location);
}

/**
 * The frame to name as where something was created: the first one outside node_modules
 * (the project's own line, which the user can change), else the first. A stack of
 * `file:line:col` strings, innermost first, as in LeakItem.stack.
 */
export function projectFrame(stack: readonly string[]): string | undefined {
  return stack.find((frame) => !/(^|[\\/])node_modules[\\/]/.test(frame)) ?? stack[0];
}

/** Where an item was created, as the summary and the JSON report name it (see {@link creationFrames}). */
export interface CreationFrames {
  /** The frame to name: `file:line:col`, as in the stack. */
  at: string;
  /** The first frame outside node_modules, when `at` is the test's own frame and this one differs (the library line it went through). */
  via?: string;
}

/**
 * The frame to name as where something was created by a unit (a test, a hook) of
 * `unitFile`: the unit's own frame when the stack passes through its file (the line to
 * change: the test that made the resource and did not release it, where the first frame
 * outside node_modules may be library code the user did not write, like a vendored build
 * or the `lib/` of the package under test), with that first frame beside it; else the
 * first frame outside node_modules ({@link projectFrame}).
 */
export function creationFrames(stack: readonly string[], unitFile?: string): CreationFrames | undefined {
  const first = projectFrame(stack);
  if (first === undefined) return undefined;
  const own = unitFile ? stack.find((frame) => sameFile(frameFile(frame), unitFile)) : undefined;
  if (own === undefined || own === first) return { at: first };
  return { at: own, via: first };
}

/** The location of a frame: `/p/a.js:1:2` of `/p/a.js:1:2` or `at fn (/p/a.js:1:2)` (the form custom probes may give). */
export function frameLocation(frame: string): string {
  const text = frame.trim().replace(/^at\s+/, '');
  return /^.+? \((.+)\)$/.exec(text)?.[1] ?? text;
}

/** The file of a frame: `/p/a.js` of `/p/a.js:1:2`, `at fn (/p/a.js:1:2)` or `file:///p/a.js:1:2`. */
function frameFile(frame: string): string {
  const file = frameLocation(frame).replace(/:\d+(?::\d+)?$/, '');
  return file.startsWith('file://') ? decodeURIComponent(file.slice('file://'.length)) : file;
}

/** Whether two paths name the same file, also when one is relative to the project and the other absolute. */
function sameFile(a: string, b: string): boolean {
  if (a === b) return true;
  const [longer, shorter] = a.length > b.length ? [a, b] : [b, a];
  const tail = shorter.replace(/^\.[\\/]/, '');
  return !path.isAbsolute(tail) && (longer.endsWith(`/${tail}`) || longer.endsWith(`\\${tail}`));
}
