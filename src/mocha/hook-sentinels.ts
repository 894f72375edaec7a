/**
 * Measures `before all` and `after all` hooks by placing a small leakguard hook before
 * each of them and one after the last: each sentinel ends the previous hook's
 * measurement and begins the next. Mocha runs a suite's hooks from its live hook arrays,
 * in order, so sentinels placed before the suite starts run exactly between the user's
 * hooks. Resources a `before all` hook creates belong to the hook, never to the
 * suite's tests, and are judged when the suite has ended (after its `after all` hooks).
 */
import { holdingUncaught } from './uncaught';
import { runUntimed } from './untimed';
import type { MochaHook, MochaSuite } from './units';

export type HookPhase = 'before all' | 'after all';

/** What the sentinels report to. */
export interface HookBoundaries {
  /** `next` is about to run (undefined: the phase's last hook has just run). */
  between(suite: MochaSuite, phase: HookPhase, next: MochaHook | undefined): Promise<void>;
  /** The suite's last `after all` hook has run. */
  suiteEnded(suite: MochaSuite): Promise<void>;
}

const SENTINEL = Symbol.for('leakguard.sentinel');
type Sentinel = MochaHook & { [SENTINEL]?: true };

export function isSentinel(hook: MochaHook): boolean {
  return (hook as Sentinel)[SENTINEL] === true;
}

/**
 * Place sentinels in every suite under `root`. For the root suite itself, `rootBeforeAllFrom`
 * is the index of the first root `before all` hook still to run (leakguard's own root hook
 * is running when this is called), and the root's `after all` sentinels end with
 * `rootEnd`, which must run last.
 */
export function placeSentinels(
  root: MochaSuite,
  boundaries: HookBoundaries,
  rootBeforeAllFrom: number,
  rootEnd: MochaHook,
): void {
  const before = root._beforeAll.slice(rootBeforeAllFrom).filter((hook) => !isSentinel(hook));
  root._beforeAll.splice(rootBeforeAllFrom, Infinity, ...interleave(root, 'before all', before, boundaries));
  const after = root._afterAll.filter((hook) => hook !== rootEnd && !isSentinel(hook));
  root._afterAll.splice(0, Infinity, ...interleave(root, 'after all', after, boundaries, false), rootEnd);
  for (const child of root.suites) placeInSuite(child, boundaries);
}

/**
 * Every suite gets an end sentinel, hooks or not: its end is where its tests can last be
 * run again (Mocha then drops their functions), and a top-level suite's end is where what
 * its tests keep in memory is judged.
 */
function placeInSuite(suite: MochaSuite, boundaries: HookBoundaries): void {
  const before = suite._beforeAll.filter((hook) => !isSentinel(hook));
  const after = suite._afterAll.filter((hook) => !isSentinel(hook));
  suite._beforeAll.splice(0, Infinity, ...interleave(suite, 'before all', before, boundaries));
  const end = makeSentinel(suite, 'after all', () => boundaries.suiteEnded(suite));
  suite._afterAll.splice(0, Infinity, ...interleave(suite, 'after all', after, boundaries, false), end);
  for (const child of suite.suites) placeInSuite(child, boundaries);
}

/**
 * [s, h1, s, h2, s]: a sentinel before each hook and, when `trailing`, one after the last
 * (the `after all` phase ends with the suite's end sentinel instead).
 */
function interleave(
  suite: MochaSuite,
  phase: HookPhase,
  hooks: MochaHook[],
  boundaries: HookBoundaries,
  trailing = true,
): MochaHook[] {
  if (hooks.length === 0) return [];
  const result: MochaHook[] = [];
  for (const hook of hooks) {
    result.push(makeSentinel(suite, phase, () => boundaries.between(suite, phase, hook)), hook);
  }
  if (trailing) result.push(makeSentinel(suite, phase, () => boundaries.between(suite, phase, undefined)));
  return result;
}

/** A hook created through Mocha's own API (so it has the suite's context), then moved. */
function makeSentinel(suite: MochaSuite, phase: HookPhase, run: () => Promise<void>): MochaHook {
  const list = phase === 'before all' ? suite._beforeAll : suite._afterAll;
  const add = phase === 'before all' ? suite.beforeAll : suite.afterAll;
  add.call(suite, 'leakguard', function sentinel() {
    // A stray error while leakguard waits goes to the next test, not to this hook.
    return holdingUncaught(run);
  });
  const hook = list.pop() as Sentinel;
  hook[SENTINEL] = true;
  // leakguard bounds its own waits; Mocha's per-hook timeout must not cut a GC short.
  runUntimed(hook);
  return hook;
}
