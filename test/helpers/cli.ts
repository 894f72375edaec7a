/** The built `leakguard` command (bin/leakguard.js, which runs dist/), run in a subprocess. */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { REPO } from './fixture';

export const LEAKGUARD_BIN = path.join(REPO, 'bin', 'leakguard.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `leakguard ...args` in `cwd`, without colors; how it ended, whatever that was. */
export function leakguardCli(cwd: string, args: readonly string[], env: Record<string, string> = {}): CliResult {
  const run = spawnSync(process.execPath, [LEAKGUARD_BIN, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', LEAKGUARD_CONFIG: '', ...env },
    timeout: 120_000,
    killSignal: 'SIGKILL',
  });
  if (run.error) throw run.error;
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

export function describeCli(result: CliResult): string {
  return `exit ${result.code}\n--- stdout:\n${result.stdout}\n--- stderr:\n${result.stderr}`;
}
