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
