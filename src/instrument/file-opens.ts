/**
 * Files opened through fs (open, openSync, fs.promises.open): where each descriptor
 * number was last opened, for the fds probe to name the line of a leaked file, and to
 * tell a number closed and taken again since a reading.
 */
import fs = require('node:fs');
import { captureCreationStack, type CapturedStack } from '../core/stack-frames';
import { nextSequence } from './creation-sites';

/** fs.openSync as it was before tracking: for leakguard's own opens, which need no stack. */
export const openSyncUntracked = fs.openSync;

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

export function wrapFileOpening(): void {
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
  const sequence = nextSequence();
  if (fd !== undefined) openSites.set(fd, { stack, sequence });
}
