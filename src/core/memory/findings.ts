/**
 * The memory lane's findings at the run's end: each site judged by who fed it
 * (site-verdict.ts), and each unit's memory leaks and one-time growth, one item per site.
 */
import type { Leak, MemorySite, UnitInfo } from '../report-model';
import type { AllocationSite } from './allocation-sampler';
import { judgeSite, type SiteVerdict } from './site-verdict';
import type { SiteStats, Window } from './windows';

/** What the lane found, per unit: its memory leaks, and growth that happened once. */
export interface MemoryFindings {
  leaks: { unit: UnitInfo; leak: Leak }[];
  retainedOnce: { unit: UnitInfo; leak: Leak }[];
  sites: MemorySite[];
}

/** The pseudo-site of ArrayBuffer and Buffer memory, which the heap profiler does not see. */
const EXTERNAL_SITE: AllocationSite = { id: '(ArrayBuffer and Buffer memory)', fn: '', stack: [] };

export function findingsOf(sites: Iterable<SiteStats>, noted: readonly Window[], options: { threshold: number; hint: string }): MemoryFindings {
  const external: SiteStats = { site: EXTERNAL_SITE, keptBy: new Map(), turnedOver: false, liveWhenLastFed: 0, peakBeforeLastFed: 0 };
  for (const window of noted) if (window.externalKept) external.keptBy.set(window, window.externalKept);
  const findings: MemoryFindings = { leaks: [], retainedOnce: [], sites: [] };
  const perUnit = new Map<Window, { leak?: Leak; once?: Leak }>();
  for (const stats of [...sites, external]) {
    // In the order the units ran (samples are attributed in allocation order).
    const feeders = [...stats.keptBy];
    const tests = feeders.filter(([window]) => window.unit.kind === 'test');
    // The test that fed it most: the one run again when the others fed it little (see needsRepeat).
    const largest = tests.reduce<(typeof tests)[number] | undefined>((most, feeder) => (!most || feeder[1] > most[1] ? feeder : most), undefined)?.[0];
    const verdict: SiteVerdict = judgeSite(
      {
        testBytes: tests.map(([, bytes]) => bytes),
        hookBytes: feeders.filter(([window]) => window.unit.kind !== 'test').reduce((sum, [, bytes]) => sum + bytes, 0),
        stoppedGrowing: stats.turnedOver && stats.liveWhenLastFed <= stats.peakBeforeLastFed + options.threshold / 2,
        ownCode: stats.site.stack.length === 1,
        keptAgainBytes: largest && keptAgain(largest),
      },
      options.threshold,
    );
    if (verdict === 'small') continue;
    // Judged as one test's (the others fed it under half the threshold in all: a stray
    // sample of a clean twin, say), the site is that test's and its hooks'.
    const testTotal = tests.reduce((sum, [, bytes]) => sum + bytes, 0);
    const strays = largest !== undefined && testTotal - stats.keptBy.get(largest)! < options.threshold / 2;
    const judged = strays ? feeders.filter(([window]) => window === largest || window.unit.kind !== 'test') : feeders;
    findings.sites.push({
      site: stats.site.id,
      fn: stats.site.fn,
      stack: stats.site.stack,
      verdict,
      bytes: judged.reduce((sum, [, bytes]) => sum + bytes, 0),
      tests: judged.map(([window, bytes]) => ({ test: window.unit.title, file: window.unit.file, kind: window.unit.kind, bytes })),
    });
    if (verdict === 'bounded') continue;
    for (const [window, bytes] of judged) {
      const slot = perUnit.get(window) ?? {};
      perUnit.set(window, slot);
      const leak = verdict === 'leak' ? (slot.leak ??= newLeak(window, options)) : (slot.once ??= newLeak(window, options));
      leak.delta += bytes;
      leak.items.push(siteItem(stats.site, bytes));
      const again = keptAgain(window);
      if (again !== undefined) leak.repeats = [...(leak.repeats ?? []), again];
    }
  }
  for (const [window, { leak, once }] of perUnit) {
    for (const found of [leak, once]) {
      if (!found) continue;
      if (window.growthByType) found.growthByType = window.growthByType;
      if (window.retainerPath) found.retainerPath = window.retainerPath;
    }
    if (leak) findings.leaks.push({ unit: window.unit, leak });
    if (once) {
      if (window.notRepeated) once.notRepeated = window.notRepeated;
      findings.retainedOnce.push({ unit: window.unit, leak: once });
    }
  }
  findings.sites.sort((a, b) => b.bytes - a.bytes);
  return findings;
}

function newLeak(window: Window, options: { threshold: number; hint: string }): Leak {
  return {
    test: window.unit.title,
    file: window.unit.file,
    kind: window.unit.kind,
    probe: 'heap',
    delta: 0,
    unit: 'bytes',
    threshold: options.threshold,
    items: [],
    hint: options.hint,
  };
}

/** What its last run again kept, if it was run again. */
function keptAgain(window: Window): number | undefined {
  return window.repeats?.at(-1)?.grewBy;
}

function siteItem(site: AllocationSite, bytes: number) {
  if (site === EXTERNAL_SITE) return { id: site.id, type: 'external memory', label: 'ArrayBuffer and Buffer memory, outside the V8 heap', size: bytes };
  return { id: site.id, type: 'allocation site', label: `allocated in ${site.fn || '(anonymous)'}`, size: bytes, stack: site.stack };
}
