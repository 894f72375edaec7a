/**
 * failAt "test": a leaking test is failed by leakguard's root `afterEach`, after Mocha has
 * already announced it passed ("pass" comes before the `afterEach` hooks, which are part
 * of the test's measurement). Failed after a pass, a test counts twice: the json reporter
 * says `passes 2, failures 1` for 2 tests, the xunit reporter `skipped="-1"`.
 *
 * So while a guarded run fails leaking tests, the runner's "pass" (and "test end") of a
 * test are held until that test's `afterEach` hooks are done: a "fail" of the same test
 * in the meantime (leakguard's) replaces the "pass"; anything else (the next test, a
 * failing hook, the suite's end) lets it through first, in Mocha's order. Reporters see
 * each test once, passed or failed. The "hook" events of the `afterEach` hooks go on as
 * they come: no built-in reporter prints them.
 */
import type { MochaSuite, MochaTest } from './units';

type Emit = (this: RunnerLike, event: string | symbol, ...args: unknown[]) => boolean;

interface RunnerLike {
  /** The suite running now (Runner#runSuite sets it). */
  suite?: { parent?: unknown };
}

function rootOf(suite: RunnerLike['suite']): object {
  let root = suite as { parent?: unknown } | undefined;
  while (root?.parent) root = root.parent as { parent?: unknown };
  return (root ?? {}) as object;
}

interface Held {
  runner: RunnerLike;
  test: MochaTest;
  events: [string, unknown[]][];
}

/** The root suites whose runners hold passes (runs that fail leaking tests). */
const holdingFor = new WeakSet<object>();
let held: Held | undefined;
let originalEmit: Emit | undefined;

/**
 * Hold the passes of the runner that runs `root`; false when Mocha's Runner class is not
 * found (then a leaking test counts as passed and failed, as before).
 */
export function holdPassesUntilAfterEach(root: MochaSuite): boolean {
  if (!originalEmit && !wrapRunnerEmit()) return false;
  holdingFor.add(root);
  return true;
}

/** Let through a pass held for `test` (leakguard found it clean, or did not fail it). */
export function releasePass(test: MochaTest): void {
  if (held?.test === test) flush();
}

function flush(): void {
  const pending = held;
  held = undefined;
  if (!pending || !originalEmit) return;
  for (const [event, args] of pending.events) originalEmit.call(pending.runner, event, ...args);
}

function wrapRunnerEmit(): boolean {
  const Runner = mochaRunnerClass();
  const prototype = Runner?.prototype as { emit?: Emit } | undefined;
  const emit = prototype?.emit;
  if (!prototype || typeof emit !== 'function') return false;
  originalEmit = emit;
  prototype.emit = function emitHoldingPasses(this: RunnerLike, event: string | symbol, ...args: unknown[]): boolean {
    if (typeof event !== 'string' || !holdingFor.has(rootOf(this.suite))) return emit.call(this, event, ...args);
    const current = held;
    if (current && current.runner === this) {
      if (event === 'hook' || event === 'hook end') return emit.call(this, event, ...args);
      if (event === 'test end' && args[0] === current.test) {
        current.events.push([event, args]);
        return true;
      }
      if (event === 'fail' && args[0] === current.test) {
        // The test fails after all: it never passed. Its "test end" follows the failure.
        held = undefined;
        const result = emit.call(this, event, ...args);
        for (const [later, laterArgs] of current.events) if (later !== 'pass') emit.call(this, later, ...laterArgs);
        return result;
      }
      flush();
    }
    if (event === 'pass' && (args[0] as MochaTest | undefined)?.state === 'passed') {
      held = { runner: this, test: args[0] as MochaTest, events: [[event, args]] };
      return true;
    }
    return emit.call(this, event, ...args);
  };
  return true;
}

/** Mocha's Runner class, of the Mocha that runs (`Mocha.Runner` of lib/mocha.js, lib/mocha.cjs in Mocha 12). */
function mochaRunnerClass(): { prototype?: unknown } | undefined {
  for (const entry of Object.values(require.cache)) {
    if (!entry || !/[\\/]mocha[\\/]lib[\\/]mocha\.c?js$/.test(entry.filename)) continue;
    const Runner = (entry.exports as { Runner?: unknown } | undefined)?.Runner;
    if (typeof Runner === 'function') return Runner as { prototype?: unknown };
  }
  return undefined;
}
