import type { LeakItem, ProbeUnit, TypeGrowth } from './probe';

/** What a unit of work is: the engine measures around each one. */
export interface UnitInfo {
  /** `test` or `hook`. */
  kind: 'test' | 'hook';
  /** Mocha's `fullTitle()` of the test, or the hook's full title (`"before all" hook in Suite`). */
  title: string;
  /** The file it was defined in, relative to the project when possible. */
  file?: string;
}

/** One leak: a unit left a probe's resource above the threshold. */
export interface Leak {
  /** The test's full title, or the hook's full title. */
  test: string;
  /** The test file. */
  file?: string;
  /** `test` or `hook`. */
  kind: UnitInfo['kind'];
  /** The probe's name. */
  probe: string;
  /** Growth over the unit, in `unit`. */
  delta: number;
  unit: ProbeUnit;
  threshold: number;
  /** What leaked, when the probe can tell (capped; see `itemsTotal`). */
  items: LeakItem[];
  /** How many items leaked in all, when more than `items` holds. */
  itemsTotal?: number;
  /** How to fix it, in plain words. */
  hint?: string;
  /**
   * For memory one test alone kept at a site: how much memory grew each time the test was
   * run again, in `unit` (see core/memory/site-verdict.ts and `LeakReport.retainedOnce`).
   */
  repeats?: number[];
  /** For memory one test kept once: why it was not run again to tell (a budget, the heap limit, a failed repeat). */
  notRepeated?: string;
  /**
   * For a memory leak: the kinds of object its last repeat allocated and kept, most bytes
   * first (at most 10), like objgraph's `show_growth`. From two heap snapshots around
   * that repeat (see the heap probe's `snapshots` option).
   */
  growthByType?: TypeGrowth[];
  /**
   * For a memory leak, with `growthByType`: how the growth is retained, from where the
   * code can name it (a module's variables, `globalThis`) to one of the objects it kept:
   * `["(module scope) test/cache.spec.js", "cache (Map)", "get(\"k17\") (Object)"]`.
   * Each step is an edge (property, variable, index) and, in parentheses, the type it leads to.
   */
  retainerPath?: string[];
  /**
   * For a finding in `LeakReport.allowed`: what allowed it (`this.leakguard.allow()` in the
   * test, a `@leakguard-allow(...)` title tag) and the reason given, if any.
   */
  allowed?: { by: string; reason?: string };
}

/**
 * One allocation site that tests' memory is still reachable from at the end of the run
 * (see core/memory/site-verdict.ts): the cause, with every unit that fed it.
 */
export interface MemorySite {
  /** `file:line:col` of the user's allocating function, or `(ArrayBuffer and Buffer memory)`. */
  site: string;
  /** That function's name ('' for an anonymous one). */
  fn: string;
  /** The user's frames, innermost first. */
  stack: string[];
  /** `leak`: fed by test after test; `one-time`: once; `bounded`: gave memory back and stopped growing. */
  verdict: 'leak' | 'one-time' | 'bounded';
  /** Bytes still reachable from the site at the end of the run. */
  bytes: number;
  /** The units that fed it, in the order they ran. */
  tests: { test: string; file?: string; kind: UnitInfo['kind']; bytes: number }[];
}

/**
 * A test file the run ran: what `leakguard shard --timings` splits a suite by, and what
 * tells a partial run (`--grep`, one shard) from a full one when the baseline is written.
 */
export interface FileRun {
  /** The test file (relative to the working directory in the JSON report). */
  file: string;
  /** Mocha's durations of its tests and its `before all`/`after all` hooks, summed, in ms. */
  durationMs: number;
  /** How many of its tests ran (passed or failed). */
  tests: number;
  /**
   * The full titles of its tests that did not run (left out by `--grep`, skipped, or after
   * a `--bail`), when some did not; absent when every test of the file ran.
   */
  notRun?: string[];
}

/**
 * One cause of leaks (see report/causes.ts): what one probe saw created at one line, with
 * every unit that leaked from it. A leak whose items name no creation site is a cause of its own.
 */
export interface CauseEntry {
  probe: string;
  /** Where its resources were created: the first project frame of their stacks. Absent when none said. */
  site?: { file: string; line: number; column?: number; fn?: string };
  /** The units that leaked from it, in report order: all of them. */
  tests: { test: string; file?: string; kind: UnitInfo['kind'] }[];
}

/** A probe that was switched off during the run, and why. */
export interface ProbeFault {
  probe: string;
  message: string;
}

/** The JSON report, version 1. Fields may be added; none of these will change meaning. */
export interface LeakReport {
  version: 1;
  tool: { name: 'leakguard'; version: string };
  mode: 'warn' | 'fail';
  /** Number of tests measured (skipped and pending tests are not). */
  tests: number;
  /** Number of hooks measured. */
  hooks: number;
  leaks: Leak[];
  /**
   * Memory one test kept that did not grow again when the test was run again (a cache
   * filled on first use, a lazy singleton), or that was not run again: listed for
   * information, not counted as leaks, never fails a run.
   */
  retainedOnce: Leak[];
  /**
   * Leaks the baseline file lists (see core/baseline.ts): known before this run, listed
   * for information, never fail a run. `leaks` holds only the new ones.
   */
  known: Leak[];
  /**
   * Findings that `this.leakguard.allow()` or a `@leakguard-allow(...)` title tag allowed
   * for their test, hook or suite: listed for information, not counted as leaks, never
   * fail a run (added in leakguard 0.2; absent in older reports).
   */
  allowed?: Leak[];
  /** Allocation sites that kept tests' memory, most bytes first (leaks, one-time growth, bounded caches). */
  memorySites?: MemorySite[];
  /**
   * The new leaks grouped by cause, most tests first (written in the JSON report; derived
   * from `leaks`, which stay the record).
   */
  causes?: CauseEntry[];
  /** Probes in use, with their thresholds. */
  probes: { name: string; unit: ProbeUnit; threshold: number }[];
  /** Probes that failed and were switched off during the run. */
  faults: ProbeFault[];
  /** Leaks not listed because the run found more than {@link MAX_LEAKS}. */
  droppedLeaks?: number;
  /**
   * The test files that ran, when the run could tell (added in leakguard 0.2; absent in
   * older reports and in a run cut short before its end).
   */
  files?: FileRun[];
  /** When the run started and ended (ISO 8601). */
  startedAt: string;
  endedAt: string;
}

/** At most this many items are kept per leak; the rest are counted in `itemsTotal`. */
export const MAX_ITEMS_PER_LEAK = 50;

/** At most this many leaks are kept per run, so a suite that leaks everywhere stays bounded. */
export const MAX_LEAKS = 2000;
