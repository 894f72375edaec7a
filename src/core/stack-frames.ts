/**
 * Stacks captured when something is created, and the user's frames of them as
 * `file:line:col` strings when it leaked.
 */
import * as path from 'node:path';

/** What `captureCreationStack` returns: read `.stack` only when needed. */
export interface CapturedStack {
  stack?: string;
}

/** Frames to collect: enough to get past a library or two to the user's line, cheap to capture. */
const CAPTURED_FRAMES = 10;

/**
 * Capture the current stack, starting at the caller of `above`, as text (~12 us with 10 frames here; more where stacks are deep or source maps apply). It is
 * formatted at once, through whatever Error.prepareStackTrace is installed (so source
 * maps apply): an unformatted trace holds every frame's function and receiver, which
 * would keep a test's objects alive, a leak of leakguard's own making.
 */
export function captureCreationStack(above: Function): CapturedStack {
  const holder: CapturedStack = {};
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = CAPTURED_FRAMES;
  Error.captureStackTrace(holder, above);
  Error.stackTraceLimit = limit;
  return { stack: typeof holder.stack === 'string' ? holder.stack : undefined };
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
