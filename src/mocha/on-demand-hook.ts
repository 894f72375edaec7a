/**
 * One of leakguard's root hooks, kept out of Mocha's hook list until a test needs it.
 *
 * Mocha spends ~6 us on each hook it runs, which on a suite of trivial tests is a tenth of
 * its time. A test's window opens where the last one closed (see LeakEngine.next), so
 * leakguard needs no hook to begin a test, and with the runner's events (see
 * RunGuard.measureByTestEvents) none to end most tests either. The root `beforeEach` is
 * put back only for a test after one that left it work: errors held while leakguard
 * waited (they go to the test that runs next), a test still being judged, or a test file
 * that may begin. The root `afterEach`, with test events, only for the last test of a
 * suite: it must be measured before its suite ends, when Mocha drops the suite's test
 * functions and what only they kept.
 *
 * Mocha reads a suite's hook list anew for every test and walks it by index, so a hook is
 * put back or taken out only while another list runs, or between two tests.
 */
import type { MochaHook } from './units';

export class OnDemandHook {
  private armed = true;

  private constructor(
    private readonly list: MochaHook[],
    private readonly hook: MochaHook,
    /** Where it was: before the suite's other root hooks of its kind, as Mocha placed it. */
    private readonly index: number,
  ) {}

  /** Take `hook` out of `list` (one of the root suite's hook lists); undefined if it is not there. */
  static takeOut(list: MochaHook[], hook: MochaHook | undefined): OnDemandHook | undefined {
    const index = hook ? list.indexOf(hook) : -1;
    if (!hook || index === -1) return undefined;
    const onDemand = new OnDemandHook(list, hook, index);
    onDemand.disarm();
    return onDemand;
  }

  /** Run the hook for the next test. */
  arm(): void {
    if (this.armed) return;
    this.armed = true;
    this.list.splice(Math.min(this.index, this.list.length), 0, this.hook);
  }

  /** Do not run it for the next test (it stays armed until this is called). */
  disarm(): void {
    if (!this.armed) return;
    this.armed = false;
    const at = this.list.indexOf(this.hook);
    if (at !== -1) this.list.splice(at, 1);
  }
}
