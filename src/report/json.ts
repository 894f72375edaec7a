import { ownFs } from '../core/own-fs';
import { nowNs } from '../core/real-timers';
import { basename, dirname, join } from 'node:path';
import type { LeakItem } from '../core/probe';
import type { Leak, LeakReport, MemorySite } from '../core/report-model';
import { creationFrames, frameLocation } from '../core/stack-frames';
import { causeEntries } from './causes';
import { relativePath, relativePathsIn } from './paths';

/**
 * A copy of the report for CI tools, with the paths that point into the project (each
 * leak's file, each item's path and stack frames) made relative to `cwd`, so that reports
 * from different checkouts and machines compare equal. The input is not changed. Labels
 * and ids are left as the probe wrote them: they are identities, not locations. `causes`
 * groups the leaks by creation site (see causes.ts).
 */
export function toJsonReport(report: LeakReport, cwd: string): LeakReport {
  const leaks = report.leaks.map((leak) => relativeLeak(leak, cwd));
  return {
    ...report,
    tool: { ...report.tool },
    leaks,
    // Always from the leaks: a merged report's parts may carry causes of their own.
    causes: causeEntries(leaks),
    retainedOnce: report.retainedOnce.map((leak) => relativeLeak(leak, cwd)),
    known: report.known.map((leak) => relativeLeak(leak, cwd)),
    ...(report.allowed ? { allowed: report.allowed.map((leak) => relativeLeak(leak, cwd)) } : {}),
    probes: report.probes.map((probe) => ({ ...probe })),
    faults: report.faults.map((fault) => ({ ...fault })),
    ...(report.memorySites ? { memorySites: report.memorySites.map((site) => relativeSite(site, cwd)) } : {}),
    ...(report.files ? { files: report.files.map((run) => ({ ...run, file: relativePath(run.file, cwd) })) } : {}),
  };
}

function relativeSite(site: MemorySite, cwd: string): MemorySite {
  return {
    ...site,
    site: relativePathsIn(site.site, cwd),
    stack: site.stack.map((frame) => relativePathsIn(frame, cwd)),
    tests: site.tests.map((test) => (test.file === undefined ? { ...test } : { ...test, file: relativePath(test.file, cwd) })),
  };
}

function relativeLeak(leak: Leak, cwd: string): Leak {
  const copy: Leak = { ...leak, items: leak.items.map((item) => relativeItem(item, cwd, leak.file)) };
  if (leak.file !== undefined) copy.file = relativePath(leak.file, cwd);
  if (leak.growthByType) copy.growthByType = leak.growthByType.map((entry) => ({ ...entry }));
  // The path starts at a module's file: `(module scope) /project/test/a.spec.js`.
  if (leak.retainerPath) copy.retainerPath = leak.retainerPath.map((step) => relativePathsIn(step, cwd));
  return copy;
}

function relativeItem(item: LeakItem, cwd: string, unitFile: string | undefined): LeakItem {
  const copy: LeakItem = { ...item };
  // An allocation site's identity is its location: relative, like memorySites[].site.
  if (item.type === 'allocation site' && typeof item.id === 'string') copy.id = relativePathsIn(item.id, cwd);
  if (typeof item.path === 'string') copy.path = relativePath(item.path, cwd);
  if (Array.isArray(item.stack)) {
    copy.stack = item.stack.map((frame) => relativePathsIn(String(frame), cwd));
    // Where it was created, as the summary says it (an allocation site says it by its id).
    const frames = item.type === 'allocation site' ? undefined : creationFrames(copy.stack, unitFile === undefined ? undefined : relativePath(unitFile, cwd));
    if (frames) {
      copy.createdAt = frameLocation(frames.at);
      if (frames.via) copy.createdVia = frameLocation(frames.via);
    }
  }
  return copy;
}

/**
 * Write the report as pretty JSON, atomically (see {@link writeJsonFileSync}).
 */
export function writeJsonReportSync(path: string, report: LeakReport): void {
  try {
    writeJsonFileSync(path, report);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`leakguard: could not write the JSON report to ${path}: ${reason}`, { cause: error });
  }
}

/**
 * Write `value` as pretty JSON, atomically: to a temporary file in the same directory,
 * flushed to disk, then renamed over `path`, so that a CI step reading the file never
 * sees half of it, and a failed write leaves the previous file in place. Synchronous
 * because it must also work from a process 'exit' handler, where nothing asynchronous runs.
 */
export function writeJsonFileSync(path: string, value: unknown): void {
  writeFileAtomicSync(path, `${jsonText(value)}\n`);
}

/** Write `text` to `path` atomically, as {@link writeJsonFileSync} does (the JUnit report uses it too). */
export function writeFileAtomicSync(path: string, text: string): void {
  const directory = dirname(path);
  // Same directory as the target: rename is only atomic within one file system. Unique by
  // process and time (node:crypto for a random name costs ~1.5 ms to load at a run's start).
  const temp = join(directory, `.${basename(path)}.${process.pid}.${nowNs().toString(36)}.tmp`);
  let created = false;
  try {
    ownFs.mkdirSync(directory, { recursive: true });
    const fd = ownFs.openSync(temp, 'wx');
    created = true;
    try {
      ownFs.writeFileSync(fd, text);
      ownFs.fsyncSync(fd);
    } finally {
      ownFs.closeSync(fd);
    }
    ownFs.renameSync(temp, path);
  } catch (error) {
    if (created) removeQuietly(temp);
    throw error;
  }
}

/**
 * Pretty JSON of `value`. What a probe reported is plain data by the time it is here (see
 * core/safe-item.ts); should anything still hold a cycle or a bigint, the report is written
 * all the same, with that value replaced, rather than lost with every finding in it.
 */
export function jsonText(value: unknown): string {
  try {
    return JSON.stringify(value, null, 2);
  } catch {
    return JSON.stringify(value, defensiveReplacer(), 2);
  }
}

function defensiveReplacer(): (this: unknown, key: string, value: unknown) => unknown {
  // The objects on the path from the root to the value being written: a cycle leads back to one.
  const path: object[] = [];
  return function replace(this: unknown, _key: string, value: unknown): unknown {
    if (typeof value === 'bigint') return value.toString();
    if (typeof value !== 'object' || value === null) return value;
    // JSON.stringify calls the replacer with the holder as `this`: unwind the path to it.
    const holder = this as object;
    while (path.length > 0 && path[path.length - 1] !== holder) path.pop();
    if (path.includes(value)) return '(cycle)';
    path.push(value);
    return value;
  };
}

/** Cleanup after a failure: its own error would hide the one that matters. */
function removeQuietly(file: string): void {
  try {
    ownFs.rmSync(file, { force: true });
  } catch {
    // The write already failed; that error is the one reported.
  }
}
