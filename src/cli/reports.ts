/**
 * Reading the JSON reports of earlier runs (shards of one suite, or one whole run): each
 * must be there, be JSON, and be a leakguard report; a file that is not is an error that
 * names it, never skipped (a merge that silently lost a shard would pass a leaking suite).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Leak, LeakReport } from '../core/report-model';
import { CliError, reasonOf } from './errors';

export interface ReadReport {
  /** The file, as given or as matched. */
  file: string;
  /** Its paths (leaks' files, files run) made absolute against `cwd`, like an in-process report's. */
  report: LeakReport;
}

/**
 * The report files that `operands` name: paths, or globs (quoted, so that the shell left
 * them) expanded with fast-glob, in the order given; each file once.
 */
export function reportFiles(command: string, operands: readonly string[], cwd: string): string[] {
  if (operands.length === 0) throw new CliError(`${command}: no reports given (leakguard ${command} reports/*.json)`);
  const fg = require('fast-glob') as typeof import('fast-glob');
  const files: string[] = [];
  for (const operand of operands) {
    if (fg.isDynamicPattern(operand) && !fs.existsSync(path.resolve(cwd, operand))) {
      const matched = fg.sync(operand, { cwd, onlyFiles: true }).sort();
      if (matched.length === 0) throw new CliError(`${command}: no report files matched ${operand}`);
      files.push(...matched);
    } else {
      files.push(operand);
    }
  }
  return [...new Set(files)];
}

export function readReports(files: readonly string[], cwd: string): ReadReport[] {
  return files.map((file) => ({ file, report: absolutePaths(readReport(file, cwd), cwd) }));
}

function readReport(file: string, cwd: string): LeakReport {
  let text: string;
  try {
    text = fs.readFileSync(path.resolve(cwd, file), 'utf8');
  } catch (error) {
    throw new CliError(`cannot read the report ${file}: ${reasonOf(error)}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new CliError(`the report ${file} is not JSON: ${reasonOf(error)}`);
  }
  const problem = reportProblem(parsed);
  if (problem) throw new CliError(`${file} is not a leakguard JSON report: ${problem}`);
  const report = parsed as LeakReport;
  // Reports of older versions may lack the side lists.
  return { ...report, retainedOnce: report.retainedOnce ?? [], known: report.known ?? [] };
}

/** What makes `value` unusable as a report, or undefined. Checks what merging and the summary rely on. */
function reportProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'expected an object';
  const report = value as Record<string, unknown>;
  if (report.version !== 1) return `unsupported version ${JSON.stringify(report.version)} (this leakguard reads version 1)`;
  if ((report.tool as { name?: unknown } | undefined)?.name !== 'leakguard') return '"tool.name" is not "leakguard"';
  for (const key of ['tests', 'hooks']) if (typeof report[key] !== 'number') return `"${key}" must be a number`;
  for (const key of ['startedAt', 'endedAt']) if (typeof report[key] !== 'string') return `"${key}" must be a string`;
  for (const key of ['leaks', 'probes', 'faults']) if (!Array.isArray(report[key])) return `"${key}" must be an array`;
  for (const key of ['known', 'retainedOnce', 'allowed', 'files']) {
    if (report[key] !== undefined && !Array.isArray(report[key])) return `"${key}" must be an array`;
  }
  for (const key of ['leaks', 'known', 'retainedOnce', 'allowed']) {
    const leaks = (report[key] ?? []) as unknown[];
    const bad = leaks.findIndex((leak) => leakProblem(leak) !== undefined);
    if (bad !== -1) return `${key}[${bad}]: ${leakProblem(leaks[bad])}`;
  }
  const files = (report.files ?? []) as unknown[];
  const badFile = files.findIndex((run) => {
    const { file, durationMs, tests, notRun } = (run ?? {}) as Record<string, unknown>;
    return typeof file !== 'string' || typeof durationMs !== 'number' || typeof tests !== 'number' || (notRun !== undefined && !Array.isArray(notRun));
  });
  if (badFile !== -1) return `files[${badFile}] must have a "file", a "durationMs" and "tests"`;
  return undefined;
}

function leakProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return 'expected an object';
  const leak = value as Record<string, unknown>;
  if (typeof leak.test !== 'string') return '"test" must be a string';
  if (typeof leak.probe !== 'string') return '"probe" must be a string';
  if (leak.kind !== 'test' && leak.kind !== 'hook' && leak.kind !== 'file') return '"kind" must be "test", "hook" or "file"';
  if (!Array.isArray(leak.items)) return '"items" must be an array';
  if (typeof leak.delta !== 'number') return '"delta" must be a number';
  return undefined;
}

/** The report with its test files absolute: merged with others and matched with the baseline by file. */
function absolutePaths(report: LeakReport, cwd: string): LeakReport {
  const absolute = (leak: Leak): Leak => (leak.file === undefined ? leak : { ...leak, file: path.resolve(cwd, leak.file) });
  return {
    ...report,
    leaks: report.leaks.map(absolute),
    known: report.known.map(absolute),
    retainedOnce: report.retainedOnce.map(absolute),
    ...(report.files ? { files: report.files.map((run) => ({ ...run, file: path.resolve(cwd, run.file) })) } : {}),
  };
}
