/**
 * The report's leaks grouped by cause: one cause per probe and creation site, whatever
 * the number of tests that leaked from it, so that a helper every test calls makes one
 * block in the summary, one annotation and one entry in the JSON report's `causes`, not
 * one per test. A leak whose items say nowhere where they were created is a cause of its own.
 */
import * as path from 'node:path';
import type { LeakItem } from '../core/probe';
import type { CauseEntry, Leak } from '../core/report-model';
import { creationFrames, frameLocation, projectFrame } from '../core/stack-frames';
import { relativePath, relativePathsIn } from './paths';

/** Where a leaked resource was created: the first user frame its items carry. */
export interface CreationSite {
  /** As the stack gave it: absolute, or relative to the project in a JSON report. */
  file: string;
  line: number;
  column?: number;
  /** The function, when the frame names one. */
  fn?: string;
}

export interface LeakCause {
  probe: string;
  /** Undefined when no item of its leaks has a stack: the cause is then its one leak's unit. */
  site: CreationSite | undefined;
  /** Its leaks, one per test, hook or file, in report order. */
  leaks: Leak[];
}

/**
 * Causes, most important first: those that more tests leaked from, then those that
 * point at a line (the line to fix), then in report order (the sort is stable).
 */
export function groupByCause(leaks: readonly Leak[]): LeakCause[] {
  const causes = new Map<string, LeakCause>();
  for (const leak of leaks) {
    const site = creationSite(leak);
    const key = site
      ? JSON.stringify([leak.probe, site.file, site.line])
      : JSON.stringify([leak.probe, leak.kind, leak.test, leak.file ?? null]);
    const cause = causes.get(key);
    if (cause) cause.leaks.push(leak);
    else causes.set(key, { probe: leak.probe, site, leaks: [leak] });
  }
  return [...causes.values()].sort(
    (a, b) => b.leaks.length - a.leaks.length || Number(b.site !== undefined) - Number(a.site !== undefined),
  );
}

/** The creation site of a leak: the project frame of the first of its items that has a stack. */
export function creationSite(leak: Leak): CreationSite | undefined {
  for (const item of leak.items) {
    const stack = stackOf(item);
    if (stack.length === 0) continue;
    const frame = projectFrame(stack);
    const site = frame === undefined ? undefined : parseFrame(frame);
    if (site) return site;
  }
  return undefined;
}

function stackOf(item: LeakItem): string[] {
  return Array.isArray(item.stack) ? item.stack.map(String) : [];
}

/**
 * `/p/a.js:12:7`, `at fn (/p/a.js:12:7)`, `file:///p/a.mjs:3:1` or `/p/a.js:12` as a
 * site; undefined for what names no line (`<anonymous>`, a custom probe's free text).
 */
export function parseFrame(frame: string): CreationSite | undefined {
  const text = frame.trim().replace(/^at\s+/, '');
  const call = /^(.+?) \((.+)\)$/.exec(text);
  const location = call ? call[2]! : text;
  const match = /^(.+?):(\d+)(?::(\d+))?$/.exec(location);
  if (!match) return undefined;
  let file = match[1]!;
  if (file.startsWith('file://')) file = decodeURIComponent(file.slice('file://'.length));
  const site: CreationSite = { file, line: Number(match[2]) };
  if (match[3] !== undefined) site.column = Number(match[3]);
  if (call) site.fn = call[1]!;
  return site;
}

/** The causes as the JSON report lists them: each with every unit that leaked from it. */
export function causeEntries(leaks: readonly Leak[]): CauseEntry[] {
  return groupByCause(leaks).map((cause) => ({
    probe: cause.probe,
    ...(cause.site ? { site: { ...cause.site } } : {}),
    tests: cause.leaks.map((leak) => ({ test: leak.test, ...(leak.file === undefined ? {} : { file: leak.file }), kind: leak.kind })),
  }));
}

/**
 * Where to look in a unit of a cause, relative to `cwd`: the line of its own file that led
 * to the cause's site (`test/ws.test.js:4288:20`: that site is a helper's or a library's
 * line, this the line to change in each unit), else its file; undefined without a file.
 */
export function unitPlace(leaks: readonly Leak[], file: string | undefined, cwd: string): string | undefined {
  if (file === undefined) return undefined;
  for (const leak of leaks) {
    for (const item of leak.items) {
      if (!Array.isArray(item.stack) || item.stack.length === 0) continue;
      const frames = creationFrames(item.stack.map(String), file);
      if (frames?.via) return relativePathsIn(frameLocation(frames.at), cwd);
    }
  }
  return relativePath(path.resolve(cwd, file), cwd);
}
