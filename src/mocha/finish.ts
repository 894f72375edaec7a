/**
 * The end of a run: the summary on stderr and the JSON report, once. Synchronous, so the
 * same code serves the global teardown and a process 'exit' handler.
 */
import * as path from 'node:path';
import type { ResolvedConfig } from '../config/types';
import { LeakStore } from '../core/leak-store';
import { ownFs } from '../core/own-fs';
import type { LeakReport, ProbeFault } from '../core/report-model';
import { toJsonReport, writeJsonReportSync } from '../report/json';
import { relativePath } from '../report/paths';
import { formatSummary } from '../report/summary';
import type { RunGuard } from './guard';
import { inParallelWorker, writePartialReport } from './parallel';

const finished = new WeakSet<RunGuard>();

/**
 * Hand a run's findings on, once: a parallel worker writes them for the main process to
 * merge; otherwise they are published here.
 */
export function finishRun(guard: RunGuard, config: ResolvedConfig): void {
  if (finished.has(guard)) return;
  finished.add(guard);
  const { store, faults, measuredBy } = guard.findings;
  const report = buildReport(config, store, faults, measuredBy);
  if (inParallelWorker()) {
    try {
      writePartialReport(report);
    } catch (error) {
      writeLine(`leakguard: could not pass this worker's findings on: ${error instanceof Error ? error.message : String(error)}`);
    }
  } else {
    publishReport(report, config);
  }
}

/** The report of a run; with no findings given, of a run in which nothing was measured. */
export function buildReport(
  config: ResolvedConfig,
  store = new LeakStore(),
  faults: ProbeFault[] = [],
  measuredBy?: readonly string[],
): LeakReport {
  // The probes that measured to the end; not one that switched itself off (no /proc).
  const probes = measuredBy ? config.probes.filter(({ definition }) => measuredBy.includes(definition.name)) : config.probes;
  return store.toReport({
    tool: { name: 'leakguard', version: packageVersion() },
    mode: config.mode,
    probes: probes.map(({ definition, threshold }) => ({ name: definition.name, unit: definition.unit, threshold })),
    faults,
  });
}

/**
 * Set to `1` to write the baseline file (config key `baseline`) from this run's leaks:
 * every leak found, new or already known, becomes the new baseline, and the run does not
 * fail on them.
 */
export const UPDATE_BASELINE_ENV = 'LEAKGUARD_UPDATE_BASELINE';

export function updatingBaseline(): boolean {
  const value = process.env[UPDATE_BASELINE_ENV];
  return value !== undefined && value !== '' && value !== '0' && value !== 'false';
}

/** The summary on stderr, the JSON report and the baseline when configured. */
export function publishReport(report: LeakReport, config: ResolvedConfig): void {
  const cwd = process.cwd();
  writeLine(formatSummary(report, { cwd, color: useColor(), updatingBaseline: updatingBaseline() }));
  if (config.reportJson) {
    try {
      writeJsonReportSync(config.reportJson, toJsonReport(report, cwd));
    } catch (error) {
      writeLine(`leakguard: could not write the JSON report: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  if (updatingBaseline()) updateBaseline(report, config);
}

function updateBaseline(report: LeakReport, config: ResolvedConfig): void {
  if (!config.baseline) {
    writeLine(`leakguard: ${UPDATE_BASELINE_ENV} is set, but the config names no baseline file: add "baseline": "leakguard-baseline.json" to it.`);
    return;
  }
  try {
    const { writeBaselineSync } = require('../report/baseline-file') as typeof import('../report/baseline-file');
    const { leaks } = writeBaselineSync(config.baseline, [...report.known, ...report.leaks]);
    writeLine(`leakguard: wrote ${leaks.length} known leak${leaks.length === 1 ? '' : 's'} to the baseline ${relativePath(config.baseline, process.cwd())}`);
  } catch (error) {
    writeLine(`leakguard: could not write the baseline: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** Straight to file descriptor 2: works in an 'exit' handler and never mixes into stdout. */
export function writeLine(text: string): void {
  try {
    ownFs.writeSync(2, text.endsWith('\n') ? text : `${text}\n`);
  } catch {
    // stderr closed: nowhere left to say anything.
  }
}

function useColor(): boolean {
  if (process.env.NO_COLOR !== undefined || process.env.FORCE_COLOR === '0') return false;
  return process.stderr.isTTY === true || (process.env.FORCE_COLOR !== undefined && process.env.FORCE_COLOR !== '');
}

let version: string | undefined;
function packageVersion(): string {
  if (version) return version;
  try {
    // src/mocha/finish.ts and dist/lib/leakguard.js, the packaged code, are both two
    // levels below the package root (see scripts/build.js).
    const manifest = JSON.parse(ownFs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version?: string };
    version = manifest.version ?? '0.0.0';
  } catch {
    version = '0.0.0';
  }
  return version;
}
