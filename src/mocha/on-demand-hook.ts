/**
 * leakguard's root `beforeEach`, kept out of Mocha's hook list until a test needs it.
 *
 * A test's window opens where the last one closed (see LeakEngine.next), so the root
 * `afterEach` alone measures every test. Mocha spends ~15 us on each hook it runs, which
 * on a suite of trivial tests is a tenth of its time. The `beforeEach` is put back only
 * for the test after one that leaves it work: errors held while leakguard waited (they go
 * to the test that runs next), or a test file that may begin. It then takes itself out
 * again once that test has ended.
 *
 * Mocha reads a suite's hook list anew for every test and walks it by index, so the hook
 * is put back or taken out only while another list runs (`afterEach`, `after all`).
 */
import type { MochaHook, MochaSuite } from './units';

export class OnDemandHook {
  private armed = true;

  private constructor(
    private readonly list: MochaHook[],
    private readonly hook: MochaHook,
    /** Where it was: before the suite's other root `beforeEach` hooks, as Mocha placed it. */
    private readonly index: number,
  ) {}

  /** Take `hook` out of the root suite's `beforeEach` list; undefined if it is not there. */
  static takeOut(root: MochaSuite, hook: MochaHook | undefined): OnDemandHook | undefined {
    const list = root._beforeEach;
    const index = hook ? list.indexOf(hook) : -1;
    if (!hook || index === -1) return undefined;
    const onDemand = new OnDemandHook(list, hook, index);
    onDemand.disarm();
    return onDemand;
  }

  /** Run the hook before the next test. */
  arm(): void {
    if (this.armed) return;
    this.armed = true;
    this.list.splice(Math.min(this.index, this.list.length), 0, this.hook);
  }

  /** Do not run it before the next test (it stays armed until this is called). */
  disarm(): void {
    if (!this.armed) return;
    this.armed = false;
    const at = this.list.indexOf(this.hook);
    if (at !== -1) this.list.splice(at, 1);
  }
}
