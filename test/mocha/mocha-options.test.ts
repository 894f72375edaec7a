/**
 * Mocha's command-line options with leakguard, through real Mocha subprocesses: every
 * built-in reporter, `--grep` / `--fgrep` / `--invert` and `--exit`. With each, Mocha's
 * stdout and exit code are what they are without leakguard (durations and timestamps
 * aside), the summary is on stderr, and the JSON report holds the tests that ran.
 * (reporters.test.ts covers spec, dot and json in more detail, and mode "fail".)
 */
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { Fixture, inParallel, leakPairs, lines, type RunOptions, type RunResult } from '../helpers/fixture';
import { REPORTING_SPEC } from '../helpers/reporting-spec';

/** Two passing tests; one leaves an interval running for good: Mocha exits only with --exit. */
const NEVER_EXITS_SPEC = `
describe('never exits', () => {
  it('starts a poller and forgets it', () => {
    setInterval(() => {}, 1000);
  });
  it('passes', () => {});
});
`;

/**
 * Mocha's built-in reporters that run in Node (`html` needs a browser). `json`, `dot` and
 * `spec` are in reporters.test.ts too; here they are run the same way as the others.
 */
const REPORTERS = [
  'base',
  'doc',
  'dot',
  'github-actions',
  'json',
  'json-stream',
  'landing',
  'list',
  'markdown',
  'min',
  'nyan',
  'progress',
  'spec',
  'tap',
  'xunit',
] as const;

/** A config per run, each with its own report file, so that runs can share the fixture. */
function reportConfigs(names: readonly string[]): Record<string, string> {
  return Object.fromEntries(names.map((name) => [`reports/${name}.leakguardrc.json`, JSON.stringify({ report: { json: `${name}.json` } })]));
}

/**
 * Mocha's output without what differs from run to run: durations (`(12ms)`, which spec
 * prints only for tests that were slow this time, `: 12ms`, `"duration":12`,
 * `time="0.012"`), start and end times, and test speeds, which follow the durations.
 */
function normalise(stdout: string): string {
  return stdout
    .replace(/ \(\d+(?:\.\d+)?(?:ms|s|m|h)\)/g, '')
    .replace(/: \d+ms$/gm, ': <duration>')
    .replace(/"duration": ?\d+(?:\.\d+)?/g, '"duration":0')
    .replace(/"(start|end)": ?"[^"]*"/g, '"$1":"<time>"')
    .replace(/"speed": ?"\w+"/g, '"speed":"<speed>"')
    .replace(/ time="[\d.]+"/g, ' time="<duration>"')
    .replace(/ timestamp="[^"]*"/g, ' timestamp="<time>"');
}

function describeRun(result: RunResult): string {
  return `exit ${result.code}\n--- stdout:\n${result.stdout}\n--- stderr:\n${result.stderr}`;
}

/** leakguard's totals line, the summary's last. */
function totalsLine(stderr: string): string | undefined {
  return lines(stderr)
    .filter((line) => /^leakguard: (?:no leaks|\d+ leaks? from \d+ causes?) in /.test(line))
    .at(-1);
}

describe('Mocha options with leakguard: reporters, --grep, --exit', function () {
  this.timeout(180_000);
  let fixture: Fixture;
  const runs: Record<string, RunResult> = {};

  /** Runs that write a JSON report: each with its own config (LEAKGUARD_CONFIG) and report file. */
  const withReport = (name: string, args: string[], options: RunOptions = {}): [string, string[], RunOptions] => [
    name,
    args,
    {
      ...options,
      env: { ...options.env, LEAKGUARD_CONFIG: path.join(fixture.dir, 'reports', `${name}.leakguardrc.json`) },
      reportPath: `reports/${name}.json`,
    },
  ];

  before(async () => {
    const grepRuns = ['grep', 'fgrep', 'invert', 'grepNone', 'exit'];
    fixture = new Fixture({
      'test/reporting.spec.js': REPORTING_SPEC,
      'never-exits/never-exits.spec.js': NEVER_EXITS_SPEC,
      ...reportConfigs(grepRuns),
    });
    // github-actions also appends to $GITHUB_STEP_SUMMARY when set (as it is on GitHub's CI).
    const env = { GITHUB_STEP_SUMMARY: '' };
    const plan: [string, string[], RunOptions][] = [];
    for (const reporter of REPORTERS) {
      plan.push([`${reporter} with`, ['--reporter', reporter, 'test'], { env }]);
      plan.push([`${reporter} without`, ['--reporter', reporter, 'test'], { env, register: false }]);
    }
    plan.push(
      withReport('grep', ['--grep', 'interval', 'test']),
      ['grep without', ['--grep', 'interval', 'test'], { register: false }],
      withReport('fgrep', ['--fgrep', 'reporting nested', 'test']),
      ['fgrep without', ['--fgrep', 'reporting nested', 'test'], { register: false }],
      withReport('invert', ['--grep', 'interval', '--invert', 'test']),
      ['invert without', ['--grep', 'interval', '--invert', 'test'], { register: false }],
      withReport('grepNone', ['--grep', 'no test has this title', 'test']),
      withReport('exit', ['--exit', 'never-exits']),
      ['exit without', ['--exit', 'never-exits'], { register: false }],
    );
    await inParallel(
      plan.map(([name, args, options]) => async () => {
        runs[name] = await fixture.run(args, { timeoutMs: 60_000, ...options });
      }),
      3,
    );
  });

  after(() => fixture?.remove());

  describe('each built-in reporter', () => {
    for (const reporter of REPORTERS) {
      it(`--reporter ${reporter}: the same stdout and exit code as without leakguard, the summary on stderr`, () => {
        const withIt = runs[`${reporter} with`]!;
        const without = runs[`${reporter} without`]!;
        assert.equal(without.code, 2, describeRun(without));
        assert.equal(withIt.code, without.code, describeRun(withIt));
        if (reporter !== 'base') assert.notEqual(without.stdout, '', describeRun(without));
        assert.equal(normalise(withIt.stdout), normalise(without.stdout));
        assert.equal(without.stderr, '', describeRun(without));
        assert.match(withIt.stderr, /^reporting leaves an interval running \(test\/reporting\.spec\.js\)$/m, describeRun(withIt));
        assert.equal(totalsLine(withIt.stderr), 'leakguard: 1 leak from 1 cause in 1 of 6 tests (handles: 1) — mode warn: exit code unchanged', describeRun(withIt));
        assert.doesNotMatch(withIt.stdout, /leakguard:|left resources behind/);
      });
    }
  });

  describe('--grep, --fgrep, --invert', () => {
    it('--grep: only the selected test is measured and reported; Mocha\'s output and exit code are unchanged', () => {
      const result = runs.grep!;
      assert.equal(result.code, 0, describeRun(result));
      assert.equal(normalise(result.stdout), normalise(runs['grep without']!.stdout));
      assert.match(result.stdout, /1 passing/);
      assert.equal(result.report?.tests, 1, describeRun(result));
      assert.deepEqual(leakPairs(result.report), ['handles: reporting leaves an interval running']);
      assert.equal(totalsLine(result.stderr), 'leakguard: 1 leak from 1 cause in 1 of 1 test (handles: 1) — mode warn: exit code unchanged');
    });

    it('--fgrep: the tests whose titles hold the string (one of them pending: not measured)', () => {
      const result = runs.fgrep!;
      const without = runs['fgrep without']!;
      assert.equal(result.code, 1, describeRun(result));
      assert.equal(result.code, without.code);
      assert.equal(normalise(result.stdout), normalise(without.stdout));
      assert.match(result.stdout, /1 passing/);
      assert.match(result.stdout, /1 pending/);
      assert.equal(result.report?.tests, 2, describeRun(result));
      assert.deepEqual(leakPairs(result.report), []);
      assert.match(totalsLine(result.stderr) ?? '', /^leakguard: no leaks in 2 tests\b/, describeRun(result));
    });

    it('--grep --invert: every other test is measured, and the leaky one is not', () => {
      const result = runs.invert!;
      const without = runs['invert without']!;
      assert.equal(result.code, 2, describeRun(result));
      assert.equal(result.code, without.code);
      assert.equal(normalise(result.stdout), normalise(without.stdout));
      assert.match(result.stdout, /3 passing/);
      assert.equal(result.report?.tests, 5, describeRun(result));
      assert.deepEqual(leakPairs(result.report), []);
      assert.match(totalsLine(result.stderr) ?? '', /^leakguard: no leaks in 5 tests\b/, describeRun(result));
    });

    it('--grep that selects no test: Mocha runs nothing, and leakguard measures nothing', () => {
      const result = runs.grepNone!;
      assert.equal(result.code, 0, describeRun(result));
      assert.match(result.stdout, /0 passing/);
      assert.doesNotMatch(result.stderr, /left resources behind|\d+ leaks? in/, describeRun(result));
      // One line that says so, and a fresh report (not one an earlier run left).
      assert.match(result.stderr, /^leakguard: no leaks in 0 tests\b/m, describeRun(result));
      assert.equal(result.report?.tests, 0, describeRun(result));
    });
  });

  describe('--exit', () => {
    it('a leaked interval that would keep Mocha alive: Mocha exits, and the summary and report still come out', () => {
      const result = runs.exit!;
      const without = runs['exit without']!;
      assert.equal(result.signal, null, describeRun(result));
      assert.equal(result.code, 0, describeRun(result));
      assert.equal(without.code, 0, describeRun(without));
      assert.equal(normalise(result.stdout), normalise(without.stdout));
      assert.match(result.stdout, /2 passing/);
      assert.deepEqual(leakPairs(result.report), ['handles: never exits starts a poller and forgets it']);
      assert.equal(result.report?.tests, 2);
      assert.match(result.stderr, /^never exits starts a poller and forgets it \(never-exits\/never-exits\.spec\.js\)$/m, describeRun(result));
      assert.match(result.stderr, /setInterval\(\) every 1000 ms, created at never-exits\/never-exits\.spec\.js:\d+:\d+/);
      assert.equal(totalsLine(result.stderr), 'leakguard: 1 leak from 1 cause in 1 of 2 tests (handles: 1) — mode warn: exit code unchanged');
    });
  });
});

describe('--timeout: leakguard\'s own waits never count against the test\'s time limit', function () {
  this.timeout(120_000);

  // The tests' own bodies are synchronous and take microseconds (a connect started, one
  // allocation), so that a loaded machine cannot make them outlast the limit themselves;
  // leakguard's waits after them (the settle, 150 ms until the server closes the socket;
  // the memory repeats) are far longer than the limit.
  it('with --timeout 60, a test whose socket closes late and a test that leaks memory (repeated) both pass', async () => {
    const fixture = new Fixture({
      'test/slow-to-judge.spec.js': `
const net = require('node:net');
const kept = require('./kept');
let server;
before((done) => { server = net.createServer((socket) => setTimeout(() => socket.destroy(), 150)); server.listen(0, '127.0.0.1', done); });
after((done) => server.close(done));
describe('judged slowly', () => {
  it('leaves a socket the server closes 150 ms later', () => {
    net.connect(server.address().port, '127.0.0.1').on('error', () => {});
  });
  it('keeps 3 MB', () => { kept.push(new Array(400000).fill(1)); });
  it('passes', () => {});
});
`,
      'test/kept.js': 'module.exports = [];\n',
      '.leakguardrc.json': JSON.stringify({ report: { json: 'leakguard-report.json' } }),
    });
    try {
      const result = await fixture.run(['--timeout', '60', 'test']);
      assert.equal(result.code, 0, `${result.stdout}\n${result.stderr}`);
      assert.match(result.stdout, /3 passing/);
      assert.doesNotMatch(result.stdout, /Timeout of 60ms/);
      assert.deepEqual(leakPairs(result.report), ['heap: judged slowly keeps 3 MB']);
    } finally {
      fixture.remove();
    }
  });
});
