/**
 * A suite split across three "machines" as a CI matrix would: `leakguard shard i/3` picks
 * each shard's files, real Mocha runs each shard and writes its JSON report, `leakguard
 * merge` makes one run of them, judged by the baseline once, and `leakguard baseline`
 * writes the baseline from them. The merged findings must be a serial run's.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describeCli, leakguardCli, type CliResult } from '../helpers/cli';
import { Fixture, leakPairs, lines, type JsonReport, type RunResult } from '../helpers/fixture';

/** A test file whose `leaking` tests leave an interval running until the file's last hook. */
function intervalSpec(suite: string, tests: Record<string, 'leaking' | 'clean'>): string {
  const body = Object.entries(tests)
    .map(([title, kind]) => `  it(${JSON.stringify(title)}, () => {${kind === 'leaking' ? ' const t = setInterval(() => {}, 1000); leftovers.push(() => clearInterval(t));' : ''} });`)
    .join('\n');
  return `const leftovers = [];\nafter(() => leftovers.forEach((release) => release()));\ndescribe(${JSON.stringify(suite)}, () => {\n${body}\n});\n`;
}

const SERVER_SPEC = `
const net = require('node:net');
const servers = [];
after(() => servers.forEach((server) => server.close()));
describe('payments', () => {
  it('starts a server and forgets it', (done) => {
    const server = net.createServer();
    servers.push(server);
    server.listen(0, '127.0.0.1', done);
  });
  it('refunds', () => {});
});
`;

const SUITE: Record<string, string> = {
  'test/orders.spec.js': intervalSpec('orders', { 'lists orders': 'clean', 'polls for new orders': 'leaking' }),
  'test/payments.spec.js': SERVER_SPEC,
  'test/users.spec.js': intervalSpec('users', { 'signs up': 'clean', 'logs in': 'clean' }),
  'test/cache.spec.js': intervalSpec('cache', { 'warms up': 'leaking', 'evicts': 'clean' }),
  'test/search.spec.js': intervalSpec('search', { 'finds': 'clean' }),
  'test/reports.spec.js': intervalSpec('reports', { 'schedules a report': 'leaking', 'exports': 'clean' }),
};
const SPEC_FILES = Object.keys(SUITE).sort();

const CONFIG = {
  mode: 'fail',
  baseline: 'leakguard-baseline.json',
  report: { json: 'leakguard-report.json' },
  // Memory is not what these tests are about: the other probes' findings are exact.
  probes: { heap: { enabled: false } },
};

interface BaselineFile {
  leaks: { file?: string; kind: string; test: string; probe: string }[];
}

describe('leakguard shard, merge and baseline: a suite split across three machines', function () {
  this.timeout(300_000);
  let fixture: Fixture;
  let serial: RunResult;
  const shardFiles: string[][] = [];
  let merge: CliResult;
  const cli = (...args: string[]) => leakguardCli(fixture.dir, args);
  const readJson = <T>(name: string): T => JSON.parse(fs.readFileSync(path.join(fixture.dir, name), 'utf8')) as T;
  const baselineEntries = () => readJson<BaselineFile>('leakguard-baseline.json').leaks.map(({ kind, test, probe, file }) => `${kind} ${file}: ${test} (${probe})`);

  before(async () => {
    fixture = new Fixture({ '.leakguardrc.json': JSON.stringify(CONFIG), ...SUITE });
    serial = await fixture.run(['test']);
    for (let index = 1; index <= 3; index++) {
      const shard = cli('shard', `${index}/3`, 'test/**/*.spec.js');
      assert.equal(shard.code, 0, describeCli(shard));
      const files = lines(shard.stdout);
      shardFiles.push(files);
      // As `mocha $(npx leakguard shard i/3 ...)` on machine i; each uploads its report.
      const run = await fixture.run(files);
      assert.ok(run.report, `shard ${index}: ${run.stderr}`);
      fs.mkdirSync(path.join(fixture.dir, 'reports'), { recursive: true });
      fs.renameSync(path.join(fixture.dir, 'leakguard-report.json'), path.join(fixture.dir, 'reports', `shard-${index}.json`));
    }
    merge = cli('merge', 'reports/shard-1.json', 'reports/shard-2.json', 'reports/shard-3.json', '--json', 'merged.json');
  });

  after(() => fixture.remove());

  it('splits the files into shards that hold each file exactly once, the same split every time', () => {
    assert.deepEqual(shardFiles.flat().sort(), SPEC_FILES);
    for (const files of shardFiles) assert.ok(files.length > 0, `an empty shard: ${JSON.stringify(shardFiles)}`);
    assert.deepEqual(lines(cli('shard', '2/3', 'test/**/*.spec.js').stdout), shardFiles[1]);
  });

  it('splits by the timings of an earlier report, still each file once', () => {
    const byTimings = [1, 2, 3].map((index) => cli('shard', `${index}/3`, 'test/**/*.spec.js', '--timings', 'merged.json'));
    for (const result of byTimings) assert.equal(result.code, 0, describeCli(result));
    assert.deepEqual(byTimings.flatMap((result) => lines(result.stdout)).sort(), SPEC_FILES);
  });

  it('merges the shards into the findings of a serial run of the same suite', () => {
    assert.ok(serial.report, serial.stderr);
    const merged = readJson<JsonReport>('merged.json');
    assert.deepEqual(leakPairs(merged), leakPairs(serial.report));
    // The server's descriptor is a facet of its handle: one resource, one leak.
    assert.deepEqual(leakPairs(merged), [
      'handles: cache warms up',
      'handles: orders polls for new orders',
      'handles: payments starts a server and forgets it',
      'handles: reports schedules a report',
    ]);
    assert.equal(merged.tests, serial.report.tests);
    assert.equal(merged.hooks, serial.report.hooks);
    // Paths relative to the project, as in every JSON report; each file ran once.
    assert.deepEqual(merged.files?.map((run) => run.file).sort(), SPEC_FILES);
    assert.deepEqual(merged.leaks.map((leak) => leak.file).sort(), serial.report.leaks.map((leak) => leak.file).sort());
  });

  it('prints one summary that says what the serial run said, and exits 1 in mode fail on a new leak', () => {
    assert.equal(merge.code, 1, describeCli(merge));
    const totals = (text: string) => lines(text).filter((line) => /^leakguard: \d+ leaks? from \d+ causes? in /.test(line));
    assert.deepEqual(totals(merge.stderr), totals(serial.stderr));
    assert.deepEqual(totals(merge.stderr), ['leakguard: 4 leaks from 4 causes in 4 of 11 tests (handles: 4) — mode fail: the run fails']);
    assert.match(merge.stderr, /^payments starts a server and forgets it \(test\/payments\.spec\.js\)$/m);
    assert.equal(merge.stdout, '');
  });

  it('baseline writes every leak of the reports; merge then exits 0, the leaks known', () => {
    const written = cli('baseline', 'reports/*.json');
    assert.equal(written.code, 0, describeCli(written));
    assert.match(written.stderr, /^leakguard: wrote 4 known leaks to the baseline leakguard-baseline\.json$/m);
    const known = cli('merge', 'reports/shard-1.json', 'reports/shard-2.json', 'reports/shard-3.json', '--json', 'merged.json');
    assert.equal(known.code, 0, describeCli(known));
    assert.match(known.stderr, /^leakguard: no new leaks in 11 tests/m);
    assert.match(known.stderr, /^leakguard: 4 known leaks \(listed in the baseline\), not failing:$/m);
    const merged = readJson<JsonReport>('merged.json');
    assert.equal(merged.leaks.length, 0);
    assert.equal(merged.known.length, 4);
  });

  it('baseline from one shard keeps the entries of the tests that shard did not run', () => {
    const before = baselineEntries();
    const fromOne = cli('baseline', 'reports/shard-1.json');
    assert.equal(fromOne.code, 0, describeCli(fromOne));
    assert.deepEqual(baselineEntries(), before);
    const ranElsewhere = readJson<BaselineFile>('leakguard-baseline.json').leaks.filter((entry) => !shardFiles[0]!.includes(entry.file!)).length;
    assert.ok(ranElsewhere > 0, 'shard 1 holds every leaking file: the fixture no longer tests this');
    assert.match(fromOne.stderr, new RegExp(`^leakguard: wrote 4 known leaks to the baseline leakguard-baseline\\.json; kept ${ranElsewhere} earlier entr(y|ies) whose tests did not run$`, 'm'));
  });

  it('LEAKGUARD_UPDATE_BASELINE=1 on a --grep run keeps the entries of tests it did not run, drops those of tests that ran clean', async () => {
    const baseline = readJson<BaselineFile>('leakguard-baseline.json');
    // A test that no longer leaks: its entry must go when it runs.
    baseline.leaks.push({ file: 'test/orders.spec.js', kind: 'test', test: 'orders lists orders', probe: 'handles' });
    fs.writeFileSync(path.join(fixture.dir, 'leakguard-baseline.json'), JSON.stringify({ version: 1, ...baseline }));
    const run = await fixture.run(['--grep', 'orders', 'test'], { env: { LEAKGUARD_UPDATE_BASELINE: '1' } });
    assert.match(run.stdout, /2 passing/, run.stderr);
    assert.match(run.stderr, /^leakguard: wrote 4 known leaks to the baseline leakguard-baseline\.json; kept 3 earlier entries whose tests did not run; dropped 1 whose tests ran without leaking$/m);
    assert.ok(!baselineEntries().some((entry) => entry.includes('orders lists orders')));
    assert.ok(baselineEntries().some((entry) => entry.includes('payments starts a server and forgets it (handles)')));
  });
});

describe("the JSON report's files: what ran, for timings and partial runs", function () {
  this.timeout(300_000);
  let fixture: Fixture;
  let serial: RunResult;
  let grepped: RunResult;
  let parallel: RunResult;

  before(async () => {
    fixture = new Fixture({ '.leakguardrc.json': JSON.stringify({ ...CONFIG, mode: 'warn' }), ...SUITE });
    serial = await fixture.run(['test']);
    grepped = await fixture.run(['--grep', 'polls', 'test']);
    parallel = await fixture.run(['--parallel', '--jobs', '2', 'test']);
  });

  after(() => fixture.remove());

  it('lists every file a run ran, with its tests and a duration', () => {
    const files = serial.report?.files;
    assert.ok(files, serial.stderr);
    assert.deepEqual(files.map(({ file, tests }) => `${file}: ${tests}`).sort(), [
      'test/cache.spec.js: 2',
      'test/orders.spec.js: 2',
      'test/payments.spec.js: 2',
      'test/reports.spec.js: 2',
      'test/search.spec.js: 1',
      'test/users.spec.js: 2',
    ]);
    for (const run of files) {
      assert.ok(Number.isFinite(run.durationMs) && run.durationMs >= 0, JSON.stringify(run));
      assert.equal(run.notRun, undefined);
    }
  });

  it('under --grep, lists only the files that ran, with the titles of their tests that did not', () => {
    assert.deepEqual(grepped.report?.files?.map(({ file, tests, notRun }) => ({ file, tests, notRun })), [
      { file: 'test/orders.spec.js', tests: 1, notRun: ['orders lists orders'] },
    ]);
  });

  it('mocha --parallel merges its workers\' files into the same list', () => {
    const summary = (report: JsonReport | undefined) => report?.files?.map(({ file, tests }) => `${file}: ${tests}`).sort();
    assert.ok(parallel.report, parallel.stderr);
    assert.deepEqual(summary(parallel.report), summary(serial.report));
    assert.deepEqual(leakPairs(parallel.report), leakPairs(serial.report));
  });
});

describe('leakguard command line: bad usage is one line, and a non-zero exit', function () {
  this.timeout(120_000);
  let fixture: Fixture;

  before(() => {
    fixture = new Fixture({
      'test/a.spec.js': "it('a', () => {});\n",
      'reports/not-json.json': '{"version": 1,',
      'reports/not-a-report.json': JSON.stringify({ version: 1, tool: { name: 'other' } }),
    });
  });

  after(() => fixture.remove());

  const oneError = (args: string[], message: RegExp) => {
    const result = leakguardCli(fixture.dir, args);
    assert.equal(result.code, 2, describeCli(result));
    assert.equal(result.stdout, '');
    assert.equal(lines(result.stderr).length, 1, describeCli(result));
    assert.match(result.stderr.trimEnd(), message);
  };

  it('refuses a shard beyond the total, and one of an empty suite', () => {
    oneError(['shard', '4/3', 'test/**/*.spec.js'], /^leakguard: shard: "4\/3" is not a shard: expected <index>\/<total> with 1 <= index <= total, e.g\. 2\/3$/);
    oneError(['shard', '1/2', 'spec/**/*.js'], /^leakguard: shard: no files matched spec\/\*\*\/\*\.js$/);
    oneError(['shard', '1/2', 'test/**/*.spec.js'], /^leakguard: shard: 1 file matched, too few for 2 shards: use at most 1$/);
  });

  it('names the report it cannot read or use', () => {
    oneError(['merge', 'reports/missing.json'], /^leakguard: cannot read the report reports\/missing\.json: ENOENT/);
    oneError(['merge', 'reports/not-json.json'], /^leakguard: the report reports\/not-json\.json is not JSON: /);
    oneError(['baseline', 'reports/not-a-report.json'], /^leakguard: reports\/not-a-report\.json is not a leakguard JSON report: "tool\.name" is not "leakguard"$/);
    oneError(['merge', 'shards/*.json'], /^leakguard: merge: no report files matched shards\/\*\.json$/);
    oneError(['shard', '1/1', 'test/*.js', '--timings', 'reports/not-json.json'], /^leakguard: the report reports\/not-json\.json is not JSON: /);
  });

  it('refuses unknown commands and options', () => {
    oneError(['split', '1/2'], /^leakguard: unknown command "split" \(commands: shard, merge, baseline; see leakguard --help\)$/);
    oneError(['merge', '--jsno', 'x.json'], /^leakguard: merge: unknown option --jsno \(see leakguard merge --help\)$/);
  });

  it('says how to use each command with --help, on stdout', () => {
    for (const command of ['shard', 'merge', 'baseline']) {
      const help = leakguardCli(fixture.dir, [command, '--help']);
      assert.equal(help.code, 0);
      assert.match(help.stdout, new RegExp(`^Usage: leakguard ${command} `));
    }
    const overall = leakguardCli(fixture.dir, ['--help']);
    assert.equal(overall.code, 0);
    assert.match(overall.stdout, /^ {2}shard <index>\/<total> <glob>\.\.\. /m);
  });
});
