import { MAX_LEAKS, type FileRun, type LeakReport, type MemorySite } from './report-model';

/**
 * One report from several partial ones (parallel workers, one per test file): counts
 * add up, leaks are concatenated in the order given (capped like a serial run's), and a
 * fault reported by several workers is listed once.
 */
export function mergeReports(first: LeakReport, ...rest: LeakReport[]): LeakReport {
  const all = [first, ...rest];
  const leaks = all.flatMap((report) => report.leaks);
  const faults = new Map(all.flatMap((report) => report.faults).map((fault) => [`${fault.probe}\u0000${fault.message}`, fault]));
  const dropped = all.reduce((sum, report) => sum + (report.droppedLeaks ?? 0), 0) + Math.max(0, leaks.length - MAX_LEAKS);
  const merged: LeakReport = {
    ...first,
    tests: all.reduce((sum, report) => sum + report.tests, 0),
    hooks: all.reduce((sum, report) => sum + report.hooks, 0),
    leaks: leaks.slice(0, MAX_LEAKS),
    retainedOnce: all.flatMap((report) => report.retainedOnce ?? []).slice(0, MAX_LEAKS),
    known: all.flatMap((report) => report.known ?? []).slice(0, MAX_LEAKS),
    faults: [...faults.values()],
    startedAt: all.map((report) => report.startedAt).sort()[0]!,
    endedAt: all.map((report) => report.endedAt).sort().at(-1)!,
  };
  const sites = mergeSites(all.flatMap((report) => report.memorySites ?? []));
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
 * One entry per allocation site: the units that fed it in every part, part by part.
 * A site one part calls a leak is one in all (another part's tests fed the same cause).
 */
function mergeSites(sites: MemorySite[]): MemorySite[] {
  const bySite = new Map<string, MemorySite>();
  for (const site of sites) {
    const had = bySite.get(site.site);
    if (!had) {
      bySite.set(site.site, { ...site, tests: [...site.tests] });
      continue;
    }
    had.tests.push(...site.tests);
    had.bytes += site.bytes;
    if (site.verdict === 'leak' || had.verdict === 'leak') had.verdict = 'leak';
  }
  return [...bySite.values()].sort((a, b) => b.bytes - a.bytes);
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
