/**
 * The projects in examples/, run the way a user runs them: each copied to a temp dir,
 * the packed leakguard installed into it with its other dependencies (mocha, tsx, ...),
 * then `npm test`, which runs `mocha` with the example's own .mocharc and leakguard config.
 * Checked: the exit code, Mocha's output, the summary and the JSON report, which must list
 * exactly the leaky tests and none of their clean twins.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { leakPairs, type JsonReport, type ReportLeak } from '../helpers/fixture';
import { EXAMPLES, PackedLeakguard, REPO, installedVersion, runNpm, testEnv } from '../helpers/packed';

interface ExampleRun {
  /** The copy the example ran in. */
  dir: string;
  /** Its TMPDIR, after the run. */
  tmp: string;
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  report: JsonReport | undefined;
}

interface Manifest {
  name?: string;
  private?: boolean;
  type?: string;
  scripts?: Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

const ROOT_MANIFEST = readManifest(REPO);
/** Files that a local `npm install` / `npm test` in an example leaves, not part of it. */
const LOCAL_ARTIFACTS = new Set(['node_modules', 'package-lock.json', 'leakguard-report.json']);

function readManifest(dir: string): Manifest {
  return JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as Manifest;
}

function exampleNames(): string[] {
  return fs
    .readdirSync(EXAMPLES, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && fs.existsSync(path.join(EXAMPLES, entry.name, 'package.json')))
    .map((entry) => entry.name)
    .sort();
}

/**
 * The example's dependencies other than leakguard, pinned to the versions the repo has
 * installed where it has them (so that the npm cache has them too).
 */
function otherDependencies(manifest: Manifest): string[] {
  const names = Object.keys({ ...manifest.dependencies, ...manifest.devDependencies }).filter((name) => name !== 'leakguard');
  return names.map((name) => {
    if (fs.existsSync(path.join(REPO, 'node_modules', name, 'package.json'))) return `${name}@${installedVersion(name)}`;
    return `${name}@${manifest.devDependencies?.[name] ?? manifest.dependencies?.[name]}`;
  });
}

/** Copy examples/<name> to a temp dir, install the packed leakguard into it, run `npm test`. */
function runExample(packed: PackedLeakguard, name: string): ExampleRun {
  const source = path.join(EXAMPLES, name);
  const dir = path.join(packed.tempDir(`${name}-`), name);
  fs.cpSync(source, dir, {
    recursive: true,
    filter: (file) => path.dirname(file) !== source || !LOCAL_ARTIFACTS.has(path.basename(file)),
  });
  packed.installInto(dir, otherDependencies(readManifest(dir)));
  const tmp = packed.tempDir(`${name}-tmp-`);
  const run = runNpm(dir, ['test'], { env: testEnv(tmp), timeoutMs: 120_000 });
  if (run.error) throw run.error;
  const reportFile = path.join(dir, 'leakguard-report.json');
  const report = fs.existsSync(reportFile) ? (JSON.parse(fs.readFileSync(reportFile, 'utf8')) as JsonReport) : undefined;
  return { dir, tmp, status: run.status, signal: run.signal, stdout: run.stdout, stderr: run.stderr, report };
}

/** Run an installed example's `npm test` again, with more arguments for mocha (`npm test -- ...`). */
function rerunExample(first: ExampleRun, args: readonly string[]): ExampleRun {
  const reportFile = path.join(first.dir, 'leakguard-report.json');
  fs.rmSync(reportFile, { force: true });
  const run = runNpm(first.dir, ['test', '--', ...args], { env: testEnv(first.tmp), timeoutMs: 120_000 });
  if (run.error) throw run.error;
  const report = fs.existsSync(reportFile) ? (JSON.parse(fs.readFileSync(reportFile, 'utf8')) as JsonReport) : undefined;
  return { ...first, status: run.status, signal: run.signal, stdout: run.stdout, stderr: run.stderr, report };
}

function findLeak(run: ExampleRun, probe: string, test: string): ReportLeak {
  const leak = run.report?.leaks.find((candidate) => candidate.probe === probe && candidate.test === test);
  assert.ok(leak, `no ${probe} leak for "${test}" in ${JSON.stringify(leakPairs(run.report))}`);
  return leak;
}

function assertNotFlagged(run: ExampleRun, tests: readonly string[]): void {
  const flagged = new Set(run.report?.leaks.map((leak) => leak.test));
  for (const test of tests) assert.ok(!flagged.has(test), `clean test flagged: ${test}`);
}

/** Where the run went wrong, for assertion messages. */
function transcript(run: ExampleRun): string {
  return `exit ${run.status}${run.signal ? ` (${run.signal})` : ''}\n--- stdout\n${run.stdout}\n--- stderr\n${run.stderr}`;
}

/** The line (1-based) of the first line of `file` that contains `text`. */
function lineOf(file: string, text: string): number {
  const index = fs.readFileSync(file, 'utf8').split('\n').findIndex((line) => line.includes(text));
  assert.ok(index >= 0, `"${text}" not in ${file}`);
  return index + 1;
}

describe('examples', function () {
  this.timeout(300_000);

  describe('every example', () => {
    for (const name of exampleNames()) {
      it(`${name} is a private project with a test script and a README, on the repo's leakguard and mocha`, () => {
        const dir = path.join(EXAMPLES, name);
        const manifest = readManifest(dir);
        assert.equal(manifest.private, true);
        assert.match(manifest.scripts?.test ?? '', /\bmocha\b/);
        const dependencies = { ...manifest.dependencies, ...manifest.devDependencies };
        assert.equal(dependencies['leakguard'], 'file:../..');
        assert.equal(dependencies['mocha'], ROOT_MANIFEST.devDependencies?.['mocha']);
        assert.ok(fs.statSync(path.join(dir, 'README.md')).size > 0, 'README.md');
      });
    }
  });

  describe('run as a user runs them', () => {
    let packed: PackedLeakguard | undefined;

    before(() => {
      packed = PackedLeakguard.pack();
    });

    after(() => packed?.remove());

    describe('commonjs-basic: one leak per built-in probe, each next to a clean twin (warn mode)', () => {
      let run: ExampleRun;
      const LEAKS = [
        'fds: orders.csv reader reads the header but never closes the file',
        'handles: health server answers /health but never closes the server',
        'handles: heartbeat beats but is never stopped',
        'heap: price cache remembers 50,000 quotes and never clears them',
        'tmpdir: invoice workspace writes an invoice but leaves the workspace behind',
      ];
      const CLEAN = [
        'health server answers /health and closes the server',
        'heartbeat beats and is stopped',
        'orders.csv reader reads the header and closes the file',
        'invoice workspace writes an invoice and removes the workspace',
        'price cache remembers 50,000 quotes and clears them',
      ];

      before(() => {
        run = runExample(packed!, 'commonjs-basic');
      });

      it('passes every test and keeps the exit code at 0', () => {
        assert.equal(run.status, 0, transcript(run));
        assert.match(run.stdout, /10 passing/);
        assert.doesNotMatch(run.stdout, /failing/);
      });

      it('reports exactly the leaky tests, each on its probe', () => {
        assert.ok(run.report, transcript(run));
        assert.deepEqual(leakPairs(run.report), LEAKS);
        assert.equal(run.report.mode, 'warn');
        assert.equal(run.report.tests, 10);
        assert.deepEqual(run.report.faults, []);
      });

      it('does not flag the clean twins', () => {
        assertNotFlagged(run, CLEAN);
      });

      it('says what leaked', () => {
        const server = 'health server answers /health but never closes the server';
        // One resource, one leak: the server's descriptor is a facet of its handle.
        const listening = findLeak(run, 'handles', server).items[0]!;
        assert.match(listening.label, /^server listening on 127\.0\.0\.1:\d+ \(fd \d+\)$/);
        assert.match((listening.facets as { probe: string; label: string }[]).map((facet) => `${facet.probe}: ${facet.label}`).join('\n'), /^fds: fd \d+ -> TCP listening 127\.0\.0\.1:\d+$/);
        const file = findLeak(run, 'fds', 'orders.csv reader reads the header but never closes the file');
        assert.equal(file.items[0]!.path, 'test/fixtures/orders.csv');
        const [timer] = findLeak(run, 'handles', 'heartbeat beats but is never stopped').items;
        assert.equal(timer!.type, 'Timeout');
        const interval = lineOf(path.join(run.dir, 'lib', 'heartbeat.js'), 'setInterval(');
        assert.match(timer!.stack?.[0] ?? '', new RegExp(`^lib/heartbeat\\.js:${interval}:\\d+$`));
        const dir = findLeak(run, 'tmpdir', 'invoice workspace writes an invoice but leaves the workspace behind');
        assert.match(dir.items[0]!.label, /invoice-workspace-\w+\/ with 1 file$/);
        const heap = findLeak(run, 'heap', 'price cache remembers 50,000 quotes and never clears them');
        assert.ok(heap.delta > 3 * 1024 * 1024, `heap delta ${heap.delta}`);
        // Snapshots are on in this example: what grew, and the array in lib/cache.js that keeps it.
        assert.equal(heap.growthByType?.[0]?.type, 'string', JSON.stringify(heap.growthByType));
        assert.deepEqual(heap.retainerPath?.slice(0, 2), ['(module scope) lib/cache.js', 'quotes (Array)']);
      });

      it('prints the summary on stderr, after Mocha output', () => {
        assert.match(run.stderr, /leakguard: 5 tests left resources behind/);
        assert.match(run.stderr, /leakguard: 5 leaks from 5 causes in 5 of 10 tests \(.*\) — mode warn: exit code unchanged/);
        assert.doesNotMatch(run.stdout, /leakguard:/);
      });

      it('releases what the leaky tests forgot once their suites are done', () => {
        // The suites' after() hooks: Mocha could exit, and the temp dir is empty again.
        assert.deepEqual(fs.readdirSync(run.tmp), []);
      });
    });

    describe('esm-typescript: TypeScript ES modules through tsx, mode "fail"', () => {
      let run: ExampleRun;

      before(() => {
        run = runExample(packed!, 'esm-typescript');
      });

      it('runs the TypeScript tests as ES modules (top-level await) and fails the leaking test', () => {
        assert.equal(run.status, 1, transcript(run));
        assert.equal(run.signal, null, transcript(run));
        // The leaking test is reported once, as failed (see src/mocha/deferred-pass.ts).
        assert.match(run.stdout, /2 passing/);
        assert.match(run.stdout, /1 failing/);
        assert.doesNotMatch(run.stdout, /✔ emits the first quote but is never stopped/);
        assert.match(run.stdout, /1\) price feed\n\s+emits the first quote but is never stopped:\n\s+LeakError: leakguard: this test leaked \(handles\)/);
        assert.match(run.stdout, /setInterval\(\) every 5 ms, created at test\/price-feed\.spec\.ts:\d+:\d+, via src\/price-feed\.ts:\d+:\d+/);
        assert.doesNotMatch(run.stdout, /"after all" hook: leakguard/);
      });

      it('reports exactly the one leaky test', () => {
        assert.ok(run.report, transcript(run));
        assert.deepEqual(leakPairs(run.report), ['handles: price feed emits the first quote but is never stopped']);
        assert.equal(run.report.mode, 'fail');
        assert.equal(run.report.tests, 3);
        assert.equal(run.report.leaks[0]!.file, 'test/price-feed.spec.ts');
        // Where the interval was started, as a line of the TypeScript source (tsx's source maps).
        const interval = lineOf(path.join(run.dir, 'src', 'price-feed.ts'), 'setInterval(');
        assert.match(run.report.leaks[0]!.items[0]!.stack?.[0] ?? '', new RegExp(`^src/price-feed\\.ts:${interval}:\\d+$`));
        assert.deepEqual(run.report.faults, []);
        assertNotFlagged(run, ['price feed formats a quote', 'price feed emits the first quote and is stopped']);
      });

      it('says in the summary that the run fails', () => {
        assert.match(run.stderr, /leakguard: 1 leak from 1 cause in 1 of 3 tests \(handles: 1\) — mode fail: the run fails/);
      });
    });

    describe('custom-probe: probes written with defineProbe, loaded through `plugins`', () => {
      let run: ExampleRun;
      const POOL_LEAK = 'orders rejects an unknown order';
      const PAGE_LEAK = 'checkout pages shows the cart but never closes the page';

      before(() => {
        run = runExample(packed!, 'custom-probe');
      });

      it('passes every test and keeps the exit code at 0', () => {
        assert.equal(run.status, 0, transcript(run));
        assert.match(run.stdout, /7 passing/);
      });

      it('reports exactly the connection not released and the page not closed', () => {
        assert.ok(run.report, transcript(run));
        assert.deepEqual(leakPairs(run.report), [`browser-pages: ${PAGE_LEAK}`, `connection-pool: ${POOL_LEAK}`]);
        assert.equal(run.report.tests, 7);
        assert.deepEqual(run.report.faults, []);
      });

      it('does not flag the clean twins, the page that closes itself (settle) or the ignored owner', () => {
        assertNotFlagged(run, [
          'orders finds an existing order',
          'orders runs a query on a connection it releases',
          'orders keeps a connection for the metrics reporter',
          'checkout pages shows the cart and closes the page',
          'checkout pages shows the receipt and lets the browser close the page',
        ]);
      });

      it('runs the custom probes with the thresholds from config, next to the built-in ones', () => {
        const probes = run.report!.probes;
        assert.deepEqual(probes.find((probe) => probe.name === 'connection-pool'), { name: 'connection-pool', unit: 'count', threshold: 0 });
        assert.deepEqual(probes.find((probe) => probe.name === 'browser-pages'), { name: 'browser-pages', unit: 'count', threshold: 0 });
        assert.ok(probes.some((probe) => probe.name === 'handles'));
      });

      it('labels the leaked connection with its id and who acquired it, and says where', () => {
        const leak = findLeak(run, 'connection-pool', POOL_LEAK);
        assert.equal(leak.delta, 1);
        assert.equal(leak.items.length, 1);
        const [item] = leak.items;
        assert.match(item!.label, /^connection orders#\d+ acquired by orders\.findOrder$/);
        assert.equal(item!.owner, 'orders.findOrder');
        const line = lineOf(path.join(run.dir, 'lib', 'orders.js'), "pool.acquire('orders.findOrder')");
        assert.match(item!.stack?.[0] ?? '', new RegExp(`^findOrder \\(lib/orders\\.js:${line}:\\d+\\)$`));
        assert.match(leak.hint ?? '', /^Connection orders#\d+ was acquired by orders\.findOrder and never released/);
      });

      it('labels the page left open with its url, and gives the hint', () => {
        const leak = findLeak(run, 'browser-pages', PAGE_LEAK);
        assert.equal(leak.items.length, 1);
        assert.match(leak.items[0]!.label, /^page \d+: https:\/\/shop\.test\/cart$/);
        assert.match(leak.items[0]!.stack?.[0] ?? '', /\(test\/checkout\.spec\.js:\d+:\d+\)$/);
        assert.equal(leak.hint, 'A page opened in this test is still open. Close it (await page.close()) in the test or in afterEach.');
      });

      it('prints the items, where they were created and the hints in the summary', () => {
        assert.match(run.stderr, /connection orders#\d+ acquired by orders\.findOrder\n\s+created at test\/orders\.spec\.js:\d+:\d+ \(Context\.<anonymous>\), via lib\/orders\.js:\d+:\d+ \(findOrder\)/);
        assert.match(run.stderr, /page \d+: https:\/\/shop\.test\/cart, created at test\/checkout\.spec\.js:\d+:\d+/);
        assert.match(run.stderr, /hint: A page opened in this test is still open/);
        assert.match(run.stderr, /leakguard: 2 leaks from 2 causes in 2 of 7 tests/);
      });
    });

    describe('parallel: `mocha --parallel` with two workers, one summary and one report', () => {
      let run: ExampleRun;
      let serial: ExampleRun;
      const LEAKS = [
        'handles: quotes server answers /quote but never closes the server',
        'handles: ticker ticks but is never stopped',
      ];

      before(() => {
        run = runExample(packed!, 'parallel');
        // The same installed project, once more in one process: `npm test -- --no-parallel`.
        serial = rerunExample(run, ['--no-parallel']);
      });

      it('runs in parallel mode, passes every test and keeps the exit code at 0', () => {
        assert.equal(JSON.parse(fs.readFileSync(path.join(run.dir, '.mocharc.json'), 'utf8')).parallel, true);
        assert.equal(run.status, 0, transcript(run));
        assert.match(run.stdout, /7 passing/);
        assert.doesNotMatch(run.stdout, /failing/);
      });

      it('merges the findings of every worker into one JSON report: exactly the leaky tests', () => {
        assert.ok(run.report, transcript(run));
        assert.deepEqual(leakPairs(run.report), LEAKS);
        assert.equal(run.report.tests, 7);
        assert.deepEqual(run.report.faults, []);
        assertNotFlagged(run, ['ticker ticks and is stopped', 'quotes server answers /quote and closes the server']);
        assert.deepEqual(new Set(run.report.leaks.map((leak) => leak.file)), new Set(['test/ticker.spec.js', 'test/quotes-server.spec.js']));
      });

      it('prints one summary, on stderr, with the leaks of both files', () => {
        const totals = run.stderr.split('\n').filter((line) => /^leakguard: (?:no leaks|\d+ leaks? from \d+ causes?) in /.test(line));
        assert.deepEqual(totals.map((line) => line.replace(/ \(.*\) — /, ' — ')), ['leakguard: 2 leaks from 2 causes in 2 of 7 tests — mode warn: exit code unchanged'], run.stderr);
        assert.match(run.stderr, /^leakguard: 2 tests left resources behind$/m);
        assert.match(run.stderr, /^ticker ticks but is never stopped \(test\/ticker\.spec\.js\)$/m);
        assert.match(run.stderr, /^quotes server answers \/quote but never closes the server \(test\/quotes-server\.spec\.js\)$/m);
        assert.doesNotMatch(run.stdout, /leakguard:/);
      });

      it('says where the leaked timer and server were created, as in a serial run', () => {
        const [timer] = findLeak(run, 'handles', 'ticker ticks but is never stopped').items;
        const interval = lineOf(path.join(run.dir, 'lib', 'ticker.js'), 'setInterval(');
        assert.match(timer!.stack?.[0] ?? '', new RegExp(`^lib/ticker\\.js:${interval}:\\d+$`));
        const server = findLeak(run, 'handles', 'quotes server answers /quote but never closes the server');
        // With its descriptor, which the fds probe saw too (in the same worker): one resource, one item.
        assert.match(server.items[0]!.label, /^server listening on 127\.0\.0\.1:\d+ \(fd \d+\)$/);
      });

      it('finds the same leaks as the same suite run serially (--no-parallel)', () => {
        assert.equal(serial.status, 0, transcript(serial));
        assert.ok(serial.report, transcript(serial));
        assert.deepEqual(leakPairs(serial.report), leakPairs(run.report));
        assert.equal(serial.report.tests, run.report!.tests);
        const items = (report: JsonReport | undefined) =>
          (report?.leaks ?? []).map((leak) => `${leak.probe}: ${leak.test}: ${leak.delta} ${leak.items.map((item) => item.stack?.[0]).join(', ')}`).sort();
        assert.deepEqual(items(serial.report), items(run.report));
      });

      it('leaves the temp dir empty: no run directory of the workers is left behind', () => {
        assert.deepEqual(fs.readdirSync(run.tmp), []);
      });
    });
  });
});
