/**
 * Where handles are created: a stack captured when a timer, server, socket, child process
 * or watcher is made, so a leak names the user's line (`test/foo.spec.js:42:7`).
 *
 * async_hooks would see everything, but enabling them turns on V8's promise hooks, which
 * made an await-heavy loop 10x slower here. Instead the few creation points are wrapped
 * (global timers, and the prototypes of net, dgram and child_process, fs.watch), each
 * paying one stack capture (~12 us, formatted at once: see stack-frames.ts) per creation and nothing per promise.
 *
 * Timers get more: their objects are not in process._getActiveHandles(), so the live ones
 * created through the global functions are kept here (in creation order, pruned as they
 * fire or are cleared) so the handles probe can say which timer leaked. Child processes
 * too: the live ones are kept (pruned as they exit) for the children probe, which counts
 * them whether or not they are ref'd.
 */
import { executionAsyncResource } from 'node:async_hooks';
import { ChildProcess } from 'node:child_process';
import * as dgram from 'node:dgram';
import fs = require('node:fs');
import timersModule = require('node:timers');
import * as net from 'node:net';
import { syncBuiltinESMExports } from 'node:module';
import { promisify } from 'node:util';
import { asOwnCode, inOwnCode } from '../core/own-code';
import { captureCreationStack, type CapturedStack } from '../core/stack-frames';

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

/** fs.openSync as it was before tracking: for leakguard's own opens, which need no stack. */
export const openSyncUntracked = fs.openSync;

let sequence = 0;
let installed = false;
/** Live timers created through the wrapped globals, oldest first. */
const liveTimers = new Set<NodeJS.Timeout>();
let pruneAbove = 1024;

export function creationSite(object: object): CreationSite | undefined {
  return (object as Tracked)[SITE];
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

/** For a socket a server accepted: where the server was created. */
export function creationSiteOfServer(handle: object): CreationSite | undefined {
  const server = (handle as { server?: object }).server;
  return server ? creationSite(server) : undefined;
}

/**
 * The current position in creation order: objects created later have a higher sequence.
 * Files opened through fs move it too, so an unchanged sequence means nothing tracked
 * was created or opened.
 */
export function creationSequence(): number {
  return sequence;
}

/**
 * Forget timers that fired or were cleared. Called on every sample, so what is kept is
 * what is live (and leakguard's memory does not grow with the number of timers made).
 */
export function forgetFinishedTimers(): void {
  for (const timer of liveTimers) if (isDone(timer)) liveTimers.delete(timer);
}

/** Timers created through the global functions after `since` that are still pending and ref'd. */
export function pendingTimersSince(since: number): NodeJS.Timeout[] {
  const pending: NodeJS.Timeout[] = [];
  for (const timer of liveTimers) {
    if (isDone(timer)) {
      liveTimers.delete(timer);
      continue;
    }
    if (creationSite(timer)!.sequence > since && timer.hasRef()) pending.push(timer);
  }
  return pending;
}

function isDone(timer: NodeJS.Timeout): boolean {
  // Node marks a timer destroyed when it fired (and does not repeat) or was cleared.
  return (timer as unknown as { _destroyed?: boolean })._destroyed === true;
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

/** The timer item id of a timer's site (as the handles probe names it). */
export function timerId(site: CreationSite): string {
  return `timer:${site.sequence}`;
}

function mark(object: unknown, above: Function, timer?: CreationSite['timer']): void {
  if (typeof object !== 'object' || object === null || (object as Tracked)[SITE]) return;
  const site: CreationSite = { stack: captureCreationStack(above), sequence: ++sequence };
  if (inOwnCode()) site.owned = true;
  else {
    const parent = runningTimer();
    if (parent) site.createdBy = parent.createdBy ?? parent;
  }
  if (timer) site.timer = timer;
  Object.defineProperty(object, SITE, { value: site, enumerable: false, configurable: true });
}

/** Wrap the creation points once per process. Safe to call again. */
export function trackCreationSites(): void {
  if (installed) return;
  installed = true;
  wrapTimer('setTimeout');
  wrapTimer('setInterval');
  wrapMethod(net.Server.prototype, 'listen');
  wrapMethod(net.Socket.prototype, 'connect');
  wrapMethod(dgram.Socket.prototype, 'bind');
  wrapChildSpawn();
  const watch = fs.watch;
  (fs as { watch: typeof fs.watch }).watch = function watchTracked(this: unknown, ...args: Parameters<typeof fs.watch>) {
    const watcher = watch.apply(this, args);
    mark(watcher, watchTracked);
    return watcher;
  } as typeof fs.watch;
  wrapFileOpening();
  // ESM `import { watch } from 'node:fs'` sees the wrapped functions too.
  syncBuiltinESMExports();
}

/**
 * Child processes started through child_process (spawn, exec, execFile, fork all go
 * through ChildProcess.prototype.spawn) that have not exited yet, oldest first. Pruned on
 * every read and, when nothing reads, every time the set has doubled.
 */
const liveChildren = new Set<ChildProcess>();
let pruneChildrenAbove = 64;

/** Child processes started through child_process that are still running, oldest first. */
export function runningChildProcesses(): ChildProcess[] {
  forgetExitedChildren();
  return [...liveChildren];
}

function forgetExitedChildren(): void {
  for (const child of liveChildren) if (hasExited(child)) liveChildren.delete(child);
}

/** Node sets exitCode or signalCode when it has seen the process end (and reaped it). */
function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

function wrapChildSpawn(): void {
  const prototype = ChildProcess.prototype as ChildProcess & { spawn: (...args: unknown[]) => unknown };
  const original = prototype.spawn;
  if (typeof original !== 'function') return;
  const wrapped = function (this: ChildProcess, ...args: unknown[]) {
    mark(this, wrapped);
    const result = original.apply(this, args);
    // No pid: the spawn failed (an 'error' event follows) and there is no process.
    if (typeof this.pid === 'number' && !hasExited(this)) {
      liveChildren.add(this);
      if (liveChildren.size > pruneChildrenAbove) {
        forgetExitedChildren();
        pruneChildrenAbove = Math.max(64, liveChildren.size * 2);
      }
    }
    return result;
  };
  Object.defineProperty(wrapped, 'name', { value: original.name });
  Object.defineProperty(wrapped, 'length', { value: original.length });
  prototype.spawn = wrapped;
}

/**
 * Where each descriptor number was last opened through fs, and the creation sequence it
 * brought that to; a reused number is overwritten.
 */
const openSites = new Map<number, { stack: CapturedStack; sequence: number }>();

/** Where the file on descriptor `fd` was opened, when it was opened through fs. */
export function openSiteOf(fd: number): CapturedStack | undefined {
  return openSites.get(fd)?.stack;
}

/**
 * Whether descriptor `fd` was opened through fs after creation sequence `since`: a
 * number listed before may be a new file, if the old one was closed and the number taken again.
 */
export function openedSince(fd: number, since: number): boolean {
  return (openSites.get(fd)?.sequence ?? 0) > since;
}

function wrapFileOpening(): void {
  const { openSync, open } = fs;
  const openPromise = fs.promises.open;
  (fs as { openSync: typeof fs.openSync }).openSync = function openSyncTracked(this: unknown, ...args: Parameters<typeof fs.openSync>) {
    const fd = openSync.apply(this, args);
    noteFileOpened(fd, captureCreationStack(openSyncTracked));
    return fd;
  };
  (fs as { open: unknown }).open = function openTracked(this: unknown, ...args: unknown[]) {
    const stack = captureCreationStack(openTracked);
    const callback = args.at(-1);
    if (typeof callback === 'function') {
      args[args.length - 1] = function opened(this: unknown, error: unknown, fd: unknown) {
        noteFileOpened(!error && typeof fd === 'number' ? fd : undefined, stack);
        return callback.apply(this, [error, fd]);
      };
    }
    return (open as (...all: unknown[]) => unknown).apply(this, args);
  };
  fs.promises.open = async function openPromiseTracked(this: unknown, ...args: Parameters<typeof fs.promises.open>) {
    const stack = captureCreationStack(openPromiseTracked);
    const handle = await openPromise.apply(this, args);
    noteFileOpened(handle.fd, stack);
    return handle;
  };
}

/** An open through fs ended (`fd` undefined: it failed): the sequence moves, and where it was opened is kept. */
function noteFileOpened(fd: number | undefined, stack: CapturedStack): void {
  sequence++;
  if (fd !== undefined) openSites.set(fd, { stack, sequence });
}

/** leakguard's wrappers of globals, each with the function it wraps. */
const wrappedGlobals = new WeakMap<Function, Function>();

/**
 * The function a global had before leakguard wrapped it, for one of leakguard's wrappers;
 * anything else as it is. Code that kept the global from before leakguard started (a
 * fake-timer library restoring "the real setTimeout") puts back an equivalent function.
 */
export function unwrapGlobal(value: unknown): unknown {
  return (typeof value === 'function' && wrappedGlobals.get(value)) || value;
}

function wrapTimer(kind: 'setTimeout' | 'setInterval'): void {
  const original = globalThis[kind] as (...args: unknown[]) => NodeJS.Timeout;
  const wrapped = function (this: unknown, callback: unknown, delay?: unknown, ...rest: unknown[]) {
    if (inOwnCode()) {
      // A probe's own timer: not tracked, and what its callback creates is the probe's too.
      return original.call(this, typeof callback === 'function' ? asOwnCode(callback as () => unknown) : callback, delay, ...rest);
    }
    const timer = original.call(this, callback, delay, ...rest);
    mark(timer, wrapped, { kind, delayMs: typeof delay === 'number' ? delay : 1 });
    if (creationSite(timer)) liveTimers.add(timer);
    // Samples prune too; this bounds the set when nothing samples (handles probe off).
    if (liveTimers.size > pruneAbove) {
      forgetFinishedTimers();
      pruneAbove = Math.max(1024, liveTimers.size * 2);
    }
    return timer;
  };
  // util.promisify(setTimeout) must keep working.
  const custom = (original as unknown as Record<symbol, unknown>)[promisify.custom];
  if (custom) Object.defineProperty(wrapped, promisify.custom, { value: custom });
  Object.defineProperty(wrapped, 'name', { value: original.name });
  wrappedGlobals.set(wrapped, original);
  (globalThis as Record<string, unknown>)[kind] = wrapped;
  // `import { setInterval } from 'node:timers'` too (syncBuiltinESMExports runs after).
  if (timersModule[kind] === original) (timersModule as Record<string, unknown>)[kind] = wrapped;
}

/** Wrap a method of `prototype`: the object it is called on is marked with where it was created. */
function wrapMethod<T extends object>(prototype: T, name: keyof T & string): void {
  const original = prototype[name] as unknown as (...args: unknown[]) => unknown;
  if (typeof original !== 'function') return;
  const wrapped = function (this: T, ...args: unknown[]) {
    mark(this, wrapped);
    return original.apply(this, args);
  };
  Object.defineProperty(wrapped, 'name', { value: original.name });
  Object.defineProperty(wrapped, 'length', { value: original.length });
  (prototype as Record<string, unknown>)[name] = wrapped;
}
