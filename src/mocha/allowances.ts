/**
 * Opt-outs by test, hook or suite: `this.leakguard.allow('handles')` in a test or hook
 * (see ./test-context), and the `@leakguard-allow(handles)` title tag (see ./title-tags).
 * What an allowed probe finds for a unit is not a leak: it is kept apart, in the report's
 * `allowed` list, so that nothing found is lost from view.
 *
 * Where an allowance applies:
 * - allow() in a test, or in a `beforeEach`/`afterEach` hook: the test it runs for;
 * - allow() in a `before`/`after` hook: that hook and its whole suite (every test and
 *   hook in it and in the suites nested in it, judged from then on);
 * - a tag in a test's or hook's title: that test or hook; in a describe's title: the
 *   whole suite.
 */
import type { Leak, MemorySite, UnitInfo } from '../core/report-model';
import { tagNotices } from '../core/notices';
import { runnableOf, unitKey, type MochaHook, type MochaRunnable, type MochaSuite, type MochaTest } from './units';
import { titleTags } from './title-tags';

/** What allowed a finding: shown in the JSON report with it. */
export interface AllowedBy {
  /** Where: `this.leakguard.allow() in the test`, `@leakguard-allow(handles) in the title of suite "db"`. */
  by: string;
  /** The reason given to allow(), if any. */
  reason?: string;
}

interface Allowance extends AllowedBy {
  probes: ReadonlySet<string>;
}

/** Mocha's Context, as far as allow() needs it: the runnable running now, and a hook's test. */
export interface MochaContext {
  test?: MochaRunnable & { type?: string };
  currentTest?: MochaTest;
}

/** A mistake in a call to allow(): thrown into the test or hook that made it, which then fails. */
export class AllowUsageError extends Error {
  override name = 'LeakguardUsageError';
}

export class Allowances {
  /** allow() calls by the test they cover. */
  private readonly byTest = new WeakMap<object, Allowance[]>();
  /** allow() calls of `before`/`after` hooks, by their suite. */
  private readonly bySuite = new WeakMap<object, Allowance[]>();
  private readonly known: ReadonlySet<string>;
  private readonly warned = new Set<string>();

  constructor(
    probeNames: readonly string[],
    private readonly warn: (message: string) => void,
  ) {
    this.known = new Set(probeNames);
  }

  /**
   * `this.leakguard.allow(probes, reason)` in the test or hook running in `context`.
   * Throws an {@link AllowUsageError} for a mistake (an unknown probe, no probe, a
   * reason that is a probe name): the test or hook fails with it, where it was written.
   */
  allow(context: MochaContext, probes: unknown, reason: unknown): void {
    const names = this.probeNames(probes, reason);
    const runnable = context.test;
    if (!runnable) throw new AllowUsageError('this.leakguard.allow() must be called while a test or hook runs (in it(), beforeEach(), before(), ...)');
    const allowance = (by: string): Allowance => ({ probes: new Set(names), by, ...(typeof reason === 'string' && reason !== '' ? { reason } : {}) });
    if (runnable.type !== 'hook') {
      add(this.byTest, runnable, allowance('this.leakguard.allow() in the test'));
      return;
    }
    const hook = runnable as MochaHook;
    const suite = hook.parent;
    const title = hook.originalTitle ?? hook.title;
    if (suite && (suite._beforeAll.includes(hook) || suite._afterAll.includes(hook))) {
      add(this.bySuite, suite, allowance(`this.leakguard.allow() in ${title}${suiteName(suite)}`));
      return;
    }
    const test = context.currentTest;
    if (!test) throw new AllowUsageError(`this.leakguard.allow() in ${title}: no test is running it`);
    add(this.byTest, test, allowance(`this.leakguard.allow() in ${title}`));
  }

  /** The unit's leaks, and apart those an allowance covers (each marked with what allowed it). */
  split(unit: UnitInfo, leaks: readonly Leak[]): { leaks: Leak[]; allowed: Leak[] } {
    if (leaks.length === 0) return { leaks: [], allowed: [] };
    const runnable = runnableOf(unit);
    const allowances = runnable ? this.allowancesOf(runnable, unit.kind) : [];
    if (allowances.length === 0) return { leaks: [...leaks], allowed: [] };
    const kept: Leak[] = [];
    const allowed: Leak[] = [];
    for (const leak of leaks) {
      const allowance = allowances.find((candidate) => candidate.probes.has(leak.probe));
      if (!allowance) kept.push(leak);
      else allowed.push({ ...leak, allowed: { by: allowance.by, ...(allowance.reason === undefined ? {} : { reason: allowance.reason }) } });
    }
    return { leaks: kept, allowed };
  }

  /**
   * Memory sites without the units whose memory finding was allowed (`allowedUnits`: their
   * unit keys); a site left with no unit is dropped.
   */
  static withoutUnits(sites: readonly MemorySite[], allowedUnits: ReadonlySet<string>): MemorySite[] {
    if (allowedUnits.size === 0) return [...sites];
    return sites.flatMap((site) => {
      const tests = site.tests.filter((test) => !allowedUnits.has(unitKey({ kind: test.kind, title: test.test, file: test.file })));
      if (tests.length === site.tests.length) return [site];
      return tests.length === 0 ? [] : [{ ...site, tests }];
    });
  }

  /** Every allowance that covers `runnable`: its own, then its suites', innermost first. */
  private allowancesOf(runnable: MochaTest | MochaHook, kind: UnitInfo['kind']): Allowance[] {
    const found: Allowance[] = [...(kind === 'test' ? (this.byTest.get(runnable) ?? []) : [])];
    const ownTitle = kind === 'hook' ? ((runnable as MochaHook).originalTitle ?? runnable.title) : runnable.title;
    found.push(...this.tagAllowances(ownTitle, kind === 'test' ? `test "${runnable.fullTitle()}"` : `${ownTitle}${runnable.parent ? suiteName(runnable.parent) : ''}`));
    for (let suite = runnable.parent; suite; suite = suite.parent) {
      found.push(...(this.bySuite.get(suite) ?? []));
      if (!suite.root) found.push(...this.tagAllowances(suite.title, `suite "${suite.fullTitle()}"`));
    }
    return found;
  }

  private tagAllowances(title: string, whose: string): Allowance[] {
    const { tags, nearMisses } = titleTags(title);
    for (const miss of nearMisses) {
      this.warnOnce(tagNotices.notATag(miss, whose));
    }
    const allowances: Allowance[] = [];
    for (const tag of tags) {
      const known = tag.probes.filter((name) => this.known.has(name));
      for (const name of tag.probes) {
        if (!this.known.has(name)) this.warnOnce(tagNotices.unknownProbe(tag.text, whose, unknownProbe(name, this.known)));
      }
      if (tag.probes.length === 0) this.warnOnce(tagNotices.namesNoProbe(tag.text, whose));
      if (known.length > 0) allowances.push({ probes: new Set(known), by: `${tag.text} in the title of ${whose}` });
    }
    return allowances;
  }

  /** allow()'s probe names, checked. */
  private probeNames(probes: unknown, reason: unknown): string[] {
    const names = typeof probes === 'string' ? [probes] : Array.isArray(probes) ? (probes as unknown[]) : undefined;
    if (!names || names.length === 0 || names.some((name) => typeof name !== 'string')) {
      throw new AllowUsageError(`this.leakguard.allow() takes a probe name or an array of them, like allow('handles') or allow(['handles', 'fds'], 'why'); got ${show(probes)}`);
    }
    for (const name of names as string[]) {
      if (!this.known.has(name)) throw new AllowUsageError(`this.leakguard.allow(): ${unknownProbe(name, this.known)}`);
    }
    if (reason !== undefined && typeof reason !== 'string') {
      throw new AllowUsageError(`this.leakguard.allow(): the reason must be a string, got ${show(reason)}`);
    }
    if (typeof reason === 'string' && this.known.has(reason)) {
      throw new AllowUsageError(`this.leakguard.allow(${JSON.stringify(probes)}, ${JSON.stringify(reason)}): the second argument is the reason; to allow several probes pass an array: allow(${JSON.stringify([...names, reason])})`);
    }
    return names as string[];
  }

  private warnOnce(message: string): void {
    if (this.warned.has(message)) return;
    this.warned.add(message);
    this.warn(message);
  }
}

function add(map: WeakMap<object, Allowance[]>, key: object, allowance: Allowance): void {
  const list = map.get(key);
  if (list) list.push(allowance);
  else map.set(key, [allowance]);
}

function suiteName(suite: MochaSuite): string {
  return suite.root ? ' at the root (the whole run)' : ` of suite "${suite.fullTitle()}"`;
}

function unknownProbe(name: string, known: ReadonlySet<string>): string {
  const { didYouMean } = require('../config/suggest') as typeof import('../config/suggest');
  return `unknown probe "${name}"${didYouMean(name, known)} (probes: ${[...known].join(', ')})`;
}

function show(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
