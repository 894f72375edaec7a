/**
 * A run with leakguard next to the same run without it: Mocha's outcome must be the same.
 */
import { strict as assert } from 'node:assert';
import { Fixture, jsonReporterOutcome, type RunOptions, type RunResult } from './fixture';

/** The same suite without leakguard; it must not touch (or remove) the guarded run's report. */
export function runPlain(fixture: Fixture, args: string[], options: RunOptions = {}): Promise<RunResult> {
  return fixture.run(args, { ...options, register: false, reportPath: 'no-report-for-plain-runs.json' });
}

export function describeRun(result: RunResult): string {
  const tail = (text: string) => (text.length > 3000 ? `...${text.slice(-3000)}` : text);
  return `exit ${result.code} signal ${result.signal} after ${result.durationMs} ms\n--- stdout\n${tail(result.stdout)}\n--- stderr\n${tail(result.stderr)}`;
}

/**
 * A reporter's stdout without what differs between two runs of the same suite: durations
 * (`(12ms)`, `"duration": 3`, timestamps) and stack frames (leakguard's own may be among them).
 */
export function comparableStdout(stdout: string): string {
  return stdout
    .split('\n')
    .filter((line) => !/^\s+at /.test(line))
    .join('\n')
    .replace(/ \(\d+(?:ms|s|m)\)/g, '')
    .replace(/"(duration|start|end)": [^,\n]+/g, '"$1": _')
    .replace(/(time|timestamp)="[^"]*"/g, '$1="_"');
}

/** Same exit code, and the reporter's stdout the same but for durations and stack frames. */
export function assertSameStdout(guarded: RunResult, plain: RunResult): void {
  assert.equal(guarded.signal, null, `the guarded run was killed (hung?)\n${describeRun(guarded)}`);
  assert.equal(comparableStdout(guarded.stdout), comparableStdout(plain.stdout), describeRun(guarded));
  assert.equal(guarded.code, plain.code, describeRun(guarded));
}

/** With `--reporter json`: the same passed, failed and pending tests, and the same exit code. */
export function assertSameMochaResults(guarded: RunResult, plain: RunResult): void {
  assert.equal(guarded.signal, null, `the guarded run was killed (hung?)\n${describeRun(guarded)}`);
  const withGuard = jsonReporterOutcome(guarded.stdout);
  const without = jsonReporterOutcome(plain.stdout);
  assert.ok(without, describeRun(plain));
  assert.ok(withGuard, `no complete JSON reporter output with leakguard\n${describeRun(guarded)}`);
  assert.deepEqual(withGuard, without, describeRun(guarded));
  assert.equal(guarded.code, plain.code, describeRun(guarded));
}
