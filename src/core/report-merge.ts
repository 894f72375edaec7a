import { judgeSite } from './memory/site-verdict';
import { MAX_LEAKS, type FileRun, type Leak, type LeakReport, type MemorySite } from './report-model';

/**
 * One report from several partial ones (parallel workers, one per test file; shards):
 * counts add up, leaks are concatenated in the order given (capped like a serial run's),
 * a fault reported by several workers is listed once, and each memory site is judged
 * again on what every part's tests kept there.
 */
export function mergeReports(first: LeakReport, ...rest: LeakReport[]): LeakReport {
  const all = [first, ...rest];
  const sites = mergeSites(all.flatMap((report) => report.memorySites ?? []), heapThreshold(all));
  const { leaks: promoted, retainedOnce } = promoteRetainedOnce(all.flatMap((report) => report.retainedOnce ?? []), sites);
  const leaks = [...all.flatMap((report) => report.leaks), ...promoted];
  const faults = new Map(all.flatMap((report) => report.faults).map((fault) => [`${fault.probe}\u0000${fault.message}`, fault]));
  const dropped = all.reduce((sum, report) => sum + (report.droppedLeaks ?? 0), 0) + Math.max(0, leaks.length - MAX_LEAKS);
  const merged: LeakReport = {
    ...first,
    tests: all.reduce((sum, report) => sum + report.tests, 0),
    hooks: all.reduce((sum, report) => sum + report.hooks, 0),
    leaks: leaks.slice(0, MAX_LEAKS),
    retainedOnce: retainedOnce.slice(0, MAX_LEAKS),
    known: all.flatMap((report) => report.known ?? []).slice(0, MAX_LEAKS),
    faults: [...faults.values()],
    startedAt: all.map((report) => report.startedAt).sort()[0]!,
    endedAt: all.map((report) => report.endedAt).sort().at(-1)!,
  };
  if (sites.length > 0) merged.memorySites = sites;
  else delete merged.memorySites;
  const allowed = all.flatMap((report) => report.allowed ?? []).slice(0, MAX_LEAKS);
  if (allowed.length > 0) merged.allowed = allowed;
  else delete merged.allowed;
  if (dropped > 0) merged.droppedLeaks = dropped;
  else delete merged.droppedLeaks;
  // Which files ran is known only when every part says.
  if (all.every((report) => report.files)) merged.files = mergeFileRuns(all.flatMap((report) => report.files ?? []));
  else delete merged.files;
  return merged;
}

/**
 * One entry per allocation site: the units that fed it in every part, part by part. A
 * site one part calls a leak is one in all (another part's tests fed the same cause); one
 * that tests of several parts fed is judged again on all of them, as a serial run judges
 * a site that tests of several files feed (each part saw one test: one-time growth).
 */
function mergeSites(sites: MemorySite[], threshold: number | undefined): MemorySite[] {
  const bySite = new Map<string, { merged: MemorySite; parts: MemorySite[] }>();
  for (const site of sites) {
    const had = bySite.get(site.site);
    if (!had) {
      bySite.set(site.site, { merged: { ...site, tests: [...site.tests] }, parts: [site] });
      continue;
    }
    had.parts.push(site);
    had.merged.tests.push(...site.tests);
    had.merged.bytes += site.bytes;
  }
  for (const { merged, parts } of bySite.values()) {
    if (parts.length === 1) continue;
    if (parts.some((part) => part.verdict === 'leak')) merged.verdict = 'leak';
    else if (threshold !== undefined) merged.verdict = rejudged(merged, parts, threshold);
  }
  return [...bySite.values()].map(({ merged }) => merged).sort((a, b) => b.bytes - a.bytes);
}

/** The verdict of a site from what all parts' units kept there (see judgeSite). */
function rejudged(site: MemorySite, parts: readonly MemorySite[], threshold: number): MemorySite['verdict'] {
  const verdict = judgeSite(
    {
      testBytes: site.tests.filter((unit) => unit.kind === 'test').map((unit) => unit.bytes),
      hookBytes: site.tests.filter((unit) => unit.kind !== 'test').reduce((sum, unit) => sum + unit.bytes, 0),
      stoppedGrowing: parts.some((part) => part.verdict === 'bounded'),
      ownCode: site.stack.length === 1,
    },
    threshold,
  );
  // Each part found more than the threshold kept here: together, never less.
  return verdict === 'small' ? 'one-time' : verdict;
}

/**
 * Retained-once entries of sites the merge judged leaks become leaks: those sites' items
 * move to a leak of the same unit; what else the entry had stays retained once.
 */
function promoteRetainedOnce(entries: readonly Leak[], sites: readonly MemorySite[]): { leaks: Leak[]; retainedOnce: Leak[] } {
  const leaking = new Set(sites.filter((site) => site.verdict === 'leak').map((site) => site.site));
  const leaks: Leak[] = [];
  const retainedOnce: Leak[] = [];
  for (const entry of entries) {
    const moved = entry.items.filter((item) => leaking.has(String(item.id)));
    if (moved.length === 0) {
      retainedOnce.push(entry);
      continue;
    }
    const { notRepeated: _, ...rest } = entry;
    const bytes = (items: typeof moved) => items.reduce((sum, item) => sum + (typeof item.size === 'number' ? item.size : 0), 0);
    leaks.push({ ...rest, items: moved, delta: bytes(moved) });
    const left = entry.items.filter((item) => !moved.includes(item));
    if (left.length > 0) retainedOnce.push({ ...entry, items: left, delta: bytes(left) });
  }
  return { leaks, retainedOnce };
}

/** The heap probe's threshold, as the parts ran with it. */
function heapThreshold(reports: readonly LeakReport[]): number | undefined {
  for (const report of reports) {
    const heap = report.probes.find((probe) => probe.name === 'heap');
    if (heap) return heap.threshold;
  }
  return undefined;
}

/** A file run in several parts (a file given to two shards) is one: times and tests add up. */
function mergeFileRuns(runs: readonly FileRun[]): FileRun[] {
  const byFile = new Map<string, FileRun>();
  for (const run of runs) {
    const seen = byFile.get(run.file);
    if (!seen) {
      byFile.set(run.file, { ...run, ...(run.notRun ? { notRun: [...run.notRun] } : {}) });
      continue;
    }
    seen.durationMs += run.durationMs;
    seen.tests += run.tests;
    // A test that did not run in one part may have run in another: only those no part ran.
    const notRun = (seen.notRun ?? []).filter((title) => run.notRun?.includes(title));
    if (notRun.length > 0) seen.notRun = notRun;
    else delete seen.notRun;
  }
  return [...byFile.values()];
}
