/**
 * GitHub Actions annotations: one `::warning` (mode warn) or `::error` (mode fail)
 * workflow command per cause, on the line that created the leak, so that the pull
 * request shows it where the code is. GitHub keeps at most 10 annotations of each kind
 * per step; past that it drops them silently, so the most important causes go first and
 * the last one says how many more there are.
 */
import * as path from 'node:path';
import type { Leak, LeakReport } from '../core/report-model';
import { groupByCause, unitPlace, type LeakCause } from './causes';
import { relativePath } from './paths';
import { formatLeakDetails } from './summary';

/** GitHub's limit per step for each kind of annotation. */
export const MAX_ANNOTATIONS = 10;
/** A width no hint or label reaches. */
const UNWRAPPED = 10_000;
/** Tests named in one annotation's message; the rest are counted. */
const TESTS_NAMED = 5;

export interface AnnotationOptions {
  /** Where relative paths in the report start (its leaks' and items' files). */
  cwd: string;
  /**
   * The repository's root (`$GITHUB_WORKSPACE`): annotation paths are relative to it, as
   * GitHub needs them to place an annotation on a file of the pull request. Default `cwd`.
   */
  workspace?: string;
  /** Errors in mode fail, unless the run is writing the baseline (then nothing fails). */
  updatingBaseline?: boolean;
}

/** The workflow command lines, in order, for the report's new leaks (none when there are none). */
export function githubAnnotations(report: LeakReport, options: AnnotationOptions): string[] {
  const causes = groupByCause(report.leaks);
  if (causes.length === 0) return [];
  const command = report.mode === 'fail' && !options.updatingBaseline ? 'error' : 'warning';
  const shown = causes.length <= MAX_ANNOTATIONS ? causes : causes.slice(0, MAX_ANNOTATIONS - 1);
  const lines = shown.map((cause) => annotation(command, cause, options));
  const hidden = causes.slice(shown.length);
  if (hidden.length > 0) {
    const leaks = hidden.reduce((sum, cause) => sum + cause.leaks.length, 0);
    const message = `${hidden.length} more leak causes (${plural(leaks, 'leak', 'leaks')}) are not annotated: GitHub shows at most ${MAX_ANNOTATIONS} per step. See leakguard's summary in the job summary or the log.`;
    lines.push(`::${command} ${properties({ title: `leakguard: ${hidden.length} more leak causes` })}::${escapeData(message)}`);
  }
  return lines;
}

function annotation(command: string, cause: LeakCause, options: AnnotationOptions): string {
  const first = cause.leaks[0]!;
  const where: Record<string, string> = cause.site
    ? { file: workspacePath(cause.site.file, options), line: String(cause.site.line) }
    : first.file !== undefined
      ? { file: workspacePath(first.file, options) }
      : {};
  const title = cause.leaks.length === 1 ? `leakguard: ${cause.probe} leak in ${unitName(first)}` : `leakguard: ${cause.probe} leak in ${cause.leaks.length} tests`;
  return `::${command} ${properties({ ...where, title })}::${escapeData(message(cause, options))}`;
}

/** Which tests leaked, then what leaked as the summary shows it (items, hint). */
function message(cause: LeakCause, options: AnnotationOptions): string {
  const lines: string[] = [];
  if (cause.leaks.length > 1) {
    lines.push(`${cause.leaks.length} tests leaked from here:`);
    for (const leak of cause.leaks.slice(0, TESTS_NAMED)) lines.push(`  ${unitName(leak)}${fileSuffix(leak, options)}`);
    if (cause.leaks.length > TESTS_NAMED) lines.push(`  and ${cause.leaks.length - TESTS_NAMED} more`);
  } else {
    const first = cause.leaks[0]!;
    lines.push(`${unitName(first)}${fileSuffix(first, options)}`);
  }
  // GitHub wraps the message itself: no width to keep to.
  lines.push(...formatLeakDetails([cause.leaks[0]!], { cwd: options.cwd, width: UNWRAPPED }));
  return lines.join('\n');
}

/** The unit's title as the summary names it: a hook says it is one. */
export function unitName(leak: Leak): string {
  return leak.kind === 'hook' ? `hook: ${leak.test}` : leak.test;
}

/** ` (test/a.spec.js)`, or with the line that led to the cause's site (see unitPlace). */
function fileSuffix(leak: Leak, options: AnnotationOptions): string {
  const place = unitPlace([leak], leak.file, options.cwd);
  return place === undefined ? '' : ` (${place})`;
}

/** A report path (absolute, or relative to `cwd`) relative to the workspace, with `/` separators. */
function workspacePath(file: string, options: AnnotationOptions): string {
  const absolute = path.resolve(options.cwd, file);
  return relativePath(absolute, options.workspace ?? options.cwd).split(path.sep).join('/');
}

function properties(values: Record<string, string>): string {
  return Object.entries(values)
    .map(([name, value]) => `${name}=${escapeProperty(value)}`)
    .join(',');
}

/** A workflow command's message, escaped as the runner unescapes it. */
export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** A workflow command's property value: also `:` and `,`, which end a property. */
export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

function plural(n: number, noun: string, many: string): string {
  return `${n} ${n === 1 ? noun : many}`;
}
