/**
 * Names a probe stuck in a synchronous loop. Nothing in the process can stop such a loop
 * (no timer fires, no signal handler runs, an 'exit' handler never comes), so the run
 * hangs; the least leakguard owes is to say which probe it hangs in. Before it calls into
 * probe code, the guard notes which probe and what call in shared memory (two stores, a
 * few ns); a worker thread looks at that note every quarter of the limit, and when the
 * same call has been running for longer than the limit, it writes one line to stderr.
 *
 * Started only for runs with custom probes (a thread costs a few MB and ~20 ms): the
 * built-in probes never loop.
 */
import { Worker } from 'node:worker_threads';
import { RealPromise, withTimeLimit } from './real-timers';

/** How long a worker may take to start before the run goes on unwatched. */
const START_LIMIT_MS = 5_000;

/** The calls into probe code the watchdog can name. */
export const PROBE_CALLS = ['create', 'sample', 'newItems', 'describe', 'endLeaked', 'hint', 'dispose', 'mayEndByItself', 'track'] as const;
export type ProbeCall = (typeof PROBE_CALLS)[number];
const CALL_INDEX = Object.fromEntries(PROBE_CALLS.map((call, index) => [call, index])) as Record<ProbeCall, number>;

/** Where one probe's calls are noted: see {@link ProbeWatchdog.slot}. */
export interface WatchSlot {
  enter(call: ProbeCall): void;
  leave(): void;
}

/** Shared memory: [0] the probe in a call (index + 1; 0: none), [1] the call, [2] a count of calls begun. */
const IN_PROBE = 0;
const CALL = 1;
const CALLS_BEGUN = 2;
const SLEEP = 3;

/** The worker: plain JavaScript, given as source (leakguard ships as one bundle, see scripts/build.js). */
const WORKER_SOURCE = String.raw`
const { workerData } = require('node:worker_threads');
const { writeSync } = require('node:fs');
const { buffer, names, calls, limitMs } = workerData;
const state = new Int32Array(buffer);
const pollMs = Math.max(1, Math.floor(limitMs / 4));
let lastBegun = -1;
let stuckFor = 0;
let reported = -1;
for (;;) {
  Atomics.wait(state, ${SLEEP}, 0, pollMs);
  const probe = Atomics.load(state, ${IN_PROBE});
  const begun = Atomics.load(state, ${CALLS_BEGUN});
  stuckFor = probe !== 0 && begun === lastBegun ? stuckFor + pollMs : 0;
  lastBegun = begun;
  if (stuckFor >= limitMs && reported !== begun) {
    reported = begun;
    const call = calls[Atomics.load(state, ${CALL})] || 'a call';
    const line = 'leakguard: probe "' + names[probe - 1] + '" has been in ' + call + '() for over ' + stuckFor +
      ' ms without returning. A synchronous loop in a probe cannot be stopped from inside the process: if the run ' +
      'does not go on, this probe is where it hangs (kill the process, then fix the probe or take it out of "plugins").\n';
    try { writeSync(2, line); } catch {}
  }
}
`;

export class ProbeWatchdog {
  private constructor(
    private readonly state: Int32Array,
    private readonly worker: Worker,
  ) {}

  /**
   * Watch the probes named (in the order of their slots); a call that runs longer than
   * `limitMs` is reported once. Undefined when no worker can be started (then nothing is
   * watched). Resolves once the worker runs: its thread's event loop opens descriptors
   * (an epoll, an eventfd, a pipe), which must not appear while a test is measured.
   */
  static async start(names: readonly string[], limitMs: number): Promise<ProbeWatchdog | undefined> {
    try {
      const buffer = new SharedArrayBuffer(4 * Int32Array.BYTES_PER_ELEMENT);
      const worker = new Worker(WORKER_SOURCE, {
        eval: true,
        workerData: { buffer, names: [...names], calls: [...PROBE_CALLS], limitMs },
        // Its own small heap: it only reads four integers.
        resourceLimits: { maxOldGenerationSizeMb: 8, maxYoungGenerationSizeMb: 1 },
        stdout: false,
        stderr: false,
      });
      // It must never keep the process alive, nor fail the run.
      worker.unref();
      worker.on('error', () => undefined);
      const online = new RealPromise<boolean>((resolve) => {
        worker.once('online', () => resolve(true));
        worker.once('error', () => resolve(false));
        worker.once('exit', () => resolve(false));
      });
      const started = await withTimeLimit(online, START_LIMIT_MS);
      if (started.timedOut || !started.value) {
        await worker.terminate().catch(() => undefined);
        return undefined;
      }
      return new ProbeWatchdog(new Int32Array(buffer), worker);
    } catch {
      return undefined;
    }
  }

  /** Where the probe with this index notes its calls. */
  slot(index: number): WatchSlot {
    const { state } = this;
    return {
      enter(call: ProbeCall): void {
        Atomics.store(state, CALL, CALL_INDEX[call]);
        Atomics.add(state, CALLS_BEGUN, 1);
        Atomics.store(state, IN_PROBE, index + 1);
      },
      leave(): void {
        Atomics.store(state, IN_PROBE, 0);
      },
    };
  }

  /** End the worker; resolves once its thread (and the descriptors of its loop) is gone. */
  async stop(): Promise<void> {
    await this.worker.terminate().catch(() => undefined);
  }
}
