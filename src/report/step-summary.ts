/**
 * The GitHub Actions job summary (`$GITHUB_STEP_SUMMARY`): Markdown with the leaks by
 * cause, the tests under each, the probes and the totals. GitHub refuses a step's summary
 * over 1 MiB (and shows none of it), so this one stays under {@link MAX_SUMMARY_BYTES},
 * cutting causes and saying how many were left out.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Leak, LeakReport } from '../core/report-model';
import { formatValue } from '../core/thresholds';
import { groupByCause, unitPlace, type LeakCause } from './causes';
import { unitName } from './github-annotations';
import { relativePath } from './paths';
import { formatLeakDetails } from './summary';

/** Well under GitHub's 1 MiB per step, leaving room for what other tools of the step write. */
export const MAX_SUMMARY_BYTES = 256 * 1024;
/** Tests listed under one cause; the rest are counted. */
const TESTS_LISTED = 20;

export interface StepSummaryOptions {
  cwd: string;
  updatingBaseline?: boolean;
  /** Default {@link MAX_SUMMARY_BYTES}. */
  maxBytes?: number;
}

/** The Markdown, ending with a newline. */
export function formatStepSummary(report: LeakReport, options: StepSummaryOptions): string {
  const maxBytes = options.maxBytes ?? MAX_SUMMARY_BYTES;
  const causes = groupByCause(report.leaks);
  const head = [`## leakguard: ${headline(report, causes)}`, '', outcome(report, options), ''];
  const tail = [...probeTable(report), '', ...totals(report, causes)];
  let budget = maxBytes - bytes(head) - bytes(tail) - 200;
  const body: string[] = [];
  let listed = 0;
  for (const [index, cause] of causes.entries()) {
    const block = causeBlock(index + 1, cause, options.cwd);
    if (bytes(block) > budget) break;
    budget -= bytes(block);
    body.push(...block);
    listed++;
  }
  const left = causes.slice(listed);
  if (left.length > 0) {
    const leaks = left.reduce((sum, cause) => sum + cause.leaks.length, 0);
    body.push(`_…and ${plural(left.length, 'more cause')} (${plural(leaks, 'leak')}) left out to keep this summary small: see the JSON report or the log._`, '');
  }
  return `${[...head, ...body, ...tail].join('\n')}\n`;
}

/**
 * Append the summary to the file GitHub names, keeping the file's total under the cap
 * (a step may run leakguard more than once).
 */
export function appendStepSummary(file: string, report: LeakReport, options: StepSummaryOptions): void {
  let existing = 0;
  try {
    existing = fs.statSync(file).size;
  } catch {
    // Not there yet: GitHub creates it, but a local try may not have.
  }
  const maxBytes = Math.min(options.maxBytes ?? MAX_SUMMARY_BYTES, Math.max(4096, 1024 * 1024 - 4096 - existing));
  const prefix = existing > 0 ? '\n' : '';
  fs.appendFileSync(file, prefix + formatStepSummary(report, { ...options, maxBytes }));
}

function headline(report: LeakReport, causes: readonly LeakCause[]): string {
  if (report.leaks.length === 0) {
    const fresh = report.known.length > 0 ? 'new ' : '';
    return `no ${fresh}leaks in ${plural(report.tests, 'test')}`;
  }
  return `${plural(report.leaks.length, 'leak')} from ${plural(causes.length, 'cause')} in ${leakingUnits(report)}`;
}

/** `2 tests and 1 hook`: each unit once, however many probes it leaked in. */
function leakingUnits(report: LeakReport): string {
  const units = new Map<string, Leak['kind']>();
  for (const leak of report.leaks) units.set(JSON.stringify([leak.kind, leak.test, leak.file ?? null]), leak.kind);
  const of = (kind: Leak['kind']): number => [...units.values()].filter((unitKind) => unitKind === kind).length;
  const parts = [];
  if (of('test') > 0) parts.push(plural(of('test'), 'test'));
  if (of('hook') > 0) parts.push(plural(of('hook'), 'hook'));
  return parts.join(' and ');
}

function outcome(report: LeakReport, options: StepSummaryOptions): string {
  if (report.leaks.length === 0) return 'Nothing new leaked.';
  if (options.updatingBaseline) return 'Writing the baseline: nothing fails.';
  return report.mode === 'fail' ? '**Mode fail: the run fails.**' : 'Mode warn: the exit code is unchanged.';
}

/** `### 1. handles: created at test/a.spec.js:12 (listen)`, the tests, then the details as in the log. */
function causeBlock(number: number, cause: LeakCause, cwd: string): string[] {
  const first = cause.leaks[0]!;
  const where = cause.site
    ? `created at \`${relativePath(path.resolve(cwd, cause.site.file), cwd)}:${cause.site.line}\`${cause.site.fn ? ` (${escapeMarkdown(cause.site.fn)})` : ''}`
    : `in ${escapeMarkdown(unitName(first))}`;
  const lines = [`### ${number}. ${escapeMarkdown(cause.probe)}: ${where}`, ''];
  for (const leak of cause.leaks.slice(0, TESTS_LISTED)) {
    const place = unitPlace([leak], leak.file, cwd);
    const file = place === undefined ? '' : ` (\`${place}\`)`;
    lines.push(`- ${escapeMarkdown(unitName(leak))}${file}: +${formatValue(leak.delta, leak.unit)}`);
  }
  if (cause.leaks.length > TESTS_LISTED) lines.push(`- …and ${cause.leaks.length - TESTS_LISTED} more`);
  lines.push('', ...codeBlock(formatLeakDetails([first], { cwd })), '');
  return lines;
}

function probeTable(report: LeakReport): string[] {
  const leaks = new Map<string, number>();
  for (const leak of report.leaks) leaks.set(leak.probe, (leaks.get(leak.probe) ?? 0) + 1);
  return [
    '| Probe | Threshold | Leaks |',
    '| --- | --- | --- |',
    ...report.probes.map((probe) => `| ${escapeMarkdown(probe.name)} | ${formatValue(probe.threshold, probe.unit)} | ${leaks.get(probe.name) ?? 0} |`),
  ];
}

function totals(report: LeakReport, causes: readonly LeakCause[]): string[] {
  const parts = [
    `${plural(report.tests, 'test')} and ${plural(report.hooks, 'hook')} measured`,
    `${plural(report.leaks.length, 'new leak')} from ${plural(causes.length, 'cause')}`,
  ];
  if (report.known.length > 0) parts.push(`${plural(report.known.length, 'known leak')} (baseline)`);
  if (report.retainedOnce.length > 0) parts.push(`${report.retainedOnce.length} retained once (not leaks)`);
  if ((report.allowed ?? []).length > 0) parts.push(`${report.allowed!.length} allowed (not leaks)`);
  if (report.droppedLeaks) parts.push(`${plural(report.droppedLeaks, 'more leak')} not kept`);
  const lines = [`Totals: ${parts.join(', ')}.`];
  for (const fault of report.faults) lines.push('', `Probe ${escapeMarkdown(fault.probe)} was switched off: ${escapeMarkdown(fault.message)}`);
  return lines;
}

/** Lines in a fenced block, fenced longer than any run of backticks in them. */
function codeBlock(lines: readonly string[]): string[] {
  const longest = Math.max(0, ...lines.map((line) => Math.max(0, ...(line.match(/`+/g) ?? []).map((run) => run.length))));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return [`${fence}text`, ...lines, fence];
}

/** Text from tests and probes, shown as text: on one line, no Markdown or HTML in effect. */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/\s+/g, ' ')
    .trim()
    // Other control characters show as nothing or break the page: the replacement character.
    .replace(/[\u0000-\u001f\u007f]/g, '\ufffd')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[\\`*_{}[\]()#+\-.!|~]/g, '\\$&');
}

function bytes(lines: readonly string[]): number {
  return Buffer.byteLength(lines.join('\n')) + 1;
}

function plural(n: number, noun: string, many = `${noun}s`): string {
  return `${n} ${n === 1 ? noun : many}`;
}
