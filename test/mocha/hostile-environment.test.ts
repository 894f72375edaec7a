/**
 * "Never breaks the suite it guards", in hostile surroundings: tests that replace the
 * timer globals, Date and Promise; a test that calls process.exit(); uncaught exceptions
 * and unhandled rejections; file descriptors running out; a temp dir with 100,000
 * entries, or one that cannot be read; no /proc; runs cut short by --bail, a failing
 * `before` hook or a signal; and a config file in another directory than the working one.
 *
 * Each case is a real Mocha subprocess with the built plugin, and where Mocha's own
 * results matter, the same suite run without leakguard to compare with.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Fixture, jsonReporterOutcome, leakPairs, lines, type MochaOutcome, type RunOptions, type RunResult } from '../helpers/fixture';

const JSON_REPORTER = ['--reporter', 'json'];

/** The same suite without leakguard; it must not touch (or remove) the guarded run's report. */
function runPlain(fixture: Fixture, args: string[], options: RunOptions = {}): Promise<RunResult> {
  return fixture.run(args, { ...options, register: false, reportPath: 'no-report-for-plain-runs.json' });
}

function describeRun(result: RunResult): string {
  const tail = (text: string) => (text.length > 3000 ? `...${text.slice(-3000)}` : text);
  return `exit ${result.code} signal ${result.signal} after ${result.durationMs} ms\n--- stdout\n${tail(result.stdout)}\n--- stderr\n${tail(result.stderr)}`;
}

/** Mocha's results with leakguard are those without it: same exit code, same passed and failed tests. */
function assertSameMochaResults(guarded: RunResult, plain: RunResult): void {
  assert.equal(guarded.signal, null, `the guarded run was killed (hung?)\n${describeRun(guarded)}`);
  assert.equal(plain.signal, null, describeRun(plain));
  const withGuard = jsonReporterOutcome(guarded.stdout);
  const without = jsonReporterOutcome(plain.stdout);
  assert.ok(without, describeRun(plain));
  assert.ok(withGuard, `no complete JSON reporter output with leakguard\n${describeRun(guarded)}`);
  assert.deepEqual(withGuard, without, describeRun(guarded));
  assert.equal(guarded.code, plain.code, describeRun(guarded));
}

/** Files in `dir` that are not `keep`: leftovers of a report write (`.name.pid.hex.tmp`). */
function strayFiles(dir: string, keep: string): string[] {
  return fs.existsSync(dir) ? fs.readdirSync(dir).filter((name) => name !== keep) : [];
}

/**
 * Broken stand-ins for what fake-timer libraries replace (and worse): timers that never
 * fire, a nextTick that drops its callback, a frozen Date and a Promise whose executor
 * never runs. `real` holds the originals, captured when the module loads.
 */
const FAKES = String.raw`
const real = {
  setTimeout: globalThis.setTimeout,
  setInterval: globalThis.setInterval,
  setImmediate: globalThis.setImmediate,
  clearTimeout: globalThis.clearTimeout,
  clearInterval: globalThis.clearInterval,
  clearImmediate: globalThis.clearImmediate,
  nextTick: process.nextTick,
  Date: globalThis.Date,
  Promise: globalThis.Promise,
};

function neverFires() {
  return { ref() { return this; }, unref() { return this; }, hasRef() { return false; }, refresh() { return this; } };
}

function BrokenPromise() {}
BrokenPromise.prototype.then = function () { return new BrokenPromise(); };
BrokenPromise.prototype.catch = BrokenPromise.prototype.then;
BrokenPromise.prototype.finally = BrokenPromise.prototype.then;
for (const name of ['resolve', 'reject', 'all', 'allSettled', 'race', 'any']) BrokenPromise[name] = () => new BrokenPromise();

const frozenAt = real.Date.now();
class FrozenDate extends real.Date {
  constructor(...args) {
    if (args.length === 0) super(frozenAt);
    else super(...args);
  }
  static now() { return frozenAt; }
}

exports.real = real;

exports.install = () => {
  globalThis.setTimeout = neverFires;
  globalThis.setInterval = neverFires;
  globalThis.setImmediate = neverFires;
  globalThis.clearTimeout = () => {};
  globalThis.clearInterval = () => {};
  globalThis.clearImmediate = () => {};
  process.nextTick = () => {};
  globalThis.Date = FrozenDate;
  globalThis.Promise = BrokenPromise;
};

exports.restore = () => {
  globalThis.setTimeout = real.setTimeout;
  globalThis.setInterval = real.setInterval;
  globalThis.setImmediate = real.setImmediate;
  globalThis.clearTimeout = real.clearTimeout;
  globalThis.clearInterval = real.clearInterval;
  globalThis.clearImmediate = real.clearImmediate;
  process.nextTick = real.nextTick;
  globalThis.Date = real.Date;
  globalThis.Promise = real.Promise;
};
`;

/** Fakes installed by a root-level `before` hook for the whole run, restored in a root `after`. */
const ROOT_FAKES_SPEC = String.raw`
const fakes = require('../fakes.js');
let interval;
before(function installFakeTimers() {
  fakes.install();
});
after(function restoreTimers() {
  fakes.restore();
  fakes.real.clearInterval(interval);
});
describe('under root-level fake timers', () => {
  it('leaks a real interval', () => {
    // Created through the real function (what a fake-timer library keeps for itself).
    interval = fakes.real.setInterval(() => {}, 1000);
  });
  it('is clean', () => {});
  it('fails', () => {
    throw new Error('expected failure under fake timers');
  });
  it('is clean after the failure', () => {});
});
`;

/**
 * Fakes installed inside a test, after it created a real interval; restored in the `after`
 * of the suite around the test's own, once the test's suite has ended (its verdict comes
 * then, under the fakes).
 */
const TEST_FAKES_SPEC = String.raw`
const fakes = require('../fakes.js');
describe('a test that installs fake timers', () => {
  let interval;
  after(function restoreTimers() {
    fakes.restore();
    fakes.real.clearInterval(interval);
  });
  describe('under the fakes', () => {
    it('leaks a real interval, then fakes the timers', () => {
      interval = setInterval(() => {}, 1000);
      fakes.install();
    });
    it('runs under the fakes', () => {});
    it('fails under the fakes', () => {
      throw new Error('expected failure under fake timers');
    });
  });
});
describe('after the fakes are gone', () => {
  it('runs with real timers again', async () => {
    await new Promise((resolve) => setTimeout(resolve, 5));
  });
});
`;

const EXIT_SPEC = String.raw`
const timers = [];
describe('exits midway', () => {
  it('leaks an interval', () => {
    timers.push(setInterval(() => {}, 1000));
  });
  it('fails before the exit', () => {
    throw new Error('expected failure');
  });
  it('calls process.exit(0)', () => {
    process.exit(0);
  });
  it('never runs', () => {});
});
`;

/**
 * Uncaught errors and unhandled rejections. Without leakguard, Mocha fails whichever
 * runnable is running when an uncaught error is thrown; every case here is laid out so
 * that this is one well-defined test in a run without leakguard.
 */
const UNCAUGHT_SPEC = String.raw`
const timers = [];
after(() => timers.splice(0).forEach(clearInterval));
describe('uncaught', () => {
  it('passes first', () => {});
  it('throws from a timer while it waits', (done) => {
    // Never calls done: Mocha fails the test with the uncaught error.
    setTimeout(() => {
      throw new Error('boom');
    }, 0);
  });
  it('throws from a timer after it returned', () => {
    // 50 ms, not 0: without leakguard the next test is then reliably the one running
    // when it fires (a 0 ms timer can also fire between the two tests).
    setTimeout(() => {
      throw new Error('boom after return');
    }, 50);
  });
  it('is running when that timer fires', function (done) {
    this.timeout(5000);
  });
  it('rejects without a handler', () => {
    Promise.reject(new Error('unhandled rejection'));
  });
  it('rejects without a handler, then awaits', async () => {
    Promise.reject(new Error('unhandled rejection while waiting'));
    await new Promise((resolve) => setTimeout(resolve, 10));
  });
  it('rejects without a handler after it returned', () => {
    setTimeout(() => Promise.reject(new Error('late unhandled rejection')), 20);
  });
  it('passes after the rejections', async () => {
    await new Promise((resolve) => setTimeout(resolve, 50));
  });
  it('leaks an interval', () => {
    timers.push(setInterval(() => {}, 1000));
  });
  it('fails', () => {
    throw new Error('plain failure');
  });
  it('passes last', () => {});
});
`;

/** Runs under `ulimit -n 256`: opens files until EMFILE. */
const FDS_SPEC = String.raw`
const fs = require('node:fs');
const path = require('node:path');
const data = path.join(__dirname, '..', 'data.txt');
const held = [];
const kept = [];
const timers = [];

function openUntilEmfile() {
  const fds = [];
  for (;;) {
    try {
      fds.push(fs.openSync(data, 'r'));
    } catch (error) {
      if (error.code === 'EMFILE') return fds;
      for (const fd of fds) fs.closeSync(fd);
      throw error;
    }
  }
}

after(function releaseEverything() {
  for (const fd of held.splice(0)) fs.closeSync(fd);
  timers.splice(0).forEach(clearInterval);
});

describe('file descriptors', () => {
  it('passes first', () => {});
  it('runs out of fds and closes them again', () => {
    const fds = openUntilEmfile();
    for (const fd of fds) fs.closeSync(fd);
    if (fds.length < 100) throw new Error('only ' + fds.length + ' fds opened: is the limit set?');
  });
  it('passes between', () => {});
  it('runs out of fds and leaves them open', () => {
    held.push(...openUntilEmfile());
  });
  it('runs while the fds are exhausted', () => {});
  it('fails while the fds are exhausted', () => {
    throw new Error('expected failure');
  });
  it('keeps 8 MB while the fds are exhausted', () => {
    kept.push(Buffer.alloc(8 * 1024 * 1024, 1));
  });
  it('leaks an interval while the fds are exhausted', () => {
    timers.push(setInterval(() => {}, 1000));
  });
});
`;

const BIG_TMPDIR_SPEC = String.raw`
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
describe('big temp dir', () => {
  for (let i = 0; i < 300; i++) it('is clean ' + i, () => {});
  it('leaves a temp dir behind', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'left-behind-'));
    fs.writeFileSync(path.join(dir, 'a.txt'), 'hello');
  });
  it('creates and removes a temp dir', () => {
    fs.rmSync(fs.mkdtempSync(path.join(os.tmpdir(), 'removed-')), { recursive: true });
  });
  for (let i = 0; i < 300; i++) it('is clean after ' + i, () => {});
  for (let i = 0; i < 200; i++) {
    it('creates and removes a temp file ' + i, () => {
      const file = path.join(os.tmpdir(), 'scratch-' + i + '.txt');
      fs.writeFileSync(file, 'x');
      fs.rmSync(file);
    });
  }
});
`;

/**
 * Loaded with --require: counts how often the temp dir is listed, and writes the count to
 * $LISTINGS_FILE at exit. A listing of 100,000 entries takes tens of ms: the count, not the
 * time (which depends on the machine's load), shows whether a run pays it per test.
 */
const COUNT_LISTINGS = String.raw`
const fs = require('node:fs');
const os = require('node:os');
const dir = os.tmpdir();
let listings = 0;
for (const name of ['readdirSync', 'readdir', 'opendirSync', 'opendir']) {
  const original = fs[name];
  fs[name] = function (target, ...rest) {
    if (String(target) === dir) listings++;
    return original.call(this, target, ...rest);
  };
}
const readdir = fs.promises.readdir;
fs.promises.readdir = function (target, ...rest) {
  if (String(target) === dir) listings++;
  return readdir.call(this, target, ...rest);
};
process.on('exit', () => fs.writeFileSync(process.env.LISTINGS_FILE, String(listings)));
`;

/** Leaks one of each kind the probes other than fds can see, and one file descriptor. */
const MIXED_LEAKS_SPEC = String.raw`
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const timers = [];
const fds = [];
after(() => {
  timers.splice(0).forEach(clearInterval);
  fds.splice(0).forEach((fd) => fs.closeSync(fd));
});
describe('mixed', () => {
  it('is clean', () => {});
  it('leaks an interval', () => {
    timers.push(setInterval(() => {}, 1000));
  });
  it('leaves a file open', () => {
    fds.push(fs.openSync(__filename, 'r'));
  });
  it('leaves a temp dir behind', () => {
    fs.mkdtempSync(path.join(os.tmpdir(), 'left-behind-'));
  });
  it('fails', () => {
    throw new Error('expected failure');
  });
});
`;

const BAIL_SPEC = String.raw`
const timers = [];
after(() => timers.splice(0).forEach(clearInterval));
describe('bail', () => {
  it('leaks an interval', () => {
    timers.push(setInterval(() => {}, 1000));
  });
  it('fails first', () => {
    throw new Error('expected failure');
  });
  it('never runs', () => {});
});
`;

const FAILING_BEFORE_SPEC = String.raw`
before(function connectToNothing() {
  throw new Error('before hook failed');
});
describe('suite behind a failing before hook', () => {
  it('never runs 1', () => {});
  it('never runs 2', () => {});
});
`;

/** With SLEEP_MARKER set, a test writes that file and then sleeps 5 s (the run is killed meanwhile). */
const SLEEPY_SPEC = String.raw`
const fs = require('node:fs');
const timers = [];
after(() => timers.splice(0).forEach(clearInterval));
describe('sleepy', () => {
  it('leaks an interval', () => {
    timers.push(setInterval(() => {}, 1000));
  });
  it('writes a marker, then sleeps', async function () {
    this.timeout(30000);
    if (!process.env.SLEEP_MARKER) return;
    fs.writeFileSync(process.env.SLEEP_MARKER, 'sleeping');
    await new Promise((resolve) => setTimeout(resolve, 5000));
  });
  it('runs after the sleep', () => {});
});
`;

/** A custom probe of entries in a global registry: proves the plugin was loaded from the config's directory. */
const REGISTRY_PROBE = `
module.exports = {
  name: 'registry',
  unit: 'count',
  defaultThreshold: 0,
  create: () => ({
    sample: () => {
      const entries = [...(globalThis.__registry ?? new Set())];
      return { value: entries.length, items: entries.map((name) => ({ id: name, label: 'registered ' + name })) };
    },
  }),
};
`;

const REGISTRY_SPEC = String.raw`
globalThis.__registry = new Set();
describe('registry', () => {
  it('registers and unregisters', () => {
    globalThis.__registry.add('tidy');
    globalThis.__registry.delete('tidy');
  });
  it('leaves an entry registered', () => {
    globalThis.__registry.add('forgotten');
  });
});
`;

describe('leakguard in a hostile environment', function () {
  this.timeout(300_000);

  describe('tests that replace the timer globals, process.nextTick, Date and Promise', () => {
    let fixture: Fixture;
    const runs: Record<'root' | 'test', { guarded: RunResult; plain: RunResult }> = {} as never;

    before(async () => {
      fixture = new Fixture({
        'fakes.js': FAKES,
        'test/root-fakes.spec.js': ROOT_FAKES_SPEC,
        'test/test-fakes.spec.js': TEST_FAKES_SPEC,
        '.leakguardrc.json': JSON.stringify({ report: { json: 'leakguard-report.json' } }),
      });
      for (const [name, spec] of [
        ['root', 'test/root-fakes.spec.js'],
        ['test', 'test/test-fakes.spec.js'],
      ] as const) {
        const guarded = await fixture.run([...JSON_REPORTER, spec], { timeoutMs: 20_000 });
        const plain = await runPlain(fixture, [...JSON_REPORTER, spec], { timeoutMs: 30_000 });
        runs[name] = { guarded, plain };
      }
    });

    after(() => fixture.remove());

    it('a root-level before hook with fakes: the run completes, Mocha results unchanged', () => {
      assertSameMochaResults(runs.root.guarded, runs.root.plain);
    });

    it('a root-level before hook with fakes: the real interval is still reported', () => {
      const { report } = runs.root.guarded;
      assert.ok(report, describeRun(runs.root.guarded));
      assert.deepEqual(leakPairs(report), ['handles: under root-level fake timers leaks a real interval']);
      assert.deepEqual(report.faults, []);
    });

    it('a test that installs fakes: the run completes, Mocha results unchanged', () => {
      assertSameMochaResults(runs.test.guarded, runs.test.plain);
    });

    it('a test that installs fakes: the real interval it created first is still reported', () => {
      const { report } = runs.test.guarded;
      assert.ok(report, describeRun(runs.test.guarded));
      assert.deepEqual(leakPairs(report), [
        // The fakes replace globals that the test leaves replaced for the next tests (its
        // suite's after hook restores them): a finding of the globals probe. The hook that
        // restores them is not one, though it puts back the timers from before leakguard
        // wrapped them.
        'globals: a test that installs fake timers under the fakes leaks a real interval, then fakes the timers',
        'handles: a test that installs fake timers under the fakes leaks a real interval, then fakes the timers',
      ]);
      const globals = report.leaks.find((leak) => leak.probe === 'globals')!;
      assert.deepEqual(
        globals.items.map((item) => item.label).sort(),
        ['Date', 'Promise', 'clearImmediate', 'clearInterval', 'clearTimeout', 'setImmediate', 'setInterval', 'setTimeout'].map((name) => `global "${name}" replaced`),
      );
    });

    it('report timestamps come from the real clock, not the frozen Date', () => {
      const report = runs.test.guarded.report;
      assert.ok(report, describeRun(runs.test.guarded));
      assert.ok(Date.parse(report.endedAt) >= Date.parse(report.startedAt), `${report.startedAt} .. ${report.endedAt}`);
    });
  });

  describe('a test that calls process.exit(0) midway', () => {
    let fixture: Fixture;
    let guarded: RunResult;
    let plain: RunResult;

    before(async () => {
      fixture = new Fixture({
        'test/exit.spec.js': EXIT_SPEC,
        '.leakguardrc.json': JSON.stringify({ report: { json: 'reports/leakguard-report.json' } }),
      });
      guarded = await fixture.run(['test'], { reportPath: 'reports/leakguard-report.json' });
      plain = await runPlain(fixture, ['test']);
    });

    after(() => fixture.remove());

    it('exits with the code process.exit gave, as without leakguard', () => {
      assert.equal(plain.code, 0, describeRun(plain));
      assert.equal(guarded.code, 0, describeRun(guarded));
      assert.equal(guarded.signal, null);
      const titles = (result: RunResult) => lines(result.stdout).map((line) => line.replace(/\s*\(\d+ms\)$/, ''));
      assert.deepEqual(titles(guarded), titles(plain));
    });

    it('still writes a complete, valid JSON report', () => {
      assert.ok(guarded.reportText, `no report\n${describeRun(guarded)}`);
      assert.equal(guarded.reportError, undefined, guarded.reportText);
      assert.ok(guarded.reportText.endsWith('}\n'));
      assert.equal(guarded.report!.version, 1);
      assert.deepEqual(leakPairs(guarded.report), ['handles: exits midway leaks an interval']);
      assert.deepEqual(strayFiles(path.join(fixture.dir, 'reports'), 'leakguard-report.json'), []);
    });

    it('still prints the summary on stderr', () => {
      assert.match(guarded.stderr, /^exits midway leaks an interval \(test\/exit\.spec\.js\)$/m);
      assert.match(guarded.stderr, /^leakguard: 1 leak from 1 cause in 1 of \d+ tests/m);
    });
  });

  describe('uncaught exceptions and unhandled rejections', () => {
    let fixture: Fixture;
    let guarded: RunResult;
    let plain: RunResult;

    before(async () => {
      fixture = new Fixture({
        'test/uncaught.spec.js': UNCAUGHT_SPEC,
        '.leakguardrc.json': JSON.stringify({ report: { json: 'leakguard-report.json' } }),
      });
      guarded = await fixture.run([...JSON_REPORTER, 'test'], { timeoutMs: 30_000 });
      plain = await runPlain(fixture, [...JSON_REPORTER, 'test'], { timeoutMs: 30_000 });
    });

    after(() => fixture.remove());

    it('Mocha reports them as it does without leakguard: same pass/fail counts and exit code', () => {
      const without = jsonReporterOutcome(plain.stdout);
      // The baseline itself: the two uncaught errors fail the two tests that were running.
      assert.deepEqual(without?.failures, [
        'uncaught fails',
        'uncaught is running when that timer fires',
        'uncaught throws from a timer while it waits',
      ]);
      assert.equal(guarded.signal, null, describeRun(guarded));
      const withGuard = jsonReporterOutcome(guarded.stdout);
      assert.ok(withGuard, describeRun(guarded));
      const counts = (outcome: MochaOutcome) => ({
        passes: outcome.passes.length,
        failures: outcome.failures.length,
        pending: outcome.pending.length,
      });
      assert.deepEqual(counts(withGuard), counts(without), describeRun(guarded));
      assert.equal(guarded.code, plain.code, describeRun(guarded));
    });

    it('no uncaught error is blamed on a leakguard hook', () => {
      const withGuard = jsonReporterOutcome(guarded.stdout);
      assert.ok(withGuard, describeRun(guarded));
      assert.deepEqual(
        withGuard.failures.filter((title) => title.includes('hook: leakguard')),
        [],
      );
      assert.doesNotMatch(guarded.stderr, /ERR_MOCHA_MULTIPLE_DONE|done\(\) called multiple times/);
    });

    it('leakguard still reports the leak', () => {
      assert.ok(guarded.report, describeRun(guarded));
      assert.deepEqual(leakPairs(guarded.report), ['handles: uncaught leaks an interval']);
      assert.doesNotMatch(guarded.stderr, /internal error/);
    });
  });

  describe('file descriptors run out (ulimit -n 256)', () => {
    let fixture: Fixture;
    let guarded: RunResult;
    let plain: RunResult;

    before(async () => {
      fixture = new Fixture({
        'test/fds.spec.js': FDS_SPEC,
        'data.txt': 'some data\n',
        '.leakguardrc.json': JSON.stringify({ report: { json: 'leakguard-report.json' } }),
      });
      const options: RunOptions = { shellPrefix: 'ulimit -n 256', timeoutMs: 60_000 };
      guarded = await fixture.run([...JSON_REPORTER, 'test'], options);
      plain = await runPlain(fixture, [...JSON_REPORTER, 'test'], options);
    });

    after(() => fixture.remove());

    it('leaves Mocha results intact', () => {
      assert.equal(jsonReporterOutcome(plain.stdout)?.failures.length, 1, describeRun(plain));
      assertSameMochaResults(guarded, plain);
    });

    it('does not crash, and no probe is switched off', () => {
      assert.ok(guarded.report, describeRun(guarded));
      assert.doesNotMatch(guarded.stderr, /internal error/);
      const off = guarded.report.faults.map((fault) => `${fault.probe}: ${fault.message}`);
      assert.deepEqual(off, [], 'a full descriptor table is a finding of the fds probe, not a reason to stop measuring');
      for (const fault of guarded.report.faults) {
        assert.equal(lines(guarded.stderr).filter((line) => line.startsWith(`leakguard: probe "${fault.probe}" switched off: `)).length, 1);
      }
    });

    it('the test that filled the descriptor table and kept it full is reported as the fd leak it is', () => {
      const leak = guarded.report?.leaks.find((found) => found.probe === 'fds');
      assert.ok(leak, describeRun(guarded));
      assert.equal(leak.test, 'file descriptors runs out of fds and leaves them open');
      assert.match(leak.items[0]!.label, /^the descriptor table is full \(EMFILE\): \d+ open, \d+ more than before$/);
      assert.match(leak.hint ?? '', /until none were left \(EMFILE\)/);
      // Only that test: the tests that ran while the table stayed full added nothing to it.
      assert.deepEqual(
        guarded.report!.leaks.filter((found) => found.probe === 'fds').map((found) => found.test),
        ['file descriptors runs out of fds and leaves them open'],
      );
    });

    it('the other probes still report leaks made while the fds are exhausted', () => {
      const pairs = leakPairs(guarded.report);
      assert.ok(pairs.includes('heap: file descriptors keeps 8 MB while the fds are exhausted'), pairs.join('\n'));
      assert.ok(pairs.includes('handles: file descriptors leaks an interval while the fds are exhausted'), pairs.join('\n'));
      // Nothing is blamed on the test that closed all it opened.
      assert.ok(!pairs.some((pair) => pair.endsWith('runs out of fds and closes them again')), pairs.join('\n'));
    });
  });

  describe('a temp dir with 100,000 entries', () => {
    let fixture: Fixture;
    let bigTmp: string;
    let guarded: RunResult;
    let plain: RunResult;
    let listings: number;

    before(async function () {
      // tmpfs where there is one: 100,000 files on a slow disk take minutes to create and remove.
      const parent = fs.existsSync('/dev/shm') && isWritable('/dev/shm') ? '/dev/shm' : os.tmpdir();
      bigTmp = fs.mkdtempSync(path.join(parent, 'leakguard-big-tmp-'));
      const started = Date.now();
      for (let i = 0; i < 100_000; i++) fs.closeSync(fs.openSync(path.join(bigTmp, `entry-${i}`), 'w'));
      console.log(`      (created 100,000 entries in ${bigTmp} in ${Date.now() - started} ms)`);
      fixture = new Fixture({
        'test/big.spec.js': BIG_TMPDIR_SPEC,
        'count-listings.js': COUNT_LISTINGS,
        '.leakguardrc.json': JSON.stringify({ report: { json: 'leakguard-report.json' } }),
      });
      const env = { TMPDIR: bigTmp, LISTINGS_FILE: path.join(fixture.dir, 'listings.txt') };
      guarded = await fixture.run(['--require', './count-listings.js', '--reporter', 'dot', 'test'], { env, timeoutMs: 120_000 });
      listings = Number(fs.readFileSync(env.LISTINGS_FILE, 'utf8'));
      plain = await runPlain(fixture, ['--reporter', 'dot', 'test'], { env, timeoutMs: 120_000 });
      console.log(`      (802 tests: ${guarded.durationMs} ms with leakguard, ${plain.durationMs} ms without)`);
    });

    after(() => {
      fixture?.remove();
      if (bigTmp) fs.rmSync(bigTmp, { recursive: true, force: true });
    });

    it('the run works', () => {
      assert.equal(guarded.code, 0, describeRun(guarded));
      assert.equal(plain.code, 0, describeRun(plain));
      assert.match(guarded.stdout, /802 passing/);
      assert.equal(guarded.report?.tests, 802);
    });

    it('never lists it: 200 tests that each create and remove a temp file cost a stat each, not a listing', () => {
      assert.equal(listings, 0);
    });

    it('still finds the one entry a test left behind, and nothing else', () => {
      assert.deepEqual(leakPairs(guarded.report), ['tmpdir: big temp dir leaves a temp dir behind']);
      const items = guarded.report!.leaks[0]!.items;
      assert.equal(items.length, 1);
      assert.match(items[0]!.label, /left-behind-/);
    });
  });

  describe('a temp dir that cannot be read', () => {
    let fixture: Fixture | undefined;

    after(() => {
      if (fixture) fs.chmodSync(fixture.tmp, 0o755);
      fixture?.remove();
    });

    it('switches the tmpdir probe off with a notice; the run goes on and the other probes report', async function () {
      // Tests run as root here, and root reads a directory whatever its mode: chmod cannot
      // make it unreadable, so this case can only be checked as an ordinary user.
      if (process.getuid?.() === 0) this.skip();
      fixture = new Fixture({
        'test/mixed.spec.js': MIXED_LEAKS_SPEC,
        '.leakguardrc.json': JSON.stringify({ report: { json: 'leakguard-report.json' } }),
      });
      fs.chmodSync(fixture.tmp, 0o000);
      const guarded = await fixture.run([...JSON_REPORTER, 'test']);
      const plain = await runPlain(fixture, [...JSON_REPORTER, 'test']);
      assertSameMochaResults(guarded, plain);
      assert.equal(lines(guarded.stderr).filter((line) => /probe "tmpdir"/.test(line) && /cannot read/.test(line)).length, 1, guarded.stderr);
      const pairs = leakPairs(guarded.report);
      assert.ok(pairs.includes('handles: mixed leaks an interval'), pairs.join('\n'));
      assert.ok(pairs.includes('fds: mixed leaves a file open'), pairs.join('\n'));
    });
  });

  describe('no /proc (LEAKGUARD_FD_DIR=/nonexistent)', () => {
    let fixture: Fixture;
    let guarded: RunResult;
    let plain: RunResult;

    before(async () => {
      fixture = new Fixture({
        'test/mixed.spec.js': MIXED_LEAKS_SPEC,
        '.leakguardrc.json': JSON.stringify({ report: { json: 'leakguard-report.json' } }),
      });
      const env = { LEAKGUARD_FD_DIR: '/nonexistent' };
      guarded = await fixture.run([...JSON_REPORTER, 'test'], { env });
      plain = await runPlain(fixture, [...JSON_REPORTER, 'test'], { env });
    });

    after(() => fixture.remove());

    it('prints a one-line notice that the fds probe is off', () => {
      const notices = lines(guarded.stderr).filter((line) => line.includes('"fds"'));
      assert.equal(notices.length, 1, guarded.stderr);
      assert.match(notices[0]!, /^leakguard: probe "fds": cannot list \/nonexistent; probe switched off$/);
    });

    it('the run goes on with Mocha results unchanged', () => {
      assertSameMochaResults(guarded, plain);
    });

    it('the other probes still report', () => {
      assert.deepEqual(leakPairs(guarded.report), ['handles: mixed leaks an interval', 'tmpdir: mixed leaves a temp dir behind']);
    });
  });

  describe('runs cut short: the JSON report is written atomically, or not at all', () => {
    let fixture: Fixture;
    const REPORT = 'reports/leakguard-report.json';
    const reportDir = () => path.join(fixture.dir, 'reports');

    before(() => {
      fixture = new Fixture({
        'test/bail.spec.js': BAIL_SPEC,
        'test/failing-before.spec.js': FAILING_BEFORE_SPEC,
        'test/sleepy.spec.js': SLEEPY_SPEC,
        '.leakguardrc.json': JSON.stringify({ report: { json: REPORT } }),
      });
    });

    after(() => fixture.remove());

    it('--bail: a complete report of the tests that ran', async () => {
      const guarded = await fixture.run([...JSON_REPORTER, '--bail', 'test/bail.spec.js'], { reportPath: REPORT });
      const plain = await runPlain(fixture, [...JSON_REPORTER, '--bail', 'test/bail.spec.js']);
      assertSameMochaResults(guarded, plain);
      assert.equal(guarded.reportError, undefined, guarded.reportText);
      assert.ok(guarded.report, describeRun(guarded));
      assert.deepEqual(leakPairs(guarded.report), ['handles: bail leaks an interval']);
      assert.equal(guarded.report.tests, 2);
      assert.deepEqual(strayFiles(reportDir(), 'leakguard-report.json'), []);
    });

    it('a failing root before hook: a complete report, with no leak for a hook that created nothing', async () => {
      const guarded = await fixture.run([...JSON_REPORTER, 'test/failing-before.spec.js'], { reportPath: REPORT });
      const plain = await runPlain(fixture, [...JSON_REPORTER, 'test/failing-before.spec.js']);
      assertSameMochaResults(guarded, plain);
      assert.equal(guarded.reportError, undefined, guarded.reportText);
      assert.ok(guarded.report, describeRun(guarded));
      assert.equal(guarded.report.tests, 0);
      assert.deepEqual(leakPairs(guarded.report), []);
      assert.deepEqual(strayFiles(reportDir(), 'leakguard-report.json'), []);
    });

    for (const signal of ['SIGKILL', 'SIGTERM'] as const) {
      it(`killed by ${signal} mid-run: the previous complete report or none, never half of one, and no temp files`, async () => {
        const complete = await fixture.run(['test/sleepy.spec.js'], { reportPath: REPORT });
        assert.equal(complete.code, 0, describeRun(complete));
        assert.ok(complete.report && complete.reportText, describeRun(complete));
        const marker = path.join(fixture.dir, `sleeping-${signal}.marker`);
        const killed = await fixture.run(['test/sleepy.spec.js'], {
          reportPath: REPORT,
          keepReport: true,
          env: { SLEEP_MARKER: marker },
          killWhen: { file: marker, signal },
          timeoutMs: 30_000,
        });
        assert.ok(fs.existsSync(marker), `the sleeping test never ran\n${describeRun(killed)}`);
        assert.equal(killed.signal, signal, describeRun(killed));
        if (killed.reportText !== undefined) assert.equal(killed.reportText, complete.reportText);
        assert.deepEqual(strayFiles(reportDir(), 'leakguard-report.json'), []);
      });
    }
  });

  describe('mocha run from a subdirectory, with LEAKGUARD_CONFIG pointing at the config', () => {
    let fixture: Fixture;
    let result: RunResult;

    before(async () => {
      fixture = new Fixture({
        'config/leakguard.json': JSON.stringify({
          report: { json: 'reports/leakguard-report.json' },
          plugins: ['./probes/registry.js'],
        }),
        'config/probes/registry.js': REGISTRY_PROBE,
        'test/registry.spec.js': REGISTRY_SPEC,
        'sub/README': 'the working directory of the run\n',
      });
      result = await fixture.run(['../test'], {
        cwd: 'sub',
        env: { LEAKGUARD_CONFIG: '../config/leakguard.json' },
        reportPath: 'config/reports/leakguard-report.json',
      });
    });

    after(() => fixture.remove());

    it('loads the plugin relative to the config file and reports its leak', () => {
      assert.equal(result.code, 0, describeRun(result));
      assert.deepEqual(leakPairs(result.report), ['registry: registry leaves an entry registered']);
      assert.equal(result.report!.leaks[0]!.items[0]!.label, 'registered forgotten');
    });

    it('writes the report relative to the config file, not to the working directory', () => {
      assert.ok(fixture.exists('config/reports/leakguard-report.json'), describeRun(result));
      assert.ok(!fixture.exists('sub/reports'));
      assert.ok(!fixture.exists('reports'));
    });
  });
});

function isWritable(dir: string): boolean {
  try {
    fs.accessSync(dir, fs.constants.W_OK);
    return true;
  } catch {
    return false;
  }
}
