/**
 * Where leakguard's background work runs: only where a unit (test, hook) begins or ends,
 * inside leakguard's own hook, never while a test's code runs. A settle that samples a
 * probe in the middle of a test changes that test's timing: socket.io-client races a fake
 * clock against a real connection that is refused, and lost that race in 3 of 10 runs
 * with leakguard's samples falling in between (the test then left its fake clock
 * installed, and 52 more failed).
 */
import { nowMs, RealPromise, sleepUnref } from './real-timers';

/** One piece of background work (a settle), as an identity. */
export type BackgroundRun = object;

interface Waiter {
  run: BackgroundRun;
  /** nowMs() time from which it may go on. */
  due: number;
  /** A turn of the event loop has passed since it began to wait. */
  turned: boolean;
  resume: () => void;
}

export class BetweenUnits {
  private waiting: Waiter[] = [];
  /** Runs resumed at the boundary being passed, until each waits again or is done. */
  private readonly resumed = new Set<BackgroundRun>();
  /** The boundary being passed: resolves once every resumed run waits again or is done. */
  private passing: { promise: Promise<void>; resolve: () => void } | undefined;

  /**
   * `run` waits: it goes on where a unit begins or ends, `ms` or more from now and at
   * least one turn of the event loop later (what closes by itself mostly does so within a
   * turn or two).
   */
  wait(run: BackgroundRun, ms: number): Promise<void> {
    const resumed = new RealPromise<void>((resume) => {
      const waiter: Waiter = { run, due: nowMs() + ms, turned: false, resume };
      // Unref'd, and leakguard's own: no probe counts it, nor does it keep the process alive.
      void sleepUnref(0).then(() => (waiter.turned = true));
      this.waiting.push(waiter);
    });
    this.settled(run);
    return resumed;
  }

  /** `run` has ended. */
  done(run: BackgroundRun): void {
    this.settled(run);
  }

  /**
   * A unit begins or ends here: the runs that are due go on. Returns a promise, to be
   * awaited before the unit's code runs, until each of them waits again or is done.
   */
  reached(): Promise<void> | undefined {
    if (this.waiting.length === 0) return undefined;
    const now = nowMs();
    const due = this.waiting.filter((waiter) => waiter.turned && waiter.due <= now);
    if (due.length === 0) return undefined;
    this.waiting = this.waiting.filter((waiter) => !due.includes(waiter));
    if (!this.passing) {
      let resolve!: () => void;
      const promise = new RealPromise<void>((done) => (resolve = done));
      this.passing = { promise, resolve };
    }
    for (const waiter of due) this.resumed.add(waiter.run);
    for (const waiter of due) waiter.resume();
    return this.passing.promise;
  }

  /** Every waiting run goes on now, none awaited: their work is finished in the foreground, or dropped. */
  releaseAll(): void {
    const all = this.waiting;
    this.waiting = [];
    for (const waiter of all) waiter.resume();
  }

  private settled(run: BackgroundRun): void {
    if (!this.resumed.delete(run) || this.resumed.size > 0) return;
    const passing = this.passing;
    this.passing = undefined;
    passing?.resolve();
  }
}
