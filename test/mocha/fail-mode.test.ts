/**
 * Mode "fail" through real Mocha runs: a leak fails the leaking test itself (failAt
 * "test", the default) without aborting the run, leaks of hooks fail the run at its end,
 * and a baseline file of known leaks lets a suite that leaks today fail only on new leaks.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Fixture, inParallel, jsonReporterOutcome, lines, type RunResult } from '../helpers/fixture';

/** Three passing tests, one of which leaks an interval; one failing test that leaks too. */
const LEAKY_SPEC = `
const assert = require('node:assert');
const leftovers = [];
after(() => leftovers.forEach((release) => release()));
describe('orders', () => {
  it('lists orders', () => {});
  it('polls for new orders', () => {
    const poll = setInterval(() => {}, 1000);
    leftovers.push(() => clearInterval(poll));
  });
  it('totals an order', () => {});
  it('fails and leaks', () => {
    const poll = setInterval(() => {}, 1000);
    leftovers.push(() => clearInterval(poll));
    assert.equal(1, 2);
  });
});
`;

/** A hook that leaks: only the end of the run can fail for it. */
const HOOK_SPEC = `
let poll;
describe('hooked', () => {
  before(() => {
    poll = setInterval(() => {}, 1000);
  });
  it('runs', () => {});
});
after(() => clearInterval(poll));
`;

/** A test that opens a server it never closes (until the file's last hook). */
const NEW_LEAK_SPEC = `
const net = require('node:net');
const servers = [];
after(() => servers.forEach((server) => server.close()));
describe('payments', () => {
  it('starts a server and forgets it', (done) => {
    const server = net.createServer();
    servers.push(server);
    server.listen(0, '127.0.0.1', done);
  });
});
`;

const rc = (config: object) => ({ '.leakguardrc.json': JSON.stringify({ mode: 'fail', report: { json: 'leakguard-report.json' }, ...config }) });

function describeRun(result: RunResult): string {
  return `exit ${result.code}\n--- stdout:\n${result.stdout}\n--- stderr:\n${result.stderr}`;
}

/** Mocha's numbered failure blocks (`  1) orders`...), from the "failing" line on. */
function failureSection(stdout: string): string {
  const start = stdout.search(/^\s+\d+ failing/m);
  return start === -1 ? '' : stdout.slice(start);
}

describe('mode "fail"', function () {
  this.timeout(120_000);
  const fixtures: Fixture[] = [];
  const runs: Record<string, RunResult> = {};
  const make = (files: Record<string, string>): Fixture => {
    const fixture = new Fixture(files);
    fixtures.push(fixture);
    return fixture;
  };

  before(async () => {
    const plans: Record<string, () => Promise<RunResult>> = {
      perTest: () => make({ ...rc({}), 'test/orders.spec.js': LEAKY_SPEC }).run(['--reporter', 'spec', 'test']),
      perTestJson: () => make({ ...rc({}), 'test/orders.spec.js': LEAKY_SPEC }).run(['--reporter', 'json', 'test']),
      plain: () => make({ 'test/orders.spec.js': LEAKY_SPEC }).run(['--reporter', 'json', 'test'], { register: false }),
      hookLeak: () => make({ ...rc({}), 'test/hooked.spec.js': HOOK_SPEC }).run(['--reporter', 'spec', 'test']),
      atEnd: () => make({ ...rc({ failAt: 'end' }), 'test/orders.spec.js': LEAKY_SPEC }).run(['--reporter', 'json', 'test']),
      warn: () => make({ ...rc({ mode: 'warn' }), 'test/orders.spec.js': LEAKY_SPEC }).run(['--reporter', 'json', 'test']),
    };
    await inParallel(
      Object.entries(plans).map(([name, plan]) => async () => {
        runs[name] = await plan();
      }),
      3,
    );
  });

  after(() => {
    for (const fixture of fixtures) fixture.remove();
  });

  describe('failAt "test" (the default)', () => {
    it('fails the leaking test itself, with what leaked, where it was created and how to fix it', () => {
      const result = runs.perTest!;
      assert.equal(result.code, 2, describeRun(result));
      const failures = failureSection(result.stdout);
      assert.match(failures, /2 failing/, describeRun(result));
      // The leaking test, with leakguard's message under its title.
      const block = failures.slice(failures.indexOf('orders\n       polls for new orders'));
      assert.notEqual(block, failures.slice(-1), describeRun(result));
      assert.match(block, /LeakError: leakguard: this test leaked \(handles\)/);
      assert.match(block, /handles {2}\+1 \(threshold 0\)/);
      const line = LEAKY_SPEC.split('\n').findIndex((text) => text.includes('const poll = setInterval')) + 1;
      assert.match(block, new RegExp(`setInterval\\(\\) every 1000 ms, created at test/orders\\.spec\\.js:${line}:\\d+`));
      assert.match(block, /hint: A timer was started in this test and never cleared/);
      // No leakguard internals in the stack Mocha prints.
      assert.doesNotMatch(block.slice(0, block.indexOf('2) ')), /dist\/|register\.js|mocha\/run\.js/);
    });

    it('does not abort the run: every other test runs, and Mocha\'s counts add up', () => {
      const withIt = jsonReporterOutcome(runs.perTestJson!.stdout);
      const without = jsonReporterOutcome(runs.plain!.stdout);
      assert.ok(withIt && without, describeRun(runs.perTestJson!));
      assert.deepEqual(without.failures, ['orders fails and leaks']);
      // The one extra failure is the leaking test; the failing test that leaked fails once, for its own error.
      assert.deepEqual(withIt.failures, ['orders fails and leaks', 'orders polls for new orders']);
      assert.deepEqual(withIt.pending, without.pending);
      // The leaking test is counted once, as failed: not also among the passes.
      assert.deepEqual(withIt.passes, without.passes.filter((title) => title !== 'orders polls for new orders'));
      assert.ok(!withIt.failures.some((title) => title.includes('hook')), JSON.stringify(withIt));
      assert.equal(runs.perTestJson!.code, 2);
      assert.equal(runs.plain!.code, 1);
    });

    it('lists every leak in the summary and the report as usual', () => {
      const report = runs.perTest!.report;
      assert.ok(report, describeRun(runs.perTest!));
      assert.deepEqual(report.leaks.map((leak) => leak.test).sort(), ['orders fails and leaks', 'orders polls for new orders']);
      assert.match(lines(runs.perTest!.stderr).at(-1)!, /^leakguard: 2 leaks from 2 causes in 2 of 4 tests \(handles: 2\) — mode fail: the run fails$/);
    });

    it('a leak in a hook fails the run at its end, through leakguard\'s "after all" hook', () => {
      const result = runs.hookLeak!;
      assert.equal(result.code, 1, describeRun(result));
      assert.match(result.stdout, /1 passing/);
      const failures = failureSection(result.stdout);
      assert.match(failures, /1\) "after all" hook: leakguard/, describeRun(result));
      assert.match(failures, /leakguard found 1 leak outside tests \(mode "fail"\)/);
      assert.match(result.stderr, /hook: "before all" hook in hooked/);
    });
  });

  describe('failAt "end"', () => {
    it('lets every test pass and fails the run once, at its end', () => {
      const outcome = jsonReporterOutcome(runs.atEnd!.stdout);
      assert.ok(outcome, describeRun(runs.atEnd!));
      assert.deepEqual(outcome.failures.sort(), ['"after all" hook: leakguard in "{root}"', 'orders fails and leaks']);
      assert.equal(runs.atEnd!.code, 2);
    });
  });

  it('mode "warn" changes no result', () => {
    assert.deepEqual(jsonReporterOutcome(runs.warn!.stdout), jsonReporterOutcome(runs.plain!.stdout));
    assert.equal(runs.warn!.code, runs.plain!.code);
  });
});

describe('baseline of known leaks', function () {
  this.timeout(120_000);
  let fixture: Fixture;
  let writing: RunResult;
  let known: RunResult;
  let withNew: RunResult;
  const baselineFile = () => path.join(fixture.dir, 'leakguard-baseline.json');

  before(async () => {
    fixture = new Fixture({ ...rc({ baseline: 'leakguard-baseline.json' }), 'test/orders.spec.js': LEAKY_SPEC });
    writing = await fixture.run(['--reporter', 'dot', 'test'], { env: { LEAKGUARD_UPDATE_BASELINE: '1' } });
    known = await fixture.run(['--reporter', 'json', 'test']);
    fixture.write({ 'test/payments.spec.js': NEW_LEAK_SPEC });
    withNew = await fixture.run(['--reporter', 'json', 'test']);
  });

  after(() => fixture.remove());

  it('LEAKGUARD_UPDATE_BASELINE=1 writes every leak of the run to the baseline file, and fails no test for them', () => {
    assert.equal(writing.code, 1, describeRun(writing)); // the test that fails on its own
    assert.match(writing.stderr, /^leakguard: wrote 2 known leaks to the baseline leakguard-baseline\.json$/m);
    const baseline = JSON.parse(fs.readFileSync(baselineFile(), 'utf8')) as {
      version: number;
      leaks: { file: string; kind: string; test: string; probe: string; what: string[] }[];
    };
    assert.equal(baseline.version, 1);
    assert.deepEqual(
      baseline.leaks.map(({ file, kind, test, probe }) => ({ file, kind, test, probe })),
      [
        { file: 'test/orders.spec.js', kind: 'test', test: 'orders fails and leaks', probe: 'handles' },
        { file: 'test/orders.spec.js', kind: 'test', test: 'orders polls for new orders', probe: 'handles' },
      ],
    );
    // What leaked, for the reader, with paths relative to the baseline file.
    assert.match(baseline.leaks[1]!.what[0]!, /^setInterval\(\) every 1000 ms, created at test\/orders\.spec\.js:8:\d+$/);
    assert.match(writing.stderr, /^leakguard: 2 leaks from 2 causes in 2 of 4 tests \(handles: 2\) — writing the baseline: nothing fails$/m);
  });

  it('known leaks fail nothing: shown apart in the summary and the report', () => {
    const outcome = jsonReporterOutcome(known.stdout);
    assert.ok(outcome, describeRun(known));
    assert.deepEqual(outcome.failures, ['orders fails and leaks']);
    assert.equal(known.code, 1);
    assert.ok(known.report, describeRun(known));
    assert.deepEqual(known.report.leaks, []);
    assert.deepEqual(known.report.known.map((leak) => leak.test).sort(), ['orders fails and leaks', 'orders polls for new orders']);
    assert.equal(known.report.known[0]!.file, 'test/orders.spec.js');
    assert.match(known.stderr, /^leakguard: no new leaks in 4 tests/m);
    assert.match(known.stderr, /^leakguard: 2 known leaks \(listed in the baseline\), not failing:$/m);
    assert.match(known.stderr, /^ {2}orders polls for new orders \(test\/orders\.spec\.js\): handles \+1$/m);
  });

  it('a new leak still fails its test', () => {
    const outcome = jsonReporterOutcome(withNew.stdout);
    assert.ok(outcome, describeRun(withNew));
    assert.deepEqual(outcome.failures, ['orders fails and leaks', 'payments starts a server and forgets it']);
    // The server's descriptor is a facet of its handle: one resource, one leak.
    assert.deepEqual(withNew.report?.leaks.map((leak) => `${leak.probe}: ${leak.test}`).sort(), ['handles: payments starts a server and forgets it']);
    assert.equal(withNew.report?.known.length, 2);
  });

  it('a baseline file that is not a baseline stops the run before any test, with one line', async () => {
    const broken = new Fixture({ ...rc({ baseline: 'known.json' }), 'known.json': '{"version": 1, "leaks": {}}', 'test/orders.spec.js': LEAKY_SPEC });
    try {
      const result = await broken.run(['test']);
      assert.equal(result.code, 1, describeRun(result));
      assert.doesNotMatch(result.stdout, /passing/);
      assert.match(result.stderr, /^leakguard: invalid config in .*known\.json: "leaks" must be an array, got an object \(write it again with LEAKGUARD_UPDATE_BASELINE=1\)$/m);
    } finally {
      broken.remove();
    }
  });
});
