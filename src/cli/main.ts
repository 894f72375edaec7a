/**
 * The `leakguard` command (package.json `bin`): shard a suite across CI machines, merge
 * the shards' reports, write the baseline from reports. Loaded by bin/leakguard.js; it
 * never loads the Mocha plugin (which wraps timers, sockets and fs as it loads).
 */
import { BASELINE_USAGE, baselineCommand } from './baseline';
import { CliError, reasonOf } from './errors';
import { MERGE_USAGE, mergeCommand } from './merge';
import { say } from './output';
import { SHARD_USAGE, shardCommand } from './shard';

export const USAGE = `Usage: leakguard <command> [options]

Commands:
  shard <index>/<total> <glob>...  print the test files of one shard, one per line
  merge <report.json>...           merge the shards' JSON reports: one summary, one report
  baseline <report.json>...        write the baseline file from JSON reports

leakguard <command> --help says more. Guarding a suite needs no command:
mocha --require leakguard/register. See docs/ci.md for a CI matrix of shards.`;

const COMMANDS: Record<string, { usage: string; run: (args: readonly string[], cwd: string) => Promise<number | string> | string | undefined }> = {
  shard: { usage: SHARD_USAGE, run: shardCommand },
  merge: { usage: MERGE_USAGE, run: mergeCommand },
  baseline: { usage: BASELINE_USAGE, run: baselineCommand },
};

/**
 * Run the command line `argv` (without node and the script) in `cwd`; resolves to the exit
 * code. What a command prints for scripts (file lists, help) goes to stdout; the rest to stderr.
 */
export async function main(argv: readonly string[], cwd: string = process.cwd()): Promise<number> {
  const [name, ...args] = argv;
  try {
    if (name === undefined) {
      say(USAGE);
      return 2;
    }
    if (name === '--help' || name === '-h' || name === 'help') {
      const topic = name === 'help' && args[0] ? COMMANDS[args[0]]?.usage : undefined;
      process.stdout.write(`${topic ?? USAGE}\n`);
      return 0;
    }
    const command = COMMANDS[name];
    if (!command) throw new CliError(`unknown command "${name}" (commands: ${Object.keys(COMMANDS).join(', ')}; see leakguard --help)`);
    const result = await command.run(args, cwd);
    if (typeof result === 'string') {
      if (result !== '') process.stdout.write(`${result}\n`);
      return 0;
    }
    return result ?? 0;
  } catch (error) {
    if (error instanceof CliError) {
      say(`leakguard: ${error.message}`);
      return error.exitCode;
    }
    say(`leakguard: ${name ?? ''} failed: ${error instanceof Error ? (error.stack ?? reasonOf(error)) : reasonOf(error)}`);
    return 1;
  }
}
