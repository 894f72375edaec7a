/**
 * Real Mocha runs in a subprocess: a throwaway project in a temp dir with its own test
 * files and config, run with `--require` pointing at the built plugin. Each fixture gets
 * its own TMPDIR so the tmpdir probe sees only what its tests do.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { LeakItem } from '../../src/core/probe';
import type { Leak, LeakReport } from '../../src/core/report-model';

export const REPO = path.resolve(__dirname, '..', '..');
export const REGISTER = path.join(REPO, 'dist', 'mocha', 'register.js');
export const MOCHA_BIN = path.join(REPO, 'node_modules', 'mocha', 'bin', 'mocha.js');

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** The parsed JSON report, when the fixture's config asked for one and it was written. */
  report: JsonReport | undefined;
  /** The report file's text as found after the run (undefined: no file). */
  reportText: string | undefined;
  /** Why the report file could not be parsed, when it exists and is not valid JSON. */
  reportError: string | undefined;
  /** Wall time of the run, from spawn to close. */
  durationMs: number;
}

/** The JSON report as leakguard writes it (paths relative to the project). */
export type JsonReport = LeakReport;
export type ReportLeak = Leak;
export type ReportItem = LeakItem;

export interface RunOptions {
  env?: Record<string, string>;
  timeoutMs?: number;
  /** false: plain Mocha, without `--require` of the plugin. Default true. */
  register?: boolean;
  /** The working directory, relative to the fixture dir. Default: the fixture dir. */
  cwd?: string;
  /** Where the JSON report is read from, relative to the fixture dir. Default `leakguard-report.json`. */
  reportPath?: string;
  /** Run through `sh -c '... 2>&1'`: stdout holds both streams, interleaved as written. */
  mergeStderr?: boolean;
  /**
   * Shell commands run before Mocha, through `sh -c '<prefix> && exec node mocha ...'`
   * (e.g. `ulimit -n 256`): Mocha replaces the shell, so signals and the exit code are its own.
   */
  shellPrefix?: string;
  /** Keep a report an earlier run left, instead of removing it before the run. */
  keepReport?: boolean;
  /** Send `signal` to Mocha as soon as `file` (relative to the fixture dir) exists. */
  killWhen?: { file: string; signal: NodeJS.Signals };
}

export class Fixture {
  readonly dir: string;
  readonly tmp: string;

  constructor(files: Record<string, string>) {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'leakguard-fixture-'));
    this.tmp = path.join(this.dir, '.tmp');
    fs.mkdirSync(this.tmp);
    this.write({ 'package.json': JSON.stringify({ name: 'fixture', private: true }), ...files });
  }

  write(files: Record<string, string>): void {
    for (const [name, content] of Object.entries(files)) {
      const file = path.join(this.dir, name);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, content);
    }
  }

  /**
   * Run Mocha with leakguard on the fixture's `test/` dir (or the given args).
   * `register: false` runs plain Mocha (no leakguard), for comparisons; `cwd` is relative
   * to the fixture dir; `reportPath` (relative to the fixture dir) is where the JSON report
   * is looked for; `mergeStderr` runs Mocha in a shell with `2>&1`, so that `stdout`
   * holds both streams in the order they were written (and `stderr` only the shell's own).
   */
  run(args: string[] = ['test'], options: RunOptions = {}): Promise<RunResult> {
    const reportPath = path.resolve(this.dir, options.reportPath ?? 'leakguard-report.json');
    if (!options.keepReport) fs.rmSync(reportPath, { force: true });
    const mochaArgs = [MOCHA_BIN, ...(options.register === false ? [] : ['--require', REGISTER]), ...args];
    const env: NodeJS.ProcessEnv = { ...process.env, TMPDIR: this.tmp, NO_COLOR: '1', ...options.env };
    // A developer's shell may point leakguard at some config file: fixtures bring their own.
    if (options.env?.LEAKGUARD_CONFIG === undefined) delete env.LEAKGUARD_CONFIG;
    // Run on GitHub Actions, a fixture would annotate the real job and append to its summary.
    for (const name of ['GITHUB_ACTIONS', 'GITHUB_STEP_SUMMARY', 'GITHUB_WORKSPACE']) if (options.env?.[name] === undefined) delete env[name];
    const shell = options.mergeStderr || options.shellPrefix !== undefined;
    const script = `${options.shellPrefix ? `${options.shellPrefix} && ` : ''}exec "$0" "$@"${options.mergeStderr ? ' 2>&1' : ''}`;
    const [command, commandArgs] = shell ? ['sh', ['-c', script, process.execPath, ...mochaArgs]] : [process.execPath, mochaArgs];
    return new Promise((resolve, reject) => {
      const started = Date.now();
      const child = spawn(command as string, commandArgs as string[], {
        cwd: path.resolve(this.dir, options.cwd ?? '.'),
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
      const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
      const killWhen = options.killWhen;
      const watcher = killWhen
        ? setInterval(() => {
            if (fs.existsSync(path.resolve(this.dir, killWhen.file))) {
              clearInterval(watcher);
              child.kill(killWhen.signal);
            }
          }, 10)
        : undefined;
      child.on('error', reject);
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        clearInterval(watcher);
        const durationMs = Date.now() - started;
        const reportText = fs.existsSync(reportPath) ? fs.readFileSync(reportPath, 'utf8') : undefined;
        let report: JsonReport | undefined;
        let reportError: string | undefined;
        try {
          report = reportText === undefined ? undefined : (JSON.parse(reportText) as JsonReport);
        } catch (error) {
          reportError = error instanceof Error ? error.message : String(error);
        }
        resolve({ code, signal, stdout, stderr, report, reportText, reportError, durationMs });
      });
    });
  }

  /** Whether `name` (relative to the fixture dir) exists. */
  exists(name: string): boolean {
    return fs.existsSync(path.join(this.dir, name));
  }

  remove(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/** The leaks of a report as `probe: test` strings, sorted, for exact comparisons. */
export function leakPairs(report: JsonReport | undefined): string[] {
  return (report?.leaks ?? []).map((leak) => `${leak.probe}: ${leak.test}`).sort();
}

/** Run `tasks` with at most `limit` at a time (fixture runs are processes: a few at once). */
export async function inParallel<T>(tasks: readonly (() => Promise<T>)[], limit = 3): Promise<T[]> {
  const results: T[] = new Array<T>(tasks.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < tasks.length) {
      const index = next++;
      results[index] = await tasks[index]!();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return results;
}

/** The non-empty lines of `text`, without trailing whitespace. */
export function lines(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.trimEnd())
    .filter((line) => line !== '');
}

/** What Mocha's `json` reporter printed: the full titles of passed, failed and pending tests (and failed hooks). */
export interface MochaOutcome {
  passes: string[];
  failures: string[];
  pending: string[];
}

/**
 * The outcome of a run with `--reporter json`, titles sorted, for exact comparisons of a
 * run with leakguard and one without; undefined when stdout holds no complete JSON report.
 */
export function jsonReporterOutcome(stdout: string): MochaOutcome | undefined {
  const start = stdout.search(/^\{/m);
  const end = stdout.lastIndexOf('}');
  if (start === -1 || end < start) return undefined;
  try {
    const parsed = JSON.parse(stdout.slice(start, end + 1)) as Record<'passes' | 'failures' | 'pending', { fullTitle: string }[]>;
    const titles = (tests: { fullTitle: string }[] | undefined) => (tests ?? []).map((test) => test.fullTitle).sort();
    return { passes: titles(parsed.passes), failures: titles(parsed.failures), pending: titles(parsed.pending) };
  } catch {
    return undefined;
  }
}
