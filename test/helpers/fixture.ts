/**
 * Real Mocha runs in a subprocess: a throwaway project in a temp dir with its own test
 * files and config, run with `--require` pointing at the built plugin. Each fixture gets
 * its own TMPDIR so the tmpdir probe sees only what its tests do.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

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
}

export interface JsonReport {
  version: number;
  tests: number;
  hooks: number;
  mode: string;
  leaks: {
    test: string;
    file?: string;
    kind: string;
    probe: string;
    delta: number;
    unit: string;
    threshold: number;
    items: { label: string; path?: string; type?: string; size?: number; stack?: string[] }[];
    hint?: string;
  }[];
  faults: { probe: string; message: string }[];
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

  /** Run Mocha with leakguard on the fixture's `test/` dir (or the given args). */
  run(args: string[] = ['test'], options: { env?: Record<string, string>; timeoutMs?: number } = {}): Promise<RunResult> {
    const reportPath = path.join(this.dir, 'leakguard-report.json');
    fs.rmSync(reportPath, { force: true });
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [MOCHA_BIN, '--require', REGISTER, ...args], {
        cwd: this.dir,
        env: { ...process.env, TMPDIR: this.tmp, NO_COLOR: '1', ...options.env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
      const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
      child.on('error', reject);
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        const report = fs.existsSync(reportPath) ? (JSON.parse(fs.readFileSync(reportPath, 'utf8')) as JsonReport) : undefined;
        resolve({ code, signal, stdout, stderr, report });
      });
    });
  }

  remove(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/** The leaks of a report as `probe: test` strings, sorted, for exact comparisons. */
export function leakPairs(report: JsonReport | undefined): string[] {
  return (report?.leaks ?? []).map((leak) => `${leak.probe}: ${leak.test}`).sort();
}
