/**
 * The outputs for CI, written once per run from the report: the JUnit file when the config
 * names one, and on GitHub Actions the annotations and the job summary. One function for
 * every way a report comes to be (a serial run, the merge of a parallel run's workers, or
 * `leakguard merge` of several machines' reports), so that they all say the same.
 */
import { githubAnnotations } from './github-annotations';
import type { LeakReport } from '../core/report-model';
import { writeJunitReportSync } from './junit';
import { appendStepSummary } from './step-summary';

export interface CiOutputOptions {
  /** Where the report's relative paths start, and what the outputs' paths are relative to. */
  cwd: string;
  /** Absolute path of the JUnit XML report (config `report.junit`), or undefined for none. */
  junit?: string | undefined;
  /** The run is writing the baseline: its leaks are annotated as warnings, since nothing fails. */
  updatingBaseline?: boolean;
  /** Where GitHub's variables are read. Default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /**
   * Where the annotations and any problem go, a line at a time: stderr, after the summary.
   * Not stdout, which Mocha's reporter owns (`--reporter json`); the runner reads workflow
   * commands from both.
   */
  writeLine(line: string): void;
}

/**
 * Write the CI outputs. A failure of one (a JUnit path that cannot be written) is said in
 * a line and does not stop the others, nor change the run's outcome.
 */
export function writeCiOutputs(report: LeakReport, options: CiOutputOptions): void {
  const env = options.env ?? process.env;
  const updatingBaseline = options.updatingBaseline === true;
  if (options.junit) {
    attempt(options, 'the JUnit report', () => writeJunitReportSync(options.junit!, report, options.cwd));
  }
  if (env.GITHUB_ACTIONS !== 'true') return;
  const summaryFile = env.GITHUB_STEP_SUMMARY;
  if (summaryFile) {
    attempt(options, 'the GitHub job summary', () => appendStepSummary(summaryFile, report, { cwd: options.cwd, updatingBaseline }));
  }
  const workspace = env.GITHUB_WORKSPACE || undefined;
  attempt(options, 'the GitHub annotations', () => {
    const lines = githubAnnotations(report, { cwd: options.cwd, workspace, updatingBaseline });
    if (lines.length > 0) options.writeLine(lines.join('\n'));
  });
}

function attempt(options: CiOutputOptions, what: string, write: () => void): void {
  try {
    write();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    options.writeLine(reason.startsWith('leakguard:') ? reason : `leakguard: could not write ${what}: ${reason}`);
  }
}
