/**
 * `mocha --parallel` against hostile tests and mode "fail": the run fails once for the
 * leaks of every worker, as a serial run does; a test that empties os.tmpdir() does not
 * lose the report; a Mocha run that a test starts inside a worker keeps its leaks to
 * itself. Each case compares with the same run serial, or without leakguard.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Fixture, jsonReporterOutcome, leakPairs, MOCHA_BIN, REGISTER } from '../helpers/fixture';
import { comparableStdout, describeRun, runPlain } from '../helpers/compare';

/** A file of two tests, the first leaking an interval. */
function leakySpec(name: string): string {
  return String.raw`
const timers = [];
after(() => timers.splice(0).forEach(clearInterval));
describe('${name}', () => {
  it('leaks an interval', () => {
    timers.push(setInterval(() => {}, 1000));
  });
  it('passes', () => {});
});
`;
}

/** Removes everything in os.tmpdir(), as a careless cleanup does, then leaks. */
const EMPTIES_TMPDIR_SPEC = String.raw`
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const timers = [];
after(() => timers.splice(0).forEach(clearInterval));
describe('empties the temp dir', () => {
  it('removes everything in os.tmpdir()', () => {
    for (const name of fs.readdirSync(os.tmpdir())) fs.rmSync(path.join(os.tmpdir(), name), { recursive: true, force: true });
  });
  it('leaks an interval afterwards', () => {
    timers.push(setInterval(() => {}, 1000));
  });
});
`;

/** Runs a guarded Mocha of its own, in nested/, which leaks an interval. */
const NESTED_RUN_SPEC = String.raw`
const { spawnSync } = require('node:child_process');
const path = require('node:path');
describe('outer', () => {
  it('runs a guarded Mocha inside this worker', function () {
    this.timeout(60000);
    const nested = spawnSync(process.execPath, [process.env.OUTER_MOCHA, '--require', process.env.OUTER_REGISTER, 'nested.spec.js'], {
      cwd: path.join(__dirname, '..', 'nested'),
      encoding: 'utf8',
    });
    if (nested.status !== 0 || !/leakguard: 1 leak from 1 cause in 1 of 1 test/.test(nested.stderr)) {
      throw new Error('nested run: exit ' + nested.status + '\n' + nested.stdout + nested.stderr);
    }
  });
});
`;

const NESTED_SPEC = String.raw`
const timers = [];
after(() => timers.splice(0).forEach(clearInterval));
it('nested run leaks an interval', () => {
  timers.push(setInterval(() => {}, 1000));
});
`;

describe('mocha --parallel', function () {
  this.timeout(180_000);

  describe('mode "fail", failAt "end"', () => {
    let fixture: Fixture;

    before(() => {
      fixture = new Fixture({
        'test/a.spec.js': leakySpec('a'),
        'test/b.spec.js': leakySpec('b'),
        'test/c.spec.js': leakySpec('c'),
        '.leakguardrc.json': JSON.stringify({ mode: 'fail', failAt: 'end', report: { json: 'leakguard-report.json' } }),
      });
    });

    after(() => fixture.remove());

    it('fails the run once, as serial does: same failures, same exit code', async () => {
      const serial = await fixture.run(['--reporter', 'json', 'test']);
      const parallel = await fixture.run(['--reporter', 'json', '--parallel', '--jobs', '3', 'test']);
      assert.equal(serial.code, 1, describeRun(serial));
      assert.deepEqual(jsonReporterOutcome(serial.stdout)?.failures, ['"after all" hook: leakguard in "{root}"'], describeRun(serial));
      assert.deepEqual(jsonReporterOutcome(parallel.stdout), jsonReporterOutcome(serial.stdout), describeRun(parallel));
      assert.equal(parallel.code, serial.code, describeRun(parallel));
      assert.deepEqual(leakPairs(parallel.report), leakPairs(serial.report));
      assert.equal(leakPairs(parallel.report).length, 3);
    });

    it('says so in the spec reporter as serial does', async () => {
      const serial = await fixture.run(['--reporter', 'spec', 'test']);
      const parallel = await fixture.run(['--reporter', 'spec', '--parallel', '--jobs', '3', 'test']);
      // The parallel reporter prints each file's tests as the file ends: compare the epilogue.
      const epilogue = (stdout: string) => comparableStdout(stdout.slice(stdout.search(/^ +\d+ passing/m)));
      assert.equal(epilogue(parallel.stdout), epilogue(serial.stdout), describeRun(parallel));
      assert.match(epilogue(parallel.stdout), /1 failing\n\n {2}1\) "after all" hook: leakguard in "\{root\}":\n {5}Error: leakguard found 3 leaks/);
      assert.equal(parallel.code, 1);
    });
  });

  for (const where of ['node_modules/.cache/leakguard (the project has a node_modules)', 'os.tmpdir() (no node_modules)']) {
    it(`a test that empties os.tmpdir(): the report is still written, exit code as without leakguard; run dir in ${where}`, async () => {
      const fixture = new Fixture({
        'test/empties.spec.js': EMPTIES_TMPDIR_SPEC,
        'test/a.spec.js': leakySpec('a'),
        '.leakguardrc.json': JSON.stringify({ report: { json: 'leakguard-report.json' } }),
      });
      try {
        const hasNodeModules = where.startsWith('node_modules');
        if (hasNodeModules) fs.mkdirSync(path.join(fixture.dir, 'node_modules'));
        const args = ['--reporter', 'json', '--parallel', '--jobs', '2', 'test'];
        const guarded = await fixture.run(args);
        const plain = await runPlain(fixture, args);
        assert.equal(guarded.code, plain.code, describeRun(guarded));
        assert.deepEqual(jsonReporterOutcome(guarded.stdout), jsonReporterOutcome(plain.stdout), describeRun(guarded));
        assert.doesNotMatch(guarded.stderr, /could not|internal error/, describeRun(guarded));
        const pairs = leakPairs(guarded.report);
        // The file that emptied the dir wrote its findings after that: they are always there.
        assert.ok(pairs.includes('handles: empties the temp dir leaks an interval afterwards'), describeRun(guarded));
        // With the run dir out of os.tmpdir(), no worker's findings can be removed with it.
        if (hasNodeModules) {
          assert.deepEqual(pairs, ['handles: a leaks an interval', 'handles: empties the temp dir leaks an interval afterwards']);
          assert.equal(guarded.report?.tests, 4);
          assert.deepEqual(fs.readdirSync(path.join(fixture.dir, 'node_modules')), [], 'the run dir is removed when the run ends');
        }
      } finally {
        fixture.remove();
      }
    });
  }

  it('a guarded Mocha run started by a test inside a worker keeps its leaks out of the outer report', async () => {
    const fixture = new Fixture({
      'test/outer.spec.js': NESTED_RUN_SPEC,
      'test/a.spec.js': leakySpec('a'),
      'nested/nested.spec.js': NESTED_SPEC,
      'nested/package.json': JSON.stringify({ name: 'nested', private: true }),
      '.leakguardrc.json': JSON.stringify({ report: { json: 'leakguard-report.json' } }),
    });
    try {
      const env = { OUTER_MOCHA: MOCHA_BIN, OUTER_REGISTER: REGISTER };
      const guarded = await fixture.run(['--reporter', 'json', '--parallel', '--jobs', '2', 'test'], { env });
      assert.equal(guarded.code, 0, describeRun(guarded));
      assert.deepEqual(leakPairs(guarded.report), ['handles: a leaks an interval']);
      assert.equal(guarded.report?.tests, 3);
    } finally {
      fixture.remove();
    }
  });
});
