/**
 * Mocha's runnables as the engine's units: titles, files and keys. The minimal shapes
 * below are what leakguard relies on; they hold from Mocha 8.4 to 12.
 */
import type { UnitInfo } from '../core/report-model';

export interface MochaSuite {
  title: string;
  root?: boolean;
  file?: string;
  parent?: MochaSuite;
  suites: MochaSuite[];
  tests: MochaTest[];
  fullTitle(): string;
  _beforeAll: MochaHook[];
  _afterAll: MochaHook[];
  _beforeEach: MochaHook[];
  _afterEach: MochaHook[];
  beforeAll(title: string, fn: (this: unknown) => unknown): unknown;
  afterAll(title: string, fn: (this: unknown) => unknown): unknown;
}

export interface MochaRunnable {
  title: string;
  file?: string;
  parent?: MochaSuite;
  fullTitle(): string;
  isPending?(): boolean;
  timeout(ms: number): unknown;
}

export interface MochaTest extends MochaRunnable {
  state?: 'passed' | 'failed' | 'pending';
  /** Its body, until Mocha drops it when the suite ends. */
  fn?: Function;
  currentRetry?(): number;
}

export interface MochaHook extends MochaRunnable {
  originalTitle?: string;
  fn?: unknown;
}

/**
 * Whether `test` was skipped rather than run: `it.skip`, or `this.skip()` in the test or a
 * `beforeEach`. A test that ran and was then marked pending by `this.skip()` in an
 * `afterEach` hook (Mocha then marks every later test of the suite pending too, after each
 * has run) has passed or failed: it ran, and is measured.
 */
export function wasSkipped(test: MochaTest): boolean {
  if (test.state === 'passed' || test.state === 'failed') return false;
  return test.state === 'pending' || test.isPending?.() === true;
}

/** The test as a unit. Its title is worked out only when asked (a leak): most tests need none. */
export function testUnit(test: MochaTest): UnitInfo {
  return new TestUnit(test);
}

/**
 * A class rather than an object literal with getters: a literal's accessors are created
 * anew on every call, and this is made for every test.
 */
class TestUnit implements UnitInfo {
  readonly kind = 'test';
  private fullTitle: string | undefined;

  constructor(readonly test: MochaTest) {}

  get title(): string {
    return (this.fullTitle ??= this.test.fullTitle());
  }

  get file(): string | undefined {
    return this.test.file ?? fileOf(this.test.parent);
  }
}

/** `"before all" hook: start server in Suite A` — the hook as Mocha names it, and its suite. */
export function hookUnit(hook: MochaHook, title: string): UnitInfo {
  const suite = hook.parent;
  const where = suite && !suite.root ? suite.fullTitle() : '{root}';
  const unit: UnitInfo = { kind: 'hook', title: `${title} in ${where}`, file: hook.file ?? fileOf(suite) };
  hookOfUnit.set(unit, hook);
  return unit;
}

/** The hook each hook unit stands for (hooks are few: a map costs nothing a test would pay). */
const hookOfUnit = new WeakMap<UnitInfo, MochaHook>();

/** The Mocha test or hook a unit stands for, when it was made by {@link testUnit} or {@link hookUnit}. */
export function runnableOf(unit: UnitInfo): MochaTest | MochaHook | undefined {
  return unit instanceof TestUnit ? unit.test : hookOfUnit.get(unit);
}

/** Identity of a unit across retries: the same test run again has the same key. */
export function unitKey(unit: UnitInfo): string {
  return `${unit.kind}\u0000${unit.file ?? ''}\u0000${unit.title}`;
}

function fileOf(suite: MochaSuite | undefined): string | undefined {
  for (let current = suite; current; current = current.parent) {
    if (current.file) return current.file;
  }
  return undefined;
}

/**
 * The group a suite belongs to: its top-level suite (a child of the root, mostly a test
 * file's outer `describe`), or the root itself. What a test keeps in memory is judged once
 * its group has ended, its `after` hooks included.
 */
export function groupOf(suite: MochaSuite | undefined): MochaSuite | undefined {
  let current = suite;
  while (current?.parent && !current.parent.root) current = current.parent;
  return current;
}
