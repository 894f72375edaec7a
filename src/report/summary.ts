import type { LeakItem } from '../core/probe';
import { creationFrames, projectFrame } from '../core/stack-frames';
import { MAX_LEAKS, type Leak, type LeakReport, type MemorySite } from '../core/report-model';
import { formatBytes, formatValue } from '../core/thresholds';
import { allowedLines } from './allowed-line';
import { groupByCause, parseFrame, unitPlace, type CreationSite, type LeakCause } from './causes';
import { relativePath, relativePathsIn } from './paths';
import { labelLines, shortenLabel } from './shorten';

export interface SummaryOptions {
  /** Paths under this directory are shown relative to it. */
  cwd: string;
  /** ANSI colors (red leak headers, dim hints). Default false. */
  color?: boolean;
  /** At most this many items are listed per leak. Default 5. */
  maxItemsShown?: number;
  /** The run is writing the baseline file: its leaks are being accepted, nothing fails. */
  updatingBaseline?: boolean;
  /** Hints are wrapped, item lines split and labels cut to fit this many columns. Default 100. */
  width?: number;
}

const DEFAULT_MAX_ITEMS_SHOWN = 5;
/** The width when not told (not a terminal): hints are wrapped, item lines split and labels cut to fit it. */
export const DEFAULT_LINE_WIDTH = 100;
/** Narrower than this, wrapping would leave a word or two per line: lines run over instead. */
const MIN_LINE_WIDTH = 40;
const ITEM_INDENT = '    ';
/** Where an item's second line starts, under its first (an aside, where it was created). */
const CONTINUATION = '  ';
const HINT_PREFIX = `${ITEM_INDENT}hint: `;

/** Every leak of one test or hook, in report order. */
interface UnitLeaks {
  kind: Leak['kind'];
  title: string;
  file: string | undefined;
  leaks: Leak[];
}

interface Style {
  red(text: string): string;
  dim(text: string): string;
}

const PLAIN: Style = { red: (text) => text, dim: (text) => text };
const ANSI: Style = {
  red: (text) => `\u001b[31m${text}\u001b[39m`,
  dim: (text) => `\u001b[2m${text}\u001b[22m`,
};

/**
 * The summary printed after Mocha's own output: one line when nothing leaked, otherwise
 * one block per leaking test or hook saying what leaked, where it was created and how to
 * fix it, then a totals line. Lines are joined with `\n`, without a final newline.
 */
export function formatSummary(report: LeakReport, options: SummaryOptions): string {
  const style = options.color ? ANSI : PLAIN;
  const units = groupByUnit(report.leaks);
  const lines =
    units.length === 0 ? [noLeaksLine(report)] : leakLines(report, units, options.cwd, style, maxItemsShown(options), lineWidth(options));
  for (const fault of report.faults) {
    const message = oneLine(relativePathsIn(fault.message, options.cwd));
    lines.push(`leakguard: probe "${fault.probe}" was switched off: ${message}`);
  }
  if (report.droppedLeaks) {
    lines.push(`leakguard: ${count(report.droppedLeaks, 'more leak')} not listed (at most ${MAX_LEAKS} are kept per run)`);
  }
  lines.push(...retainedOnceLines(report, options.cwd));
  lines.push(...knownLines(report, options.cwd));
  lines.push(...allowedLines(report));
  if (units.length > 0) lines.push(totalsLine(report, units, causeCount(report), options.updatingBaseline === true));
  return lines.join('\n');
}

/**
 * Growth that did not come back when the test ran again: worth knowing about (it is
 * memory the process keeps), but not a leak and never a reason to fail.
 */
function retainedOnceLines(report: LeakReport, cwd: string): string[] {
  const retained = report.retainedOnce ?? [];
  if (retained.length === 0) return [];
  const lines = [`leakguard: retained once, not counted as leaks (no growth when the test ran again):`];
  for (const leak of retained) {
    const file = leak.file ? ` (${relativePath(leak.file, cwd)})` : '';
    const then = leak.repeats?.length
      ? `then ${leak.repeats.map((bytes) => formatValue(bytes, leak.unit)).join(', ')}`
      : `not run again: ${oneLine(leak.notRepeated ?? 'it did not pass')}`;
    lines.push(`  ${leak.test}${file}: ${leak.probe} ${formatValue(leak.delta, leak.unit)} on first run, ${then}`);
  }
  return lines;
}

/** Leaks the baseline file lists: one line each, so that the debt stays in view. */
function knownLines(report: LeakReport, cwd: string): string[] {
  const known = report.known ?? [];
  if (known.length === 0) return [];
  const lines = [`leakguard: ${count(known.length, 'known leak')} (listed in the baseline), not failing:`];
  for (const leak of known) {
    lines.push(`  ${unitHeader(leak.kind, leak.test, leak.file, cwd)}: ${leak.probe} +${formatValue(leak.delta, leak.unit)}`);
  }
  return lines;
}

function lineWidth(options: SummaryOptions): number {
  const width = options.width ?? DEFAULT_LINE_WIDTH;
  return Number.isFinite(width) ? Math.max(MIN_LINE_WIDTH, Math.floor(width)) : DEFAULT_LINE_WIDTH;
}

function maxItemsShown(options: SummaryOptions): number {
  const max = options.maxItemsShown ?? DEFAULT_MAX_ITEMS_SHOWN;
  return Number.isFinite(max) ? Math.max(0, Math.floor(max)) : DEFAULT_MAX_ITEMS_SHOWN;
}

function noLeaksLine(report: LeakReport): string {
  const hooks = report.hooks > 0 ? ` and ${count(report.hooks, 'hook')}` : '';
  const probes = report.probes.map((probe) => probe.name).join(', ');
  const fresh = (report.known ?? []).length > 0 ? 'new ' : '';
  return `leakguard: no ${fresh}leaks in ${count(report.tests, 'test')}${hooks}${probes ? ` (${probes})` : ''}`;
}

function leakLines(report: LeakReport, units: readonly UnitLeaks[], cwd: string, style: Style, maxItems: number, width: number): string[] {
  const lines = [`leakguard: ${leakingUnits(units)} left resources behind`];
  const sites = leakingSites(report);
  for (const site of sites) lines.push('', ...siteLines(site, report, cwd, style, maxItems, width));
  for (const block of causeBlocks(report, sites)) {
    if ('cause' in block) lines.push('', ...causeLines(block.cause, cwd, style, maxItems, width));
    else lines.push('', style.red(unitHeader(block.unit.kind, block.unit.title, block.unit.file, cwd)), ...unitLeakLines(block.unit.leaks, cwd, style, maxItems, width));
  }
  lines.push('');
  return lines;
}

/** A block of the summary below the memory sites: a cause several units leaked from, or one unit's other leaks. */
type Block = { cause: LeakCause } | { unit: UnitLeaks };

/**
 * A cause that several tests or hooks leaked from (one creation site, one probe) is one
 * block; every other leak is shown under its unit, as a test's own leaks read best
 * together. A memory leak whose every site has a block of its own is said there. Blocks
 * come most important first: the causes by the number of units, then the units in the
 * order of their most important cause (one that names a line before one that does not).
 */
function causeBlocks(report: LeakReport, sites: readonly MemorySite[]): Block[] {
  const rest = leaksBesideSites(report.leaks, sites);
  const blocks: Block[] = [];
  const alone: Leak[] = [];
  for (const cause of groupByCause(rest)) {
    if (new Set(cause.leaks.map(unitKey)).size > 1) blocks.push({ cause });
    else alone.push(...cause.leaks);
  }
  // Within a unit, in report order (the order its probes were sampled).
  const order = new Map(rest.map((leak, index) => [leak, index]));
  const units = groupByUnit(alone).map((unit) => ({ unit: { ...unit, leaks: unit.leaks.sort((a, b) => order.get(a)! - order.get(b)!) } }));
  return [...blocks, ...units];
}

/**
 * `3 tests and 1 hook leaked handles created at test/helpers.js:7:42 (listen)`, what the
 * first of them left, the units (the first few, then how many more), the hint once.
 */
function causeLines(cause: LeakCause, cwd: string, style: Style, maxItems: number, width: number): string[] {
  const first = cause.leaks[0]!;
  const units = groupByUnit(cause.leaks);
  const where = cause.site ? ` created at ${formatSite(cause.site, cwd)}` : '';
  const lines = [style.red(`${leakingUnits(units)} leaked ${cause.probe}${where}`)];
  lines.push(...itemLines(first, cwd, maxItems, width, cause.site));
  const shown = units.slice(0, maxItems);
  for (const unit of shown) {
    const growth = unit.leaks.reduce((sum, leak) => sum + leak.delta, 0);
    const amount = `: +${formatValue(growth, first.unit)}`;
    lines.push(`${ITEM_INDENT}${truncateMiddle(unitHeader(unit.kind, unit.title, unitPlace(unit.leaks, unit.file, cwd), cwd), width - ITEM_INDENT.length - amount.length)}${amount}`);
  }
  if (units.length > shown.length) lines.push(`${ITEM_INDENT}… and ${units.length - shown.length} more`);
  if (first.hint) lines.push(...hintLines(relativePathsIn(first.hint, cwd), width).map(style.dim));
  return lines;
}

/** `test/helpers.js:7:42 (listen)`, as {@link formatFrame} shows a frame. */
function formatSite(site: CreationSite, cwd: string): string {
  const location = `${relativePath(site.file, cwd)}:${site.line}${site.column === undefined ? '' : `:${site.column}`}`;
  return site.fn ? `${location} (${oneLine(site.fn)})` : location;
}

function sameLine(a: CreationSite | undefined, b: CreationSite): boolean {
  return a !== undefined && a.file === b.file && a.line === b.line;
}

function unitKey(leak: Leak): string {
  return JSON.stringify([leak.kind, leak.test, leak.file ?? null]);
}

/**
 * One allocation site that kept tests' memory: the cause once, then the units that fed it
 * (`42 tests kept memory allocated in render (lib/render.js:12): +2.0 MiB each, 84 MiB in all`).
 */
function siteLines(site: MemorySite, report: LeakReport, cwd: string, style: Style, maxItems: number, width: number): string[] {
  const units = site.tests;
  const tests = units.filter((unit) => unit.kind === 'test').length;
  const who = tests === units.length ? count(tests, 'test') : count(units.length, 'test and hook', 'tests and hooks');
  const where = siteWhere(site, cwd);
  const leakOf = (unit: MemorySite['tests'][number]) =>
    report.leaks.find((leak) => leak.probe === 'heap' && leak.test === unit.test && leak.file === unit.file && leak.items.some((item) => item.id === site.site));
  const first = leakOf(units[0]!);
  const again = units.length === 1 && first?.repeats?.length ? `, then +${first.repeats.map((bytes) => formatBytes(bytes)).join(', +')} when run again` : '';
  const amount = units.length === 1 ? `+${formatBytes(site.bytes)}${again}` : `+${formatBytes(site.bytes / units.length)} each, ${formatBytes(site.bytes)} in all`;
  const lines = [style.red(`${who} kept memory ${where}: ${amount}`)];
  const caller = projectFrame(site.stack);
  if (caller && caller !== site.stack[0]) lines.push(`${ITEM_INDENT}called from ${formatFrame(caller, cwd)}`);
  const shown = units.slice(0, maxItems);
  for (const unit of shown) lines.push(`${ITEM_INDENT}${truncateMiddle(unitHeader(unit.kind, unit.test, unit.file, cwd), width - ITEM_INDENT.length - 12)}: +${formatBytes(unit.bytes)}`);
  if (units.length > shown.length) lines.push(`${ITEM_INDENT}… and ${units.length - shown.length} more`);
  if (first) lines.push(...growthLines(first, cwd, width));
  const hint = first?.hint;
  if (hint) lines.push(...hintLines(relativePathsIn(hint, cwd), width).map(style.dim));
  return lines;
}

/** Where a site's memory was allocated, as the summary's first line of its block says it. */
function siteWhere(site: MemorySite, cwd: string): string {
  if (site.stack.length === 0) return oneLine(site.site);
  // V8 had dropped its file's code before leakguard looked (see MemoryLane.siteFor): the site names its file in words.
  if (!isLocation(site.site)) return `allocated in ${oneLine(relativePathsIn(site.site, cwd))}`;
  return `allocated in ${site.fn || '(anonymous)'} (${formatFrame(site.site, cwd)})`;
}

/**
 * The error a leaking test fails with in mode "fail" (failAt "test"): what leaked, where
 * it was created and the hint, as in the summary, under a first line that says why.
 */
export function formatTestFailure(leaks: readonly Leak[], options: SummaryOptions): string {
  const what = [...new Set(leaks.map((leak) => leak.probe))].join(', ');
  const lines = unitLeakLines(leaks, options.cwd, PLAIN, maxItemsShown(options), lineWidth(options));
  // Indented to line up under the first line, where Mocha's reporters print it (`     LeakError: ...`).
  return [`leakguard: this test leaked (${what})`, ...lines.map((line) => `   ${line}`)].join('\n');
}

/**
 * What leaked, as the summary shows it under a test, without colour: the probe's line,
 * the items and where they were created, the hint. For the CI outputs (annotations, JUnit).
 */
export function formatLeakDetails(leaks: readonly Leak[], options: SummaryOptions): string[] {
  return unitLeakLines(leaks, options.cwd, PLAIN, maxItemsShown(options), lineWidth(options));
}

/** One unit's leaks: a line per probe, the items, and each probe's hint once. */
function unitLeakLines(leaks: readonly Leak[], cwd: string, style: Style, maxItems: number, width: number): string[] {
  const lines: string[] = [];
  const hinted = new Set<string>();
  for (const leak of leaks) {
    lines.push(probeLine(leak), ...itemLines(leak, cwd, maxItems, width), ...growthLines(leak, cwd, width));
    // A unit can hold two leaks of one probe (two tests with one title in one file).
    if (leak.hint && !hinted.has(leak.probe)) {
      hinted.add(leak.probe);
      lines.push(...hintLines(relativePathsIn(leak.hint, cwd), width).map(style.dim));
    }
  }
  return lines;
}

/** Leaks grouped by test (or hook) and file, in the order each unit first appears. */
function groupByUnit(leaks: readonly Leak[]): UnitLeaks[] {
  const units = new Map<string, UnitLeaks>();
  for (const leak of leaks) {
    const key = unitKey(leak);
    let unit = units.get(key);
    if (!unit) {
      unit = { kind: leak.kind, title: leak.test, file: leak.file, leaks: [] };
      units.set(key, unit);
    }
    unit.leaks.push(leak);
  }
  return [...units.values()];
}

/** `2 tests and 1 hook`. */
function leakingUnits(units: readonly UnitLeaks[]): string {
  const { tests, hooks } = countByKind(units);
  const parts = [];
  if (tests > 0) parts.push(count(tests, 'test'));
  if (hooks > 0) parts.push(count(hooks, 'hook'));
  return parts.join(' and ');
}

function countByKind(units: readonly UnitLeaks[]): { tests: number; hooks: number } {
  const of = (kind: Leak['kind']) => units.filter((unit) => unit.kind === kind).length;
  return { tests: of('test'), hooks: of('hook') };
}

function unitHeader(kind: Leak['kind'], unitTitle: string, unitFile: string | undefined, cwd: string): string {
  const file = unitFile ? relativePath(unitFile, cwd) : undefined;
  // Hook titles already say which hook (`"after each" hook in Suite`); the prefix says
  // that it was not a test, so that nobody looks for a test of that name.
  const title = kind === 'hook' ? `hook: ${unitTitle}` : unitTitle;
  return file ? `${title} (${file})` : title;
}

/** `  fds  +3 (threshold 0)`. */
function probeLine(leak: Leak): string {
  const sign = leak.delta >= 0 ? '+' : '';
  const threshold = formatValue(leak.threshold, leak.unit);
  const repeats = leak.repeats?.length
    ? `, then +${leak.repeats.map((growth) => formatValue(growth, leak.unit)).join(', +')} when run again`
    : '';
  return `  ${leak.probe}  ${sign}${formatValue(leak.delta, leak.unit)}${repeats} (threshold ${threshold})`;
}

/** Types a `grew:` line shows at most, and the share of the growth's bytes a type needs to be shown after the first. */
const GROWTH_TYPES_SHOWN = 3;
const GROWTH_SHARE_SHOWN = 0.05;
const RETAINER_PREFIX = `${ITEM_INDENT}retained by: `;

/**
 * What a memory leak grew by, by type, on one line (`grew: +3,000 Object (117 KiB), ...`),
 * without the few objects leakguard's own work leaves in a snapshot, and the path that
 * retains it, wrapped at its arrows.
 */
function growthLines(leak: Leak, cwd: string, width: number): string[] {
  const lines: string[] = [];
  const growth = leak.growthByType ?? [];
  if (growth.length > 0) {
    const total = growth.reduce((sum, entry) => sum + entry.bytes, 0);
    const shown = growth.filter((entry, index) => index === 0 || (index < GROWTH_TYPES_SHOWN && entry.bytes >= total * GROWTH_SHARE_SHOWN));
    const types = shown.map((entry) => `+${entry.count.toLocaleString('en-US')} ${oneLine(String(entry.type))} (${formatBytes(entry.bytes)})`);
    lines.push(`${ITEM_INDENT}grew: ${types.join(', ')}`);
  }
  const steps = (leak.retainerPath ?? []).map((step) => oneLine(relativePathsIn(String(step), cwd)));
  if (steps.length > 0) {
    const continuation = ' '.repeat(RETAINER_PREFIX.length);
    const wrapped: string[] = [];
    let line = '';
    for (const step of steps) {
      const next = line === '' ? step : `${line} -> ${step}`;
      if (line !== '' && RETAINER_PREFIX.length + next.length > width) {
        wrapped.push(`${line} ->`);
        line = step;
      } else {
        line = next;
      }
    }
    wrapped.push(line);
    lines.push(...wrapped.map((text, index) => (index === 0 ? RETAINER_PREFIX : continuation) + text));
  }
  return lines;
}

/** The items of a leak; `site`: the creation site its block names already, not said again per item. */
function itemLines(leak: Leak, cwd: string, maxItems: number, width: number, site?: CreationSite): string[] {
  const shown = mostUsefulFirst(leak.items).slice(0, maxItems);
  const lines = shown.flatMap((item) => describeItem(item, cwd, width, site, leak.file));
  const hidden = Math.max(leak.items.length, leak.itemsTotal ?? 0) - shown.length;
  if (hidden > 0) lines.push(`${ITEM_INDENT}… and ${hidden} more`);
  return lines;
}

/**
 * Items that say where they were created come first (they point at the line to fix),
 * then the largest; otherwise the probe's order is kept (the sort is stable).
 */
function mostUsefulFirst(items: readonly LeakItem[]): LeakItem[] {
  return [...items].sort((a, b) => Number(hasStack(b)) - Number(hasStack(a)) || sizeOf(b) - sizeOf(a));
}

function hasStack(item: LeakItem): boolean {
  return Array.isArray(item.stack) && item.stack.length > 0;
}

function sizeOf(item: LeakItem): number {
  return typeof item.size === 'number' && Number.isFinite(item.size) ? item.size : -1;
}

/**
 * `test/out.log (12 KiB), created at test/io.spec.js:42:7 (openLog)`: one line, or two
 * when that would be too long, with where it was created on the second. Where that is the
 * test's own line and the stack went through other code of the project first, `via` names
 * that too (see creationFrames).
 */
function describeItem(item: LeakItem, cwd: string, width: number, site?: CreationSite, unitFile?: string): string[] {
  // Longer labels are cut in the middle, where a path is least informative.
  const maxLabelLength = width - ITEM_INDENT.length;
  // String(): custom probes are often plain JavaScript, and a label is not always a string.
  const label = String(item.label);
  const [first, aside] = labelLines(oneLine(relativePathsIn(label, cwd)), maxLabelLength, CONTINUATION.length);
  let text = ITEM_INDENT + first;
  if (typeof item.path === 'string' && !label.includes(item.path)) {
    text += ` ${truncateMiddle(oneLine(relativePath(item.path, cwd)), maxLabelLength)}`;
  }
  if (sizeOf(item) >= 0) text += ` (${formatBytes(sizeOf(item))})`;
  // The test's own line, or the project's, not a dependency's: that is the line to change.
  // Under a cause's block, which names the line its units share, the project's.
  const frames = hasStack(item) ? creationFrames((item.stack ?? []).map(String), site ? undefined : unitFile) : undefined;
  const more = aside ? [`${ITEM_INDENT}${CONTINUATION}${aside}`] : [];
  if (frames === undefined || (site && sameLine(parseFrame(frames.at), site))) return [text, ...more];
  const created = `created at ${formatFrame(frames.at, cwd)}${frames.via ? `, via ${formatFrame(frames.via, cwd)}` : ''}`;
  const oneLiner = `${text}, ${created}`;
  return !aside && oneLiner.length <= width ? [oneLiner] : [text, ...more, `${ITEM_INDENT}${CONTINUATION}${created}`];
}

/**
 * A stack line as V8 prints it (`    at fn (/p/a.js:1:2)`) or bare (`/p/a.js:1:2`), as
 * `a.js:1:2 (fn)`: the location first, since that is what the reader looks for.
 */
function formatFrame(frame: string, cwd: string): string {
  const text = oneLine(relativePathsIn(frame, cwd)).replace(/^at\s+/, '');
  const call = /^(.+?) \((.+)\)$/.exec(text);
  return call && isLocation(call[2]!) ? `${call[2]} (${call[1]})` : text;
}

/** `file:line` or `file:line:column`, not a site V8 could no longer place (see MemoryLane.siteFor). */
function isLocation(text: string): boolean {
  return /:\d+(:\d+)?$/.test(text);
}

/** The hint, word-wrapped under its prefix. */
function hintLines(hint: string, width: number): string[] {
  const continuation = ' '.repeat(HINT_PREFIX.length);
  return wrap(oneLine(hint), width - HINT_PREFIX.length).map(
    (line, index) => (index === 0 ? HINT_PREFIX : continuation) + line,
  );
}

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(line);
  return lines;
}

/** The causes the summary shows: each memory site with a block, and each other probe and creation site (see causes.ts). */
function causeCount(report: LeakReport): number {
  const sites = leakingSites(report);
  return sites.length + groupByCause(leaksBesideSites(report.leaks, sites)).length;
}

/** The memory sites that leaked: each has a block of its own. */
function leakingSites(report: LeakReport): MemorySite[] {
  return (report.memorySites ?? []).filter((site) => site.verdict === 'leak');
}

/** The leaks not said in a memory site's block: all but the memory leaks whose every site has one. */
function leaksBesideSites(leaks: readonly Leak[], sites: readonly MemorySite[]): Leak[] {
  const bySite = new Set(sites.map((site) => site.site));
  return leaks.filter((leak) => !(leak.items.length > 0 && leak.items.every((item) => bySite.has(String(item.id)))));
}

/** `leakguard: 3 leaks from 2 causes in 2 of 120 tests (fds: 1, handles: 2) — mode warn: exit code unchanged`. */
function totalsLine(report: LeakReport, units: readonly UnitLeaks[], causes: number, updatingBaseline: boolean): string {
  const { tests, hooks } = countByKind(units);
  const where = [];
  if (tests > 0) where.push(`${tests} of ${count(report.tests, 'test')}`);
  if (hooks > 0) where.push(`${hooks} of ${count(report.hooks, 'hook')}`);
  // In the order of the report's probes, so that a serial and a parallel run say the same.
  const byProbe = new Map<string, number>(report.probes.map((probe) => [probe.name, 0]));
  for (const leak of report.leaks) byProbe.set(leak.probe, (byProbe.get(leak.probe) ?? 0) + 1);
  for (const [probe, leaks] of byProbe) if (leaks === 0) byProbe.delete(probe);
  const probes = [...byProbe].map(([probe, leaks]) => `${probe}: ${leaks}`).join(', ');
  const outcome = updatingBaseline
    ? 'writing the baseline: nothing fails'
    : report.mode === 'fail'
      ? 'mode fail: the run fails'
      : 'mode warn: exit code unchanged';
  return `leakguard: ${count(report.leaks.length, 'leak')} from ${count(causes, 'cause')} in ${where.join(' and ')} (${probes}) — ${outcome}`;
}

/** `1 test`, `3 tests`. */
function count(n: number, noun: string, plural = `${noun}s`): string {
  return `${n} ${n === 1 ? noun : plural}`;
}

/** Probe output on one line: labels and messages can hold newlines and tabs. */
function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** Cut in the middle, at word boundaries, keeping a closing parenthesised part whole (see shorten.ts). */
function truncateMiddle(text: string, max: number): string {
  return shortenLabel(text, max);
}
