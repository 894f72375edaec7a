/**
 * Plugin probes that break the probe contract in the ways plain JavaScript can: a
 * describe() that returns nothing, throws or returns strings; an endLeaked() that throws; readings whose `value`
 * getter throws or that are Proxies; items with throwing or non-string labels; hints
 * that throw or are not strings; a dispose() or create() that never settles; a cyclic
 * item and a 60 MB label; a probe whose own timers run during the tests. Each runs in a
 * real Mocha subprocess, compared with the same suite without leakguard: the TAP output
 * (no timings in it) is the same byte for byte and so is the exit code; the faulty probe
 * is named once on stderr and switched off; the built-in probes still report the
 * fixture's leak; the summary and the JSON report are written.
 *
 * And a probe stuck in a synchronous loop, which nothing in the process can stop: the
 * watchdog names it on stderr (the test kills the hung run once it has).
 */
import { strict as assert } from 'node:assert';
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { Fixture, MOCHA_BIN, REGISTER, inParallel, leakPairs, lines, type RunResult } from '../helpers/fixture';

/**
 * Passing and failing tests. `things` is what the plugin probes count: a test that adds
 * one leaks it to them (so their describe(), labels and hints are used); the interval is
 * the leak the built-in handles probe must still report.
 */
const SPEC = String.raw`
globalThis.things = [];
const timers = [];
after(() => timers.splice(0).forEach(clearInterval));

describe('guarded suite', () => {
  it('passes 1', () => {});
  it('adds a thing', () => {
    globalThis.things.push('thing-1');
  });
  it('fails on purpose', () => {
    throw new Error('expected failure');
  });
  it('adds another thing', () => {
    globalThis.things.push('thing-2');
  });
  it('leaks an interval', () => {
    timers.push(setInterval(() => {}, 1000));
  });
  it('passes at the end', async () => {
    await new Promise((resolve) => setTimeout(resolve, 5));
  });
});
`;

const INTERVAL_LEAK = 'handles: guarded suite leaks an interval';

/** A plugin probe counting globalThis.things, with `parts` spliced into its definition and instance. */
function thingsProbe(name: string, { definition = '', instance = '', items = 'items()' }: { definition?: string; instance?: string; items?: string } = {}): string {
  return `
const items = () => globalThis.things.map((thing) => ({ id: thing, label: thing }));
module.exports = {
  name: ${JSON.stringify(name)},
  unit: 'count',
  defaultThreshold: 0,
  ${definition}
  create: () => ({
    sample: () => ({ value: globalThis.things.length, items: ${items} }),
    ${instance}
  }),
};
`;
}

interface FaultCase {
  name: string;
  probe: string;
  /** What the one stderr line that switches the probe off says after `switched off: `. */
  says?: RegExp;
  /** Not a fault: the probe's data is kept (capped), and its leaks reported. */
  notAFault?: true;
  /** Checks of the run's own (the report's items, the stderr). */
  check?: (guarded: RunResult) => void;
}

const CASES: FaultCase[] = [
  {
    name: 'describe() returns nothing',
    probe: thingsProbe('describe-nothing', { instance: 'describe: () => undefined,' }),
    says: /^describe\(\) returned undefined, not an array of items$/,
  },
  {
    name: 'describe() throws',
    probe: thingsProbe('describe-throws', { instance: 'describe: () => { throw new Error("describe exploded"); },' }),
    says: /^describe\(\) threw: describe exploded$/,
  },
  {
    name: 'endLeaked() throws',
    probe: thingsProbe('end-leaked-throws', { instance: 'endLeaked: () => { throw new Error("endLeaked exploded"); },' }),
    says: /^endLeaked\(\) threw: endLeaked exploded$/,
  },
  {
    name: 'describe() returns strings, not items',
    probe: thingsProbe('describe-strings', { instance: 'describe: (items) => items.map((item) => item.label),' }),
    says: /^describe\(\) returned an item that is not an object \(string "thing-1"\)$/,
  },
  {
    name: "a reading whose value getter throws",
    probe: `
let calls = 0;
module.exports = {
  name: 'value-getter-throws',
  unit: 'count',
  defaultThreshold: 0,
  create: () => ({
    sample: () => ({ get value() { if (++calls > 3) throw new Error('value getter exploded'); return 0; } }),
  }),
};
`,
    says: /^sample\(\) threw: value getter exploded$/,
  },
  {
    name: 'a reading that is a Proxy whose every read after the first throws',
    probe: `
module.exports = {
  name: 'proxy-reading',
  unit: 'count',
  defaultThreshold: 0,
  create: () => ({
    sample: () => {
      let reads = 0;
      // Read four times at most: then (is it a promise?), value, items, state.
      const target = { value: globalThis.things.length, items: globalThis.things.map((thing) => ({ label: thing })) };
      return new Proxy(target, {
        get(object, key) {
          if (++reads > 4) throw new Error('proxy trap exploded');
          return object[key];
        },
      });
    },
  }),
};
`,
    // Read once, into a plain reading: the Proxy never throws, its leaks are reported.
    notAFault: true,
    check: (guarded) => assert.deepEqual(leakPairs(guarded.report).filter((pair) => pair.startsWith('proxy-reading')), ['proxy-reading: guarded suite adds a thing', 'proxy-reading: guarded suite adds another thing']),
  },
  {
    name: 'an item whose label getter throws',
    probe: thingsProbe('label-throws', { items: 'globalThis.things.map((thing) => ({ id: thing, get label() { throw new Error("label exploded"); } }))' }),
    says: /^newItems\(\) returned an unreadable item: label exploded$/,
  },
  {
    name: 'an item whose label is a number',
    probe: thingsProbe('label-number', { items: 'globalThis.things.map((thing, i) => ({ id: thing, label: 42 + i }))' }),
    says: /^newItems\(\) returned an item whose label is number 42, not a string$/,
  },
  {
    name: 'a hint that throws',
    probe: thingsProbe('hint-throws', { definition: 'hint: () => { throw new Error("hint exploded"); },' }),
    says: /^hint\(\) threw: hint exploded$/,
  },
  {
    name: 'a hint that returns an object',
    probe: thingsProbe('hint-object', { definition: 'hint: () => ({ not: "a string" }),' }),
    says: /^hint\(\) returned \{"not":"a string"\}, not a string$/,
  },
  {
    name: 'a dispose() that never settles',
    probe: thingsProbe('dispose-hangs', { instance: 'dispose: () => new Promise(() => {}),' }),
    // Not switched off (the run is over for it): a notice, and the run ends.
    notAFault: true,
    check: (guarded) => assert.match(guarded.stderr, /^leakguard: probe "dispose-hangs": dispose\(\) did not finish within 200 ms; the run ends without waiting for it$/m),
  },
  {
    name: 'a create() that never settles',
    probe: `module.exports = { name: 'create-hangs', unit: 'count', defaultThreshold: 0, create: () => new Promise(() => {}) };`,
    says: /^create\(\) did not finish within 5000 ms$/,
  },
  {
    name: 'a cyclic item',
    probe: thingsProbe('cyclic-item', { items: 'globalThis.things.map((thing) => { const item = { id: thing, label: thing }; item.self = item; item.list = [item]; return item; })' }),
    notAFault: true,
    check: (guarded) => {
      const leak = guarded.report!.leaks.find((found) => found.probe === 'cyclic-item')!;
      assert.equal(leak.items[0]!.label, 'thing-1');
      assert.equal(leak.items[0]!.self, '(omitted)');
    },
  },
  {
    name: 'a 60 MB label',
    probe: thingsProbe('huge-label', {
      definition: 'hint: "x".repeat(10_000),',
      items: 'globalThis.things.map((thing) => ({ id: thing, label: thing + "x".repeat(60 * 1024 * 1024) }))',
    }),
    notAFault: true,
    check: (guarded) => {
      const leak = guarded.report!.leaks.find((found) => found.probe === 'huge-label')!;
      // Capped, the cut marked: the report stays a report.
      assert.equal(leak.items[0]!.label.length, 1000);
      assert.ok(leak.items[0]!.label.startsWith('thing-1xxx') && leak.items[0]!.label.endsWith('…'));
      assert.equal(leak.hint!.length, 2000);
      assert.ok(guarded.reportText!.length < 100_000, `${guarded.reportText!.length} characters`);
      assert.ok(guarded.stderr.length < 100_000, `${guarded.stderr.length} characters on stderr`);
    },
  },
  {
    name: "a probe whose own timers run during the tests (an interval from create(), a poll that re-arms itself)",
    probe: `
module.exports = {
  name: 'own-timers',
  unit: 'count',
  defaultThreshold: 0,
  create: () => {
    const interval = setInterval(() => {}, 1000);
    let poll;
    const tick = () => { poll = setTimeout(tick, 2); };
    tick();
    let lazy;
    return {
      sample: () => {
        lazy ??= setInterval(() => {}, 1000);
        return 0;
      },
      dispose: () => { clearInterval(interval); clearTimeout(poll); clearInterval(lazy); },
    };
  },
};
`,
    notAFault: true,
    // Only the fixture's own interval: no clean test is blamed for the probe's timers.
    check: (guarded) => assert.deepEqual(leakPairs(guarded.report).filter((pair) => pair.startsWith('handles')), [INTERVAL_LEAK]),
  },
];

function describeRun(result: RunResult): string {
  const tail = (text: string) => (text.length > 3000 ? `...${text.slice(-3000)}` : text);
  return `exit ${result.code} signal ${result.signal} after ${result.durationMs} ms\n--- stdout\n${tail(result.stdout)}\n--- stderr\n${tail(result.stderr)}`;
}

function switchOffLines(stderr: string, probe: string): string[] {
  const prefix = `leakguard: probe "${probe}" switched off: `;
  return lines(stderr)
    .filter((line) => line.startsWith(prefix))
    .map((line) => line.slice(prefix.length));
}

describe('faulty plugin probes never change the run, turn measurement off or lose the report', function () {
  this.timeout(300_000);

  const fixtures: Fixture[] = [];
  let plain: RunResult;
  const guarded = new Map<string, RunResult>();

  before(async () => {
    const plainFixture = new Fixture({ 'test/suite.spec.js': SPEC });
    fixtures.push(plainFixture);
    plain = await plainFixture.run(['--reporter', 'tap', 'test'], { register: false, reportPath: 'no-report.json' });
    const runs = CASES.map((faultCase, index) => async () => {
      const fixture = new Fixture({
        'test/suite.spec.js': SPEC,
        [`probes/probe-${index}.js`]: faultCase.probe,
        '.leakguardrc.json': JSON.stringify({
          report: { json: 'leakguard-report.json' },
          sampleTimeoutMs: 200,
          // The heap probe's repeats rerun tests: not what these runs are about.
          probes: { heap: { enabled: false } },
          plugins: [`./probes/probe-${index}.js`],
        }),
      });
      fixtures.push(fixture);
      guarded.set(faultCase.name, await fixture.run(['--reporter', 'tap', 'test'], { timeoutMs: 120_000 }));
    });
    await inParallel(runs, 2);
  });

  after(() => fixtures.forEach((fixture) => fixture.remove()));

  it('the run without leakguard: 5 passing, 1 failing, exit code 1', () => {
    assert.equal(plain.code, 1, describeRun(plain));
    assert.match(plain.stdout, /^# pass 5$/m);
    assert.match(plain.stdout, /^# fail 1$/m);
  });

  for (const faultCase of CASES) {
    describe(faultCase.name, () => {
      const run = () => guarded.get(faultCase.name)!;

      it("Mocha's output (TAP, byte for byte) and exit code are those of the run without leakguard", () => {
        assert.equal(run().signal, null, describeRun(run()));
        assert.equal(run().code, plain.code, describeRun(run()));
        assert.equal(run().stdout, plain.stdout);
      });

      if (faultCase.says) {
        it('names the probe once on stderr and switches it off', () => {
          const name = /name: '([^']+)'|name: "([^"]+)"/.exec(faultCase.probe)!.slice(1).find(Boolean)!;
          const said = switchOffLines(run().stderr, name);
          assert.equal(said.length, 1, describeRun(run()));
          assert.match(said[0]!, faultCase.says!);
          assert.deepEqual(run().report?.faults.map((fault) => fault.probe), [name]);
        });
      } else {
        it('is not a fault: no probe is switched off', () => {
          assert.doesNotMatch(run().stderr, /switched off/, describeRun(run()));
          assert.deepEqual(run().report?.faults, []);
        });
      }

      it("keeps the built-in probes measuring: the fixture's interval is reported", () => {
        assert.ok(run().report, `no JSON report (${run().reportError ?? 'no file'})\n${describeRun(run())}`);
        assert.ok(leakPairs(run().report).includes(INTERVAL_LEAK), describeRun(run()));
        assert.equal(run().report!.tests, 6);
      });

      it('prints the summary, with no internal error', () => {
        assert.match(run().stderr, /^leakguard: \d+ leaks? from \d+ causes? in \d+ of 6 tests/m, describeRun(run()));
        assert.doesNotMatch(run().stderr, /internal error/);
      });

      if (faultCase.check) it("holds the case's own checks", () => faultCase.check!(run()));
    });
  }
});

describe('mode fail with a faulty plugin probe: the run still fails on the leak the built-in probes find', function () {
  this.timeout(120_000);
  let fixture: Fixture;
  let guarded: RunResult;
  let plain: RunResult;

  before(async () => {
    fixture = new Fixture({
      'test/suite.spec.js': SPEC,
      'probes/faulty.js': thingsProbe('describe-nothing', { instance: 'describe: () => undefined,' }),
      '.leakguardrc.json': JSON.stringify({
        mode: 'fail',
        failAt: 'end',
        report: { json: 'leakguard-report.json' },
        probes: { heap: { enabled: false } },
        plugins: ['./probes/faulty.js'],
      }),
    });
    plain = await fixture.run(['--reporter', 'tap', 'test'], { register: false, reportPath: 'no-report.json' });
    guarded = await fixture.run(['--reporter', 'tap', 'test']);
  });

  after(() => fixture.remove());

  it("fails the run once more than Mocha alone (leakguard's own failure at the end), with the leak in the report", () => {
    assert.equal(plain.code, 1, describeRun(plain));
    assert.equal(guarded.code, 2, describeRun(guarded));
    assert.match(guarded.stdout, /^not ok \d+ "after all" hook: leakguard/m);
    assert.ok(leakPairs(guarded.report).includes(INTERVAL_LEAK), describeRun(guarded));
    assert.equal(switchOffLines(guarded.stderr, 'describe-nothing').length, 1, describeRun(guarded));
  });
});

describe('a plugin probe stuck in a synchronous loop', function () {
  this.timeout(120_000);

  let fixture: Fixture;
  let child: ChildProcess | undefined;
  after(() => {
    // A run hung in a loop never ends by itself: whatever the test found, it is killed.
    child?.kill('SIGKILL');
    fixture?.remove();
  });

  it('is named on stderr by the watchdog while the run hangs in it', async () => {
    fixture = new Fixture({
      'test/suite.spec.js': SPEC,
      'probes/spins.js': `
let calls = 0;
module.exports = {
  name: 'spins',
  unit: 'count',
  defaultThreshold: 0,
  create: () => ({
    sample: () => {
      if (++calls === 4) for (;;) {}
      return 0;
    },
  }),
};
`,
      '.leakguardrc.json': JSON.stringify({ sampleTimeoutMs: 200, plugins: ['./probes/spins.js'] }),
    });
    child = spawn(process.execPath, [MOCHA_BIN, '--require', REGISTER, '--reporter', 'tap', 'test'], {
      cwd: fixture.dir,
      env: { ...process.env, TMPDIR: fixture.tmp, NO_COLOR: '1', LEAKGUARD_CONFIG: path.join(fixture.dir, '.leakguardrc.json') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    // Waits for the line, however long the machine takes; the test's own timeout is the only bound.
    const named = await new Promise<string>((resolve, reject) => {
      child!.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
        stderr += chunk;
        const line = lines(stderr).find((text) => text.includes('probe "spins" has been in'));
        if (line) resolve(line);
      });
      child!.on('close', (code) => reject(new Error(`mocha ended (exit ${code}) without naming the probe:\n${stderr}`)));
    });
    assert.match(named, /^leakguard: probe "spins" has been in sample\(\) for over \d+ ms without returning\. A synchronous loop in a probe cannot be stopped/);
  });
});
