/**
 * The settle wait: let transient resources close before a verdict (see SettleRule). Quick
 * turns of the event loop first, then growing pauses in real time while anything left may
 * still go by itself.
 */
import type { GuardedProbe } from './guarded-probe';
import type { LeakItem, Reading } from './probe';
import { nowMs, sleep } from './real-timers';

/** Turns of the event loop the settle tries before it starts to wait in milliseconds. */
export const SETTLE_TURNS = 3;

/** Growth of one probe over a unit. */
export interface Growth {
  delta: number;
  items: LeakItem[] | undefined;
}

/** Re-sample probes that grew until the growth is gone or their settle time is spent. */
export async function settle(
  growths: Map<GuardedProbe, Growth>,
  measure: (probe: GuardedProbe, now: Reading) => Growth | undefined,
  {
    started = nowMs(),
    turnsOnly = false,
    background,
  }: {
    /** When the wait began, in nowMs() time. */
    started?: number;
    /** Only the quick turns of the event loop. */
    turnsOnly?: boolean;
    /** While tests run: its waits end where a unit begins or ends (see between-units.ts); it ends, without a verdict, once `stopped`. */
    background?: { stopped: boolean; pause(ms: number): Promise<void> };
  } = {},
): Promise<void> {
  const pause = background ? (ms: number) => background.pause(ms) : sleep;
  const pending = [...growths].filter(([probe, growth]) => probe.settle && growth.delta > probe.threshold);
  if (pending.length === 0) return;
  const longest = Math.max(...pending.map(([probe]) => probe.settle!.maxWaitMs));
  for (let attempt = 0; pending.length > 0; attempt++) {
    const waited = nowMs() - started;
    if (waited >= longest || (turnsOnly && attempt >= SETTLE_TURNS)) break;
    // After the quick turns, wait only while something may still end by itself: a
    // leaked interval or listening server stays until code closes it.
    if (attempt >= SETTLE_TURNS && !pending.some(([probe, growth]) => probe.mayEndByItself(growth.items))) break;
    // Most of what closes by itself (a socket, a handle) is gone after a turn or two
    // of the event loop: try those first, then back off in real time.
    const wait = attempt < SETTLE_TURNS ? 0 : 2 ** (attempt - SETTLE_TURNS);
    await pause(Math.min(wait, longest - waited));
    if (background?.stopped) return;
    for (let i = pending.length - 1; i >= 0; i--) {
      const [probe, growth] = pending[i]!;
      const rule = probe.settle!;
      if (attempt >= rule.attempts || nowMs() - started > rule.maxWaitMs) {
        pending.splice(i, 1);
        continue;
      }
      const now = await probe.sample();
      const next = now && measure(probe, now);
      if (!next) {
        growths.delete(probe);
        pending.splice(i, 1);
        continue;
      }
      growth.delta = next.delta;
      growth.items = next.items;
      if (next.delta <= probe.threshold) pending.splice(i, 1);
    }
  }
}
