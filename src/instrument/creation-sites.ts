/**
 * Where handles are created: a stack captured when a timer, server, socket, child process
 * or watcher is made, so a leak names the user's line (`test/foo.spec.js:42:7`).
 *
 * async_hooks would see everything, but enabling them turns on V8's promise hooks, which
 * made an await-heavy loop 10x slower here. Instead the few creation points are wrapped
 * (see ./index.ts), each paying one stack capture per creation (formatted by the next
 * sample, unless what it names has closed by then: see core/stack-frames.ts) and nothing
 * per promise. This module is what they share: the mark each created object carries, and
 * the creation order.
 */
import { executionAsyncResource } from 'node:async_hooks';
import { inOwnCode } from '../core/own-code';
import { captureCreationStack, keepStack, wasDropped, type CapturedStack } from '../core/stack-frames';

export interface CreationSite {
  stack: CapturedStack;
  /** Creation order, shared by all tracked objects. */
  sequence: number;
  /** For timers: what created it and how often it repeats. */
  timer?: { kind: 'setTimeout' | 'setInterval'; delayMs: number };
  /** Created while leakguard ran a probe's code: leakguard's, never a test's (see core/own-code.ts). */
  owned?: true;
  /**
   * Created by the callback of a tracked timer: the first timer of that chain (one the
   * code created outside any timer's callback). Its unit owns this too, wherever it
   * appears (see LeakItem.createdBy).
   */
  createdBy?: CreationSite;
}

const SITE = Symbol.for('leakguard.creationSite');
type Tracked = { [SITE]?: CreationSite };

let sequence = 0;

export function creationSite(object: object): CreationSite | undefined {
  return (object as Tracked)[SITE];
}

/**
 * The current position in creation order: objects created later have a higher sequence.
 * Files opened through fs move it too, so an unchanged sequence means nothing tracked
 * was created or opened.
 */
export function creationSequence(): number {
  return sequence;
}

/** Move the creation order on for something tracked that carries no mark (a file opened through fs); returns the new position. */
export function nextSequence(): number {
  return ++sequence;
}

/**
 * Mark `object` with where it is being created (`above`: the wrapper, whose frame and
 * callers' are left out). `isOpen`: whether it is still open, for a kind that can tell:
 * once it has closed, its stack is dropped unformatted (see captureCreationStack).
 */
export function mark<T extends object>(object: T, above: Function, { timer, isOpen }: { timer?: CreationSite['timer']; isOpen?: (object: T) => boolean } = {}): void {
  if (typeof object !== 'object' || object === null) return;
  const owner = isOpen && { object, isOpen };
  const existing = (object as Tracked)[SITE];
  if (existing) {
    // Opened again (a socket that connects again after it closed): its stack, dropped
    // when it closed, is taken again here.
    if (wasDropped(existing.stack)) existing.stack = captureCreationStack(above, owner);
    return;
  }
  const owned = inOwnCode();
  const parent = owned ? undefined : runningTimer();
  const createdBy = parent && (parent.createdBy ?? parent);
  // Named with this object wherever it is, though its own timer has fired by then (formatted
  // before this capture, which may settle the stacks held so far).
  if (createdBy) keepStack(createdBy.stack);
  const site: CreationSite = { stack: captureCreationStack(above, owner), sequence: ++sequence };
  if (owned) site.owned = true;
  if (createdBy) site.createdBy = createdBy;
  if (timer) site.timer = timer;
  Object.defineProperty(object, SITE, { value: site, enumerable: false, configurable: true });
}

/**
 * The site of the tracked timer whose callback is running, if one is: Node runs a timer's
 * callback with the timer as the current async resource (read without enabling async
 * hooks, and without wrapping the callback, which would show in the user's stacks).
 */
function runningTimer(): CreationSite | undefined {
  const resource: unknown = executionAsyncResource();
  const site = typeof resource === 'object' && resource !== null ? creationSite(resource) : undefined;
  return site?.timer ? site : undefined;
}

/** For a socket a server accepted: where the server was created. */
export function creationSiteOfServer(handle: object): CreationSite | undefined {
  const server = (handle as { server?: object }).server;
  return server ? creationSite(server) : undefined;
}

/** Packages whose own handles belong to the test runner (see disownCreationsBy). */
let runnerPackages: RegExp | undefined;

/**
 * `mocha --watch`: Mocha's file watcher (chokidar) watches the project, and replaces a
 * file's fs.watch() handle when an editor saves it (write a temporary file, rename it
 * over): a handle made while a test runs, which is not the test's. Handles made with no
 * frame outside `packages` (and Node's internals) are disowned from then on.
 */
export function disownCreationsBy(packages: readonly string[]): void {
  runnerPackages = new RegExp(`[\\\\/]node_modules[\\\\/](?:${packages.map((name) => name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})[\\\\/]`);
}

/** Whether `object` was made by the test runner's own code (see disownCreationsBy). */
export function createdByRunner(object: object): boolean {
  const pattern = runnerPackages;
  const text = pattern ? creationSite(object)?.stack.stack : undefined;
  if (!pattern || typeof text !== 'string') return false;
  let runnerFrames = 0;
  for (const line of text.split('\n').slice(1)) {
    const file = /\(?([^()\s]+):\d+:\d+\)?$/.exec(line.trim())?.[1];
    if (file === undefined || file.startsWith('node:') || file.startsWith('internal/')) continue;
    if (!pattern.test(file)) return false;
    runnerFrames++;
  }
  return runnerFrames > 0;
}

/**
 * Wrap a method of `prototype`: the object it is called on is marked with where it was
 * created (`isOpen`: see {@link mark}).
 */
export function wrapMethod<T extends object>(prototype: T, name: keyof T & string, isOpen?: (object: T) => boolean): void {
  const original = prototype[name] as unknown as (...args: unknown[]) => unknown;
  if (typeof original !== 'function') return;
  const wrapped = function (this: T, ...args: unknown[]) {
    mark(this, wrapped, { isOpen });
    return original.apply(this, args);
  };
  Object.defineProperty(wrapped, 'name', { value: original.name });
  Object.defineProperty(wrapped, 'length', { value: original.length });
  (prototype as Record<string, unknown>)[name] = wrapped;
}
