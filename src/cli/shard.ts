/**
 * `leakguard shard <index>/<total> <glob>...`: the test files of one shard, one per line
 * on stdout, for `mocha $(npx leakguard shard 2/3 'test/**\/*.spec.js')` on each machine of
 * a CI matrix. `--timings <report.json>` balances the shards by each file's duration in
 * that earlier run's JSON report.
 */
import * as path from 'node:path';
import { parseShardSpec, splitIntoShards } from '../core/shard-split';
import { parseArgs } from './args';
import { CliError } from './errors';
import { readReports } from './reports';

export const SHARD_USAGE = `Usage: leakguard shard <index>/<total> <glob>... [--timings <report.json>]

Prints the test files of shard <index> of <total>, one per line: every file matched is in
exactly one shard, and every machine computes the same split.

  --timings <report.json>  split by each file's duration in an earlier run's JSON report
                           (a merged one, or any shard's), not by a hash of the path

Example, on machine 2 of 3:  mocha $(npx leakguard shard 2/3 'test/**/*.spec.js')`;

export function shardCommand(args: readonly string[], cwd: string): string | undefined {
  const parsed = parseArgs('shard', args, { valued: ['timings'] });
  if (parsed.flags.has('help')) return SHARD_USAGE;
  const [spec, ...patterns] = parsed.operands;
  if (spec === undefined) throw new CliError('shard: which shard? (leakguard shard 2/3 \'test/**/*.spec.js\')');
  const shard = parseShardSpec(spec);
  if (!shard) throw new CliError(`shard: "${spec}" is not a shard: expected <index>/<total> with 1 <= index <= total, e.g. 2/3`);
  if (patterns.length === 0) throw new CliError(`shard: no test files given (leakguard shard ${spec} 'test/**/*.spec.js')`);
  const fg = require('fast-glob') as typeof import('fast-glob');
  const files = [...new Set(fg.sync(patterns.map((pattern) => pattern.split(path.sep).join('/')), { cwd, onlyFiles: true }).map(portable))];
  if (files.length === 0) throw new CliError(`shard: no files matched ${patterns.join(' ')}`);
  if (files.length < shard.total) {
    // An empty shard would run `mocha` with no files, which runs the whole default spec.
    throw new CliError(`shard: ${files.length} file${files.length === 1 ? '' : 's'} matched, too few for ${shard.total} shards: use at most ${files.length}`);
  }
  const timingsFile = parsed.options.get('timings');
  const durations = timingsFile === undefined ? undefined : durationsOf(timingsFile, cwd);
  return splitIntoShards(files, shard.total, durations)[shard.index - 1]!.join('\n');
}

/** Each file's duration in the report, by its path relative to `cwd`. */
function durationsOf(file: string, cwd: string): Map<string, number> {
  const [read] = readReports([file], cwd);
  const runs = read!.report.files;
  if (!runs) throw new CliError(`shard: the report ${file} has no file timings (it was written by leakguard 0.1): run the suite once with this version`);
  const durations = new Map<string, number>();
  for (const run of runs) {
    const key = portable(path.relative(cwd, run.file));
    durations.set(key, (durations.get(key) ?? 0) + run.durationMs);
  }
  return durations;
}

/** `test/a.spec.js`: fast-glob's paths and the report's, in one form. */
function portable(file: string): string {
  return path.normalize(file).split(path.sep).join('/');
}
