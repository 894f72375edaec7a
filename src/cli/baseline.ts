/**
 * `leakguard baseline <report>...`: writes the baseline file the config names from the
 * JSON reports of one or more runs (a suite's shards), keeping the entries of tests that
 * no report ran.
 */
import { describeBaselineUpdate, updateBaselineSync } from '../report/baseline-file';
import { parseArgs } from './args';
import { projectConfig } from './config';
import { CliError, reasonOf } from './errors';
import { say } from './output';
import { readReports, reportFiles } from './reports';

export const BASELINE_USAGE = `Usage: leakguard baseline <report.json>...

Writes the baseline file the config names ("baseline" key) from these JSON reports: every
leak they found becomes a known leak; entries of tests that no report ran are kept, those of
tests that ran without leaking are dropped. Run it from the project's root, where the
reports were written.`;

export async function baselineCommand(args: readonly string[], cwd: string): Promise<number | string> {
  const parsed = parseArgs('baseline', args, {});
  if (parsed.flags.has('help')) return BASELINE_USAGE;
  const reports = readReports(reportFiles('baseline', parsed.operands, cwd), cwd).map(({ report }) => report);
  const config = await projectConfig(cwd);
  if (!config.baseline) {
    throw new CliError(`baseline: the config names no baseline file: add "baseline": "leakguard-baseline.json" to it`);
  }
  try {
    const update = updateBaselineSync(config.baseline, config.knownLeaks, reports, cwd);
    say(describeBaselineUpdate(update, config.baseline, cwd));
  } catch (error) {
    throw new CliError(`baseline: could not write ${config.baseline}: ${reasonOf(error)}`);
  }
  return 0;
}
