/**
 * Mocha's own output and exit code through a real Mocha subprocess, with and without the
 * plugin: leakguard writes only to stderr, after Mocha's output, and changes the exit code
 * only in mode "fail" (through a failing root `after all` hook).
 */
import { strict as assert } from 'node:assert';
import { Fixture, inParallel, lines, type RunOptions, type RunResult } from '../helpers/fixture';
import { REPORTING_SPEC } from '../helpers/reporting-spec';

/** All passing; one test leaks an interval. */
const LEAKY_PASSING_SPEC = `
const leftovers = [];
after(() => {
  for (const release of leftovers) release();
});
describe('leaky but green', () => {
  it('passes', () => {});
  it('leaves an interval running', () => {
    const timer = setInterval(() => {}, 1000);
    leftovers.push(() => clearInterval(timer));
  });
});
`;

const CLEAN_SPEC = `
describe('clean', () => {
  it('clears its interval', () => {
    clearInterval(setInterval(() => {}, 1000));
  });
  it('closes nothing because it opens nothing', () => {});
  it('waits for its timer', (done) => {
    setTimeout(done, 5);
  });
});
`;

const FAIL_MODE = { '.leakguardrc.json': JSON.stringify({ mode: 'fail', failAt: 'end' }) };

interface MochaJson {
  stats: { suites: number; tests: number; passes: number; pending: number; failures: number };
  passes: { fullTitle: string }[];
  failures: { fullTitle: string; err: { message?: string } }[];
  pending: { fullTitle: string }[];
}

/** Mocha's output without what differs from run to run: durations like `(12ms)`, `(2s)`. */
function normalise(stdout: string): string {
  return stdout.replace(/ \(\d+(?:\.\d+)?(?:ms|s|m|h)\)/g, '');
}

function lastIndex(items: readonly string[], test: (item: string) => boolean): number {
  for (let index = items.length - 1; index >= 0; index--) if (test(items[index]!)) return index;
  return -1;
}

function describeRun(result: RunResult): string {
  return `exit ${result.code}\n--- stdout:\n${result.stdout}\n--- stderr:\n${result.stderr}`;
}

describe('Mocha reporters and exit codes with leakguard', function () {
  this.timeout(120_000);
  const fixtures: Fixture[] = [];
  const runs: Record<string, RunResult> = {};

  before(async () => {
    const plan: Record<string, [files: Record<string, string>, args: string[], options?: RunOptions]> = {
      jsonWith: [{}, ['--reporter', 'json', 'test']],
      jsonWithout: [{}, ['--reporter', 'json', 'test'], { register: false }],
      dotWith: [{}, ['--reporter', 'dot', 'test']],
      dotWithout: [{}, ['--reporter', 'dot', 'test'], { register: false }],
      specWith: [{}, ['--reporter', 'spec', 'test']],
      specWithout: [{}, ['--reporter', 'spec', 'test'], { register: false }],
      merged: [{}, ['--reporter', 'spec', 'test'], { mergeStderr: true }],
      failWithLeak: [{ ...FAIL_MODE, 'test/leaky.spec.js': LEAKY_PASSING_SPEC }, ['--reporter', 'spec', 'test/leaky.spec.js']],
      failWithLeakWithout: [{ ...FAIL_MODE, 'test/leaky.spec.js': LEAKY_PASSING_SPEC }, ['--reporter', 'spec', 'test/leaky.spec.js'], { register: false }],
      failWithLeakJson: [{ ...FAIL_MODE, 'test/leaky.spec.js': LEAKY_PASSING_SPEC }, ['--reporter', 'json', 'test/leaky.spec.js']],
      failClean: [{ ...FAIL_MODE, 'test/clean.spec.js': CLEAN_SPEC }, ['test/clean.spec.js']],
      cleanMerged: [{ 'test/clean.spec.js': CLEAN_SPEC }, ['test/clean.spec.js'], { mergeStderr: true }],
    };
    await inParallel(
      Object.entries(plan).map(([name, [files, args, options]]) => async () => {
        // One fixture per run: each has its own TMPDIR, so that runs at the same time do not see each other.
        const fixture = new Fixture({ 'test/reporting.spec.js': REPORTING_SPEC, ...files });
        fixtures.push(fixture);
        runs[name] = await fixture.run(args, options);
      }),
      3,
    );
  });

  after(() => {
    for (const fixture of fixtures) fixture.remove();
  });

  describe('mode "warn" (the default)', () => {
    it('--reporter json: stdout is Mocha\'s JSON, with the right stats, while a leak is found', () => {
      const result = runs.jsonWith!;
      let parsed: MochaJson;
      try {
        parsed = JSON.parse(result.stdout) as MochaJson;
      } catch (error) {
        assert.fail(`stdout is not JSON (${String(error)})\n${describeRun(result)}`);
      }
      assert.equal(parsed.stats.passes, 4);
      assert.equal(parsed.stats.failures, 2);
      assert.equal(parsed.stats.pending, 1);
      assert.deepEqual(
        parsed.failures.map((failure) => failure.fullTitle),
        ['reporting fails first', 'reporting nested fails second'],
      );
      // The leak was found, and said on stderr only.
      assert.match(result.stderr, /reporting leaves an interval running/);
      assert.match(result.stderr, /leakguard: 1 leak from 1 cause in 1 of 6 tests/);
      assert.doesNotMatch(result.stdout, /leakguard:|left resources behind/);
    });

    it('--reporter json: the same results as without leakguard', () => {
      const summary = (result: RunResult) => {
        const parsed = JSON.parse(result.stdout) as MochaJson;
        return {
          stats: { ...parsed.stats, start: undefined, end: undefined, duration: undefined },
          passes: parsed.passes.map((test) => test.fullTitle),
          failures: parsed.failures.map((test) => `${test.fullTitle}: ${test.err.message}`),
          pending: parsed.pending.map((test) => test.fullTitle),
        };
      };
      assert.deepEqual(summary(runs.jsonWith!), summary(runs.jsonWithout!));
      assert.equal(runs.jsonWith!.code, runs.jsonWithout!.code);
    });

    for (const reporter of ['dot', 'spec'] as const) {
      it(`--reporter ${reporter}: stdout is the same as without leakguard (durations aside)`, () => {
        const withIt = runs[`${reporter}With`]!;
        const without = runs[`${reporter}Without`]!;
        assert.match(without.stdout, /4 passing/);
        assert.equal(normalise(withIt.stdout), normalise(without.stdout));
        assert.doesNotMatch(withIt.stdout, /leakguard:|left resources behind/);
        // leakguard's lines are on stderr; without it, stderr is empty.
        assert.equal(without.stderr, '');
        assert.match(withIt.stderr, /^leakguard: 1 test left resources behind$/m);
      });
    }

    it('exit code is the number of failing tests, as without leakguard (2 failures and a leak: 2)', () => {
      for (const name of ['jsonWith', 'dotWith', 'specWith']) {
        assert.equal(runs[name]!.code, 2, `${name}: ${describeRun(runs[name]!)}`);
      }
      for (const name of ['jsonWithout', 'dotWithout', 'specWithout']) {
        assert.equal(runs[name]!.code, 2, `${name}: ${describeRun(runs[name]!)}`);
      }
    });

    it('the summary comes after all of Mocha\'s output, the failures included (stdout and stderr in one capture)', () => {
      const result = runs.merged!;
      assert.equal(result.code, 2, describeRun(result));
      const output = lines(result.stdout);
      const passing = output.findIndex((line) => /^\s*4 passing/.test(line));
      const lastFailureLine = lastIndex(output, (line) => /^\s+at .*reporting\.spec\.js/.test(line));
      const summaryStart = output.indexOf('leakguard: 1 test left resources behind');
      assert.ok(passing >= 0, describeRun(result));
      assert.ok(lastFailureLine > passing, describeRun(result));
      assert.ok(summaryStart > lastFailureLine, `the summary is not after Mocha's output:\n${result.stdout}`);
      // Nothing of leakguard's before it, and the totals line last.
      assert.ok(!output.slice(0, summaryStart).some((line) => line.includes('leakguard:')), result.stdout);
      assert.match(output.at(-1)!, /^leakguard: 1 leak from 1 cause in 1 of 6 tests \(handles: 1\) — mode warn: exit code unchanged$/);
    });

    it('with no leaks, the summary is exactly one line, after the "passing" line', () => {
      const result = runs.cleanMerged!;
      assert.equal(result.code, 0, describeRun(result));
      const output = lines(result.stdout);
      const passing = output.findIndex((line) => /^\s*3 passing/.test(line));
      assert.ok(passing >= 0, describeRun(result));
      const after = output.slice(passing + 1);
      assert.equal(after.length, 1, `expected one line after "passing":\n${result.stdout}`);
      assert.match(after[0]!, /^leakguard: no leaks in 3 tests\b/);
      assert.ok(!output.slice(0, passing).some((line) => line.includes('leakguard:')), result.stdout);
    });
  });

  describe('mode "fail"', () => {
    it('a leak makes the run exit non-zero, where it exits 0 without leakguard', () => {
      assert.equal(runs.failWithLeakWithout!.code, 0, describeRun(runs.failWithLeakWithout!));
      const result = runs.failWithLeak!;
      assert.notEqual(result.code, 0, describeRun(result));
      assert.equal(result.code, 1, describeRun(result));
      assert.match(result.stdout, /2 passing/);
    });

    it('the summary\'s last line says that the run fails', () => {
      const result = runs.failWithLeak!;
      const said = lines(result.stderr);
      assert.match(said.at(-1)!, /^leakguard: 1 leak from 1 cause in 1 of 2 tests \(handles: 1\) — mode fail: the run fails$/, result.stderr);
      assert.match(result.stderr, /leaky but green leaves an interval running/);
    });

    it('Mocha lists a failing "after all" hook: leakguard, with a message about leakguard', () => {
      const result = runs.failWithLeak!;
      assert.match(result.stdout, /1 failing/, describeRun(result));
      assert.match(result.stdout, /1\) "after all" hook: leakguard/);
      const failures = result.stdout.slice(result.stdout.indexOf('1 failing'));
      assert.match(failures, /Error: leakguard found 1 leak \(mode "fail"\)/);
      // The JSON reporter lists it too, as Mocha's one failure.
      const parsed = JSON.parse(runs.failWithLeakJson!.stdout) as MochaJson;
      assert.equal(parsed.stats.passes, 2);
      assert.equal(parsed.stats.failures, 1);
      assert.match(parsed.failures[0]!.fullTitle, /^"after all" hook: leakguard/);
      assert.match(parsed.failures[0]!.err.message ?? '', /leakguard/);
      assert.notEqual(runs.failWithLeakJson!.code, 0);
    });

    it('a clean suite exits 0, with a one-line summary', () => {
      const result = runs.failClean!;
      assert.equal(result.code, 0, describeRun(result));
      assert.match(result.stdout, /3 passing/);
      assert.doesNotMatch(result.stdout, /failing/);
      const said = lines(result.stderr);
      assert.equal(said.length, 1, result.stderr);
      assert.match(said[0]!, /^leakguard: no leaks in 3 tests\b/);
    });
  });
});
