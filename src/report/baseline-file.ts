/**
 * Writing the baseline file (see core/baseline.ts): from a run's findings, with paths
 * relative to the file's directory so that the committed file is the same on every
 * machine, and atomically, like the JSON report.
 */
import * as path from 'node:path';
import { BASELINE_VERSION, entryKey, type Baseline, type BaselineEntry } from '../core/baseline';
import type { LeakItem } from '../core/probe';
import { projectFrame } from '../core/stack-frames';
import type { Leak, LeakReport } from '../core/report-model';
import { RunCoverage } from '../core/run-coverage';
import { writeJsonFileSync } from './json';
import { relativePath, relativePathsIn } from './paths';

/** At most this many items are described per entry: enough to recognise the leak. */
const MAX_WHAT = 3;

/**
 * The baseline that lists `leaks`, and the entries `kept` from an earlier one (as they
 * were, paths already relative); paths relative to `baseDir`, the baseline file's directory.
 */
export function baselineOf(leaks: readonly Leak[], baseDir: string, kept: readonly BaselineEntry[] = []): Baseline {
  const entries = new Map<string, BaselineEntry>();
  for (const entry of kept) entries.set(entryKey(entry), entry);
  for (const leak of leaks) {
    const entry: BaselineEntry = { kind: leak.kind, test: leak.test, probe: leak.probe };
    if (leak.file) entry.file = portable(relativePath(path.resolve(baseDir, leak.file), baseDir));
    const what = leak.items.slice(0, MAX_WHAT).map((item) => describe(item, baseDir));
    if (what.length > 0) entry.what = what;
    entries.set(entryKey(entry), entry);
  }
  // Sorted, so that the committed file changes only where the findings do.
  const sorted = [...entries.values()].sort(
    (a, b) => compare(a.file ?? '', b.file ?? '') || compare(a.test, b.test) || compare(a.probe, b.probe),
  );
  return { version: BASELINE_VERSION, leaks: sorted };
}

export function writeBaselineSync(file: string, leaks: readonly Leak[], kept: readonly BaselineEntry[] = []): Baseline {
  const baseline = baselineOf(leaks, path.dirname(file), kept);
  writeJsonFileSync(file, baseline);
  return baseline;
}

/** What writing the baseline from reports did. */
export interface BaselineUpdate {
  /** Entries written. */
  written: number;
  /** Of them, entries of the earlier baseline kept because no report ran their test. */
  kept: number;
  /** Entries of the earlier baseline dropped: their test ran and no longer leaks. */
  dropped: number;
  /** False when a report did not say which tests it ran: every earlier entry not found again was kept. */
  coverageKnown: boolean;
}

/**
 * Write the baseline `file` from `reports` (their paths absolute, or relative to `cwd`):
 * every leak they found, new or known, and the entries of `previous` (the baseline as it
 * was) whose test (or hook) no report ran, so that a partial run (`--grep`, one shard)
 * does not drop what it did not see.
 */
export function updateBaselineSync(file: string, previous: readonly BaselineEntry[], reports: readonly LeakReport[], cwd: string): BaselineUpdate {
  const baseDir = path.dirname(file);
  const coverage = RunCoverage.of(reports, cwd);
  const found = reports.flatMap((report) => [...report.known, ...report.leaks]).map((leak) => ({ ...leak, ...(leak.file ? { file: path.resolve(cwd, leak.file) } : {}) }));
  const foundKeys = new Set(baselineOf(found, baseDir).leaks.map(entryKey));
  const kept = previous.filter((entry) => !foundKeys.has(entryKey(entry)) && !coverage?.ran(entry, baseDir));
  const baseline = writeBaselineSync(file, found, kept);
  return {
    written: baseline.leaks.length,
    kept: kept.length,
    dropped: previous.length - kept.length - previous.filter((entry) => foundKeys.has(entryKey(entry))).length,
    coverageKnown: coverage !== undefined,
  };
}

/** One line on what {@link updateBaselineSync} did, for stderr. */
export function describeBaselineUpdate(update: BaselineUpdate, file: string, cwd: string): string {
  const where = relativePath(file, cwd);
  const parts = [`leakguard: wrote ${update.written} known leak${update.written === 1 ? '' : 's'} to the baseline ${where}`];
  if (update.kept > 0) {
    const why = update.coverageKnown ? 'whose tests did not run' : 'not found again (a report did not say which tests it ran)';
    parts.push(`kept ${update.kept} earlier entr${update.kept === 1 ? 'y' : 'ies'} ${why}`);
  }
  if (update.dropped > 0) parts.push(`dropped ${update.dropped} whose tests ran without leaking`);
  return parts.join('; ');
}

/** `setInterval() every 1000 ms, created at test/a.spec.js:3:5`, as in the summary. */
function describe(item: LeakItem, baseDir: string): string {
  const frame = Array.isArray(item.stack) ? projectFrame(item.stack.map(String)) : undefined;
  const where = frame === undefined ? '' : `, created at ${frame}`;
  return relativePathsIn(`${String(item.label)}${where}`, baseDir);
}

function portable(file: string): string {
  return file.split(path.sep).join('/');
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
