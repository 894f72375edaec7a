/**
 * "Never breaks the suite it guards", for custom probes that misbehave: a probe that
 * throws while sampling, one whose sample never settles, one far slower than
 * sampleTimeoutMs, one whose create() throws and one that returns garbage. Each is
 * switched off with one warning, the run goes on, Mocha's results and exit code are
 * exactly those of the same suite without leakguard, the JSON report lists the faults,
 * and the built-in probes keep reporting leaks that happen after the faults.
 *
 * Real Mocha subprocesses; the plugins are real modules loaded through `plugins`.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Fixture, REPO, jsonReporterOutcome, leakPairs, lines, type RunResult } from '../helpers/fixture';

const INDEX = JSON.stringify(path.join(REPO, 'dist', 'index.js'));

/** Throws from its third sample on (the first test's samples work). */
const THROWING_PROBE = `
const { defineProbe } = require(${INDEX});
let calls = 0;
module.exports = defineProbe({
  name: 'throwing',
  unit: 'count',
  defaultThreshold: 0,
  create: () => ({
    sample: () => {
      calls++;
      if (calls >= 3) throw new Error('sampler exploded on call ' + calls);
      return 0;
    },
  }),
});
`;

/** Each of these probes writes how often leakguard called its sample() when the process exits. */
const COUNT_CALLS = (name: string) => `
let calls = 0;
process.on('exit', () => require('node:fs').writeFileSync(require('node:path').join(process.cwd(), 'calls-${name}.txt'), String(calls)));
`;

/** A plain object (no defineProbe) whose second sample never settles. */
const HANGING_PROBE = `${COUNT_CALLS('hanging')}
module.exports = {
  name: 'hanging',
  unit: 'count',
  defaultThreshold: 0,
  create: () => ({
    sample: () => (++calls >= 2 ? new Promise(() => {}) : Promise.resolve(0)),
  }),
};
`;

/** Its fourth sample busy-waits 800 ms, synchronously (sampleTimeoutMs is 200). */
const SLOW_PROBE = `${COUNT_CALLS('slow')}
module.exports = {
  name: 'slow',
  unit: 'count',
  defaultThreshold: 0,
  create: () => ({
    sample: () => {
      if (++calls === 4) {
        const until = Date.now() + 800;
        while (Date.now() < until) {}
      }
      return 0;
    },
  }),
};
`;

const CREATE_THROWS_PROBE = `
module.exports = {
  name: 'create-throws',
  unit: 'count',
  defaultThreshold: 0,
  create: () => {
    throw new Error('cannot create this probe');
  },
};
`;

const GARBAGE_PROBE = `
module.exports = {
  name: 'garbage',
  unit: 'count',
  defaultThreshold: 0,
  create: () => ({ sample: () => 'not a number at all' }),
};
`;

/** Throws a string, not an Error, from its second sample on. */
const THROWS_STRING_PROBE = `
let calls = 0;
module.exports = {
  name: 'throws-string',
  unit: 'count',
  defaultThreshold: 0,
  create: () => ({
    sample: () => {
      if (++calls >= 2) throw 'a plain string, not an Error';
      return 0;
    },
  }),
};
`;

/**
 * Throws an object without a prototype from its second sample on: String() of it throws
 * (a value thrown across realms, or by code that builds errors from Object.create(null)).
 */
const THROWS_BARE_OBJECT_PROBE = `
let calls = 0;
module.exports = {
  name: 'throws-bare-object',
  unit: 'count',
  defaultThreshold: 0,
  create: () => ({
    sample: () => {
      if (++calls >= 2) {
        const thrown = Object.create(null);
        thrown.reason = 'no prototype, no toString';
        throw thrown;
      }
      return 0;
    },
  }),
};
`;

/**
 * Passing and failing tests; leaks only after every faulty probe has been switched off
 * (each fails within the first two tests).
 */
const SPEC = String.raw`
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const timers = [];
after(() => timers.splice(0).forEach(clearInterval));

describe('guarded suite', () => {
  it('passes 1', () => {});
  it('passes 2', () => {});
  it('passes 3', () => {});
  it('fails on purpose', () => {
    throw new Error('expected failure 1');
  });
  it('passes 4', async () => {
    await new Promise((resolve) => setTimeout(resolve, 5));
  });
  it('fails on purpose again', () => {
    throw new Error('expected failure 2');
  });
  it('leaks an interval after the probes failed', () => {
    timers.push(setInterval(() => {}, 1000));
  });
  it('leaves a temp dir behind', () => {
    fs.mkdtempSync(path.join(os.tmpdir(), 'left-behind-'));
  });
  it('passes at the end', () => {});
});
`;

const EXPECTED_LEAKS = [
  'handles: guarded suite leaks an interval after the probes failed',
  'tmpdir: guarded suite leaves a temp dir behind',
];

/** The stderr lines in which leakguard switches `probe` off (the summary's "was switched off" lines are not these). */
function switchOffWarnings(stderr: string, probe: string): string[] {
  return lines(stderr).filter((line) => line.startsWith(`leakguard: probe "${probe}" switched off: `));
}

function describeRun(result: RunResult): string {
  const tail = (text: string) => (text.length > 3000 ? `...${text.slice(-3000)}` : text);
  return `exit ${result.code} signal ${result.signal} after ${result.durationMs} ms\n--- stdout\n${tail(result.stdout)}\n--- stderr\n${tail(result.stderr)}`;
}

describe('faulty custom probes never break the suite', function () {
  this.timeout(180_000);

  describe('a probe that throws, one that hangs, a slow one, one whose create() throws, one returning garbage', () => {
    let fixture: Fixture;
    let guarded: RunResult;
    let plain: RunResult;

    before(async () => {
      fixture = new Fixture({
        'test/suite.spec.js': SPEC,
        'probes/throwing.js': THROWING_PROBE,
        'probes/hanging.js': HANGING_PROBE,
        'probes/slow.js': SLOW_PROBE,
        'probes/create-throws.js': CREATE_THROWS_PROBE,
        'probes/garbage.js': GARBAGE_PROBE,
        '.leakguardrc.json': JSON.stringify({
          report: { json: 'leakguard-report.json' },
          sampleTimeoutMs: 200,
          plugins: ['./probes/throwing.js', './probes/hanging.js', './probes/slow.js', './probes/create-throws.js', './probes/garbage.js'],
        }),
      });
      // One after the other: both runs use the fixture's temp dir.
      guarded = await fixture.run(['--reporter', 'json', 'test'], { timeoutMs: 60_000 });
      plain = await fixture.run(['--reporter', 'json', 'test'], { register: false, reportPath: 'no-report.json' });
      console.log(`      (with leakguard: ${guarded.durationMs} ms; without: ${plain.durationMs} ms)`);
    });

    after(() => fixture.remove());

    it('leaves Mocha pass/fail results and exit code exactly as without leakguard', () => {
      assert.equal(guarded.signal, null, describeRun(guarded));
      assert.equal(plain.code, 2, describeRun(plain));
      assert.equal(guarded.code, plain.code, describeRun(guarded));
      const withGuard = jsonReporterOutcome(guarded.stdout);
      assert.ok(withGuard, describeRun(guarded));
      assert.deepEqual(withGuard, jsonReporterOutcome(plain.stdout));
      assert.equal(withGuard.failures.length, 2);
      assert.equal(withGuard.passes.length, 7);
    });

    it('warns once on stderr per faulty probe, naming the probe and the error', () => {
      const expected: Record<string, RegExp> = {
        throwing: /sample\(\) threw: sampler exploded on call 3$/,
        hanging: /sample\(\) did not finish within 200 ms$/,
        slow: /sample\(\) took \d+ ms, over the limit of 200 ms$/,
        'create-throws': /create\(\) threw: cannot create this probe$/,
        garbage: /sample\(\) returned .*not a number at all.*, not a number/,
      };
      for (const [probe, says] of Object.entries(expected)) {
        const warnings = switchOffWarnings(guarded.stderr, probe);
        assert.equal(warnings.length, 1, `warnings for ${probe}:\n${guarded.stderr}`);
        assert.match(warnings[0]!, says);
      }
      assert.doesNotMatch(guarded.stderr, /internal error/);
    });

    it('lists each fault once in the JSON report', () => {
      assert.ok(guarded.report, describeRun(guarded));
      const faults = guarded.report.faults;
      assert.deepEqual(faults.map((fault) => fault.probe).sort(), ['create-throws', 'garbage', 'hanging', 'slow', 'throwing']);
      const message = (probe: string) => faults.find((fault) => fault.probe === probe)!.message;
      assert.match(message('throwing'), /sampler exploded/);
      assert.match(message('hanging'), /did not finish within 200 ms/);
      assert.match(message('slow'), /over the limit of 200 ms/);
      assert.match(message('create-throws'), /cannot create this probe/);
      assert.match(message('garbage'), /not a number at all/);
    });

    it('keeps the other probes working: leaks after the faults are still reported', () => {
      assert.deepEqual(leakPairs(guarded.report), EXPECTED_LEAKS);
      assert.equal(guarded.report!.tests, 9);
    });

    it('does not call the hanging or slow probe again once it is switched off', () => {
      // The hanging one hangs at its 2nd sample, the slow one is slow at its 4th: each is
      // waited on once, then never sampled again (a probe sampled on every test would be).
      const calls = (name: string) => Number(fs.readFileSync(path.join(fixture.dir, `calls-${name}.txt`), 'utf8'));
      assert.equal(calls('hanging'), 2, describeRun(guarded));
      assert.equal(calls('slow'), 4, describeRun(guarded));
    });
  });

  describe('probes that throw things that are not Errors', () => {
    let fixture: Fixture;
    let guarded: RunResult;
    let plain: RunResult;

    before(async () => {
      fixture = new Fixture({
        'test/suite.spec.js': SPEC,
        'probes/throws-string.js': THROWS_STRING_PROBE,
        'probes/throws-bare-object.js': THROWS_BARE_OBJECT_PROBE,
        '.leakguardrc.json': JSON.stringify({
          report: { json: 'leakguard-report.json' },
          plugins: ['./probes/throws-string.js', './probes/throws-bare-object.js'],
        }),
      });
      guarded = await fixture.run(['--reporter', 'json', 'test']);
      plain = await fixture.run(['--reporter', 'json', 'test'], { register: false, reportPath: 'no-report.json' });
    });

    after(() => fixture.remove());

    it('leaves Mocha pass/fail results and exit code exactly as without leakguard', () => {
      assert.equal(guarded.code, plain.code, describeRun(guarded));
      assert.deepEqual(jsonReporterOutcome(guarded.stdout), jsonReporterOutcome(plain.stdout));
    });

    it('switches each probe off with one warning and lists the faults', () => {
      assert.equal(switchOffWarnings(guarded.stderr, 'throws-string').length, 1, guarded.stderr);
      assert.match(switchOffWarnings(guarded.stderr, 'throws-string')[0]!, /sample\(\) threw: a plain string, not an Error$/);
      assert.equal(switchOffWarnings(guarded.stderr, 'throws-bare-object').length, 1, guarded.stderr);
      assert.doesNotMatch(guarded.stderr, /internal error/);
      assert.deepEqual(guarded.report?.faults.map((fault) => fault.probe).sort(), ['throws-bare-object', 'throws-string']);
    });

    it('keeps measuring every test with the other probes', () => {
      assert.equal(guarded.report?.tests, 9, guarded.stderr);
      assert.deepEqual(leakPairs(guarded.report), EXPECTED_LEAKS);
    });
  });
});
