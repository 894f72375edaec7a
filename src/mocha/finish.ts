/**
 * The end of a run: the summary on stderr and the JSON report, once. Synchronous, so the
 * same code serves the global teardown and a process 'exit' handler.
 */
import * as path from 'node:path';
import type { ResolvedConfig } from '../config/types';
import { LeakStore } from '../core/leak-store';
import { noticeLine, outputNotices } from '../core/notices';
import { ownFs } from '../core/own-fs';
import type { LeakReport, ProbeFault } from '../core/report-model';
import { writeCiOutputs } from '../report/ci';
import { toJsonReport, writeJsonReportSync } from '../report/json';
import { DEFAULT_LINE_WIDTH, formatSummary } from '../report/summary';
import { fileRunsOf } from './file-runs';
import type { MochaRun } from './run';
import { inParallelWorker, writePartialReport } from './parallel';
import type { MochaSuite } from './units';

const finished = new WeakSet<MochaRun>();
/** The root suite each run measured: which files ran is read from it when the run ends. */
const rootSuites = new WeakMap<MochaRun, MochaSuite>();

export function rememberRootSuite(run: MochaRun, root: MochaSuite): void {
  rootSuites.set(run, root);
}

/**
 * Hand a run's findings on, once: a parallel worker writes them for the main process to
 * merge; otherwise they are published here.
 */
export function finishRun(run: MochaRun, config: ResolvedConfig): void {
  if (finished.has(run)) return;
  finished.add(run);
  const { store, faults, measuredBy } = run.findings;
  const report = buildReport(config, store, faults, measuredBy);
  const root = rootSuites.get(run);
  if (root) {
    try {
      report.files = fileRunsOf(root);
    } catch (error) {
      // Without it the report is still whole; a baseline written from it keeps what it cannot place.
      writeLine(noticeLine(outputNotices.filesUnknown(reasonOf(error))));
    }
  }
  if (inParallelWorker()) {
    try {
      writePartialReport(report);
    } catch (error) {
      writeLine(noticeLine(outputNotices.findingsNotPassedOn(reasonOf(error))));
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

/** The summary on stderr, the JSON report, the CI outputs and the baseline when configured. */
export function publishReport(report: LeakReport, config: ResolvedConfig): void {
  const cwd = process.cwd();
  writeLine(formatSummary(report, { cwd, color: useColor(), width: terminalWidth(), updatingBaseline: updatingBaseline() }));
  if (config.reportJson) {
    try {
      writeJsonReportSync(config.reportJson, toJsonReport(report, cwd));
    } catch (error) {
      writeLine(noticeLine(outputNotices.jsonReportNotWritten(reasonOf(error))));
    }
  }
  writeCiOutputs(report, { cwd, junit: config.reportJunit, updatingBaseline: updatingBaseline(), writeLine });
  if (updatingBaseline()) updateBaseline(report, config);
}

function updateBaseline(report: LeakReport, config: ResolvedConfig): void {
  if (!config.baseline) {
    writeLine(noticeLine(outputNotices.noBaselineFile(UPDATE_BASELINE_ENV)));
    return;
  }
  try {
    const { describeBaselineUpdate, updateBaselineSync } = require('../report/baseline-file') as typeof import('../report/baseline-file');
    // Entries of tests this run did not run (`--grep`, one shard) are kept, not dropped.
    const update = updateBaselineSync(config.baseline, config.knownLeaks, [report], process.cwd());
    writeLine(describeBaselineUpdate(update, config.baseline, process.cwd()));
  } catch (error) {
    writeLine(noticeLine(outputNotices.baselineNotWritten(reasonOf(error))));
  }
}

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
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
  if (mochaUseColors() === false) return false;
  return process.stderr.isTTY === true || (process.env.FORCE_COLOR !== undefined && process.env.FORCE_COLOR !== '');
}

/** The summary's lines fit the terminal it goes to; elsewhere (a CI log, a file), 100 columns. */
function terminalWidth(): number {
  const columns = process.stderr.isTTY ? process.stderr.columns : undefined;
  return typeof columns === 'number' && columns > 0 ? columns : DEFAULT_LINE_WIDTH;
}

/**
 * Whether Mocha's reporters use colour: false after `--no-color` (or `color: false` in
 * .mocharc) and when Mocha saw no colour terminal. Read from Mocha's reporter base, which
 * Mocha has loaded by the time a run ends (Mocha 12 keeps it in `require.cache` too, as
 * `{ Base }`; older ones export the class itself); undefined if it cannot be found.
 */
function mochaUseColors(): boolean | undefined {
  for (const [file, module] of Object.entries(require.cache)) {
    if (!module || !/[\\/]mocha[\\/]lib[\\/]reporters[\\/]base\.c?js$/.test(file)) continue;
    const exported = module.exports as { Base?: { useColors?: unknown }; useColors?: unknown } | undefined;
    const useColors = exported?.Base?.useColors ?? exported?.useColors;
    if (useColors !== undefined) return Boolean(useColors);
  }
  return undefined;
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
