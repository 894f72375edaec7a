/**
 * Writing the baseline file (see core/baseline.ts): from a run's findings, with paths
 * relative to the file's directory so that the committed file is the same on every
 * machine, and atomically, like the JSON report.
 */
import * as path from 'node:path';
import { BASELINE_VERSION, entryKey, type Baseline, type BaselineEntry } from '../core/baseline';
import type { LeakItem } from '../core/probe';
import { projectFrame } from '../core/stack-frames';
import type { Leak } from '../core/report-model';
import { writeJsonFileSync } from './json';
import { relativePath, relativePathsIn } from './paths';

/** At most this many items are described per entry: enough to recognise the leak. */
const MAX_WHAT = 3;

/** The baseline that lists `leaks`; paths relative to `baseDir`, the baseline file's directory. */
export function baselineOf(leaks: readonly Leak[], baseDir: string): Baseline {
  const entries = new Map<string, BaselineEntry>();
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

export function writeBaselineSync(file: string, leaks: readonly Leak[]): Baseline {
  const baseline = baselineOf(leaks, path.dirname(file));
  writeJsonFileSync(file, baseline);
  return baseline;
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
