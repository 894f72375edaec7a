/**
 * `leakguard merge <report>... [--json merged.json]`: the JSON reports of a suite's shards
 * as one run's: one report, one summary on stderr, the baseline applied once, and in
 * mode "fail" a non-zero exit when a leak is new.
 */
import * as path from 'node:path';
import type { ResolvedConfig } from '../config/types';
import { KnownLeaks } from '../core/baseline';
import { mergeReports } from '../core/report-merge';
import type { LeakReport } from '../core/report-model';
import { writeCiOutputs } from '../report/ci';
import { toJsonReport, writeJsonReportSync } from '../report/json';
import { formatSummary } from '../report/summary';
import { parseArgs } from './args';
import { projectConfig } from './config';
import { CliError, reasonOf } from './errors';
import { say, useColor } from './output';
import { readReports, reportFiles } from './reports';

export const MERGE_USAGE = `Usage: leakguard merge <report.json>... [--json <merged.json>]

Merges the JSON reports of a suite's shards into one: prints one summary, applies the
baseline of the config once, and in mode "fail" exits 1 when a leak is not in the baseline.
Run it from the project's root, where the shards ran (report paths are relative to it).

  --json <merged.json>  write the merged report there`;

/** The exit code: 1 in mode "fail" with a new leak, else 0 (or the help text). */
export async function mergeCommand(args: readonly string[], cwd: string): Promise<number | string> {
  const parsed = parseArgs('merge', args, { valued: ['json'] });
  if (parsed.flags.has('help')) return MERGE_USAGE;
  const reports = readReports(reportFiles('merge', parsed.operands, cwd), cwd).map(({ report }) => report);
  const config = await projectConfig(cwd);
  const merged = withBaseline(mergeReports(reports[0]!, ...reports.slice(1)), config);
  say(formatSummary(merged, { cwd, color: useColor() }));
  const jsonFile = parsed.options.get('json');
  if (jsonFile !== undefined) {
    try {
      writeJsonReportSync(path.resolve(cwd, jsonFile), toJsonReport(merged, cwd));
    } catch (error) {
      throw new CliError(`merge: ${reasonOf(error).replace(/^leakguard: /, '')}`);
    }
  }
  // Once, for the merged run (the GitHub Actions annotations and job summary, the JUnit file).
  writeCiOutputs(merged, { cwd, junit: config.reportJunit, writeLine: say });
  return config.mode === 'fail' && merged.leaks.length > 0 ? 1 : 0;
}

/**
 * The merged findings judged by the baseline the config names, as it is now: each shard
 * applied it when it ran, but the merge is where a suite's result is decided.
 */
function withBaseline(report: LeakReport, config: ResolvedConfig): LeakReport {
  const known = KnownLeaks.of(config);
  return { ...known.applyTo(report), mode: config.mode };
}
