/**
 * Whether leakguard is running a probe's code right now. What a probe creates while it
 * runs (a timer its create() starts, a socket its sample() opens) is leakguard's, not the
 * test's: the creation points (src/instrument/) leave such timers untracked, and
 * mark other handles so that the handles probe passes them over. Timers made by the
 * callback of such a timer are the probe's too (a poll that re-arms itself).
 *
 * Only the synchronous part of a call counts: what a probe's async sample() creates after
 * its first await is not seen as its own.
 */
let depth = 0;

export function enterOwnCode(): void {
  depth++;
}

export function leaveOwnCode(): void {
  depth--;
}

export function inOwnCode(): boolean {
  return depth > 0;
}

/** `callback`, run as leakguard's own code whenever it is called. */
export function asOwnCode<F extends (...args: never[]) => unknown>(callback: F): F {
  return function ownCallback(this: unknown, ...args: Parameters<F>) {
    depth++;
    try {
      return callback.apply(this, args);
    } finally {
      depth--;
    }
  } as F;
}
