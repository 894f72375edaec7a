'use strict';
/**
 * `npm run bench`: leakguard's cost against plain Mocha on synthetic suites, its accuracy
 * on a suite with known leaks, and its memory over a 20,000-test soak. Prints a markdown
 * report and writes it to bench/RESULTS.md. Exits 1 when a budget line fails.
 *
 * BENCH_RUNS (default 9): plain/leakguard pairs per suite (fewer for a suite that says so), run alternately A B A B. The
 *   suites take well under a second each, and one round's ratio moves by ~0.1x with the
 *   machine's load: with 5 rounds, three runs of one build (small-heap) gave 1.24x, 1.36x and
 *   1.47x.
 * BENCH_HEAVY_RUNS (default 1, 0 for none): runs of the slow naive design.
 * BENCH_ATTRIBUTE_RUNS (default 3, 0 for none): rounds that also run leakguard with all
 *   probes off and with one probe at a time, to attribute its cost.
 * BENCH_SUITES: comma list of suites (default: all).
 */
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { generateSuite, SUITES, SOAK_POINTS } = require('./suites');
const { snapshotBuild, runOnce, median } = require('./measure');

const RUNS = count('BENCH_RUNS', 9, 1);
const HEAVY_RUNS = count('BENCH_HEAVY_RUNS', 1, 0);
const ATTRIBUTE_RUNS = count('BENCH_ATTRIBUTE_RUNS', 3, 0);
const SUITE_NAMES = (process.env.BENCH_SUITES || Object.keys(SUITES).join(',')).split(',').map((name) => name.trim());

/** The suites with a wall-time budget, and the budget; the per-probe attribution runs on the first three. */
const WALL_SUITES = ['small-heap', 'large-heap', 'async-io'];
const WALL_BUDGETS = { 'small-heap': 1.3, 'large-heap': 1.3, 'async-io': 1.3, leaky: 2, 'keeps-5x20': 1.5, 'keeps-10x40': 1.5 };
/**
 * The naive design collects the whole heap twice per test, ~1 ms of CPU per MB each time,
 * so it runs only where that fits in the bench's ~12 minutes (see SKIPPED).
 */
const HEAVY_DESIGNS = { 'small-heap': ['naive'], 'async-io': ['naive'] };
const SKIPPED =
  'naive on large-heap (600 tests x 2 full GCs of ~250 MB: ~5 min per run), ' +
  'leaky and keeps (as small-heap, on a heap growing to 70-800 MB) and soak (20,000 tests x 2 full GCs of ~60 MB: ~40 min per run).';

const RSS_BUDGET = 1.2;
const RSS_SLACK = 50 * 1024 * 1024;
/** Soak: leakguard's extra heap growth over 19,000 tests; 1 MiB is ~55 bytes per test. */
const SOAK_HEAP_SLACK = 1024 * 1024;
/** RSS also moves with V8's heap sizing and the allocator's caches: a looser line. */
const SOAK_RSS_SLACK = 16 * 1024 * 1024;

/** The designs besides plain, in table order, with their labels. */
function designLabels(probes) {
  return {
    leakguard: 'leakguard (default config)',
    'hooks-only': 'leakguard, all probes off (hooks only)',
    ...Object.fromEntries(probes.map((name) => [`only-${name}`, `leakguard, only the ${name} probe`])),
    naive: 'naive: full GC + all counters before and after every test',
  };
}

async function main() {
  const unknown = SUITE_NAMES.filter((name) => !SUITES[name]);
  if (unknown.length > 0) throw new Error(`unknown suite(s) ${unknown.join(', ')}; known: ${Object.keys(SUITES).join(', ')}`);
  const started = process.hrtime.bigint();
  // Taken now: the build this run measures is the one `npm run bench` just made.
  const context = { loadBefore: os.loadavg()[0], revision: revision() };
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'leakguard-bench-'));
  const build = snapshotBuild(root);
  const labels = designLabels(build.probes);
  const results = [];
  for (const name of SUITE_NAMES) results.push(await benchSuite(build, generateSuite(root, name, build.probes), labels));
  Object.assign(context, { elapsedS: Number(process.hrtime.bigint() - started) / 1e9, loadAfter: os.loadavg()[0] });

  const { checks, sections } = judge(results);
  const markdown = render(results, labels, checks, sections, context);
  fs.writeFileSync(path.join(__dirname, 'RESULTS.md'), markdown);
  process.stdout.write(markdown);
  if (checks.every((check) => check.pass)) {
    fs.rmSync(root, { recursive: true, force: true });
  } else {
    // Keep the suites, logs and reports for a look.
    process.stderr.write(`\nSuites, logs and reports kept in ${root}\n`);
    process.exitCode = 1;
  }
}

/** Plain and leakguard alternately; the other designs in the same rounds, each next to its plain run. */
async function benchSuite(build, suite, labels) {
  const runs = Object.fromEntries(['plain', ...Object.keys(labels)].map((design) => [design, []]));
  for (let round = 0; round < Math.min(RUNS, suite.rounds ?? RUNS); round++) {
    const designs = ['plain', 'leakguard'];
    if (round < ATTRIBUTE_RUNS && WALL_SUITES.includes(suite.name)) {
      designs.push('hooks-only', ...build.probes.map((name) => `only-${name}`));
    }
    if (round < HEAVY_RUNS) designs.push(...(HEAVY_DESIGNS[suite.name] ?? []));
    for (const design of designs) {
      const run = await runOnce(build, suite, design, round);
      run.round = round;
      runs[design].push(run);
      process.stderr.write(
        `[${suite.name}] ${design} #${round + 1}: ${seconds(run.wallMs)}, cpu ${seconds(run.cpuMs)}, peak RSS ${mib(run.peakRss)}` +
          `${run.ok ? '' : `, FAILED (exit ${run.exit}, see ${run.runDir}/output.log)`}\n`,
      );
    }
  }
  return { suite, runs };
}

// ---------------------------------------------------------------------------------------
// Budget lines and checks

/** Every budget line as { pass, line }, and the detail sections of the leaky and soak suites. */
function judge(results) {
  const checks = [];
  const sections = [];
  for (const { suite, runs } of results) {
    const lg = summarize(runs.plain, runs.leakguard);
    const budget = WALL_BUDGETS[suite.name];
    if (budget !== undefined) {
      checks.push({ pass: lg.wallRatio <= budget, line: `${suite.name}: wall ratio ${lg.wallRatio.toFixed(2)} <= ${budget}` });
    }
    const allowed = Math.max(RSS_BUDGET * lg.plainRss, lg.plainRss + RSS_SLACK);
    checks.push({
      pass: lg.rss <= allowed,
      line: `${suite.name}: peak RSS ${mib(lg.rss)} <= ${mib(allowed)} (the larger of ${RSS_BUDGET}x plain and plain + ${mib(RSS_SLACK, 0)})`,
    });
    if (suite.expectedLeaks) sections.push(leakyCheck(suite, runs, checks));
    if (suite.name === 'soak') sections.push(soakCheck(runs, checks));
  }
  const failed = results.flatMap(({ runs }) => Object.values(runs).flat()).filter((run) => !run.ok);
  if (failed.length > 0) checks.push({ pass: false, line: `every run exited 0 (${failed.length} did not)` });
  return { checks, sections };
}

/** Medians over the plain runs, and over `runs` with ratios to the plain run of each one's round. */
function summarize(plain, runs) {
  const ratio = (pick) => median(runs.map((run) => pick(run) / pick(plain[run.round])));
  return {
    plainWall: median(plain.map((run) => run.wallMs)),
    wall: median(runs.map((run) => run.wallMs)),
    wallRatio: ratio((run) => run.wallMs),
    cpuRatio: ratio((run) => run.cpuMs),
    plainRss: median(plain.map((run) => run.peakRss)),
    rss: median(runs.map((run) => run.peakRss)),
    rssRatio: ratio((run) => run.peakRss),
  };
}

/** The leaky suite: every guarded run must report exactly the planted (test, probe) pairs. */
function leakyCheck(suite, runs, checks) {
  const lines = [`## ${suite.name}: planted leaks`, ''];
  const expected = new Set(suite.expectedLeaks);
  let exact = true;
  for (const run of runs.leakguard) {
    const found = new Set((run.report?.leaks ?? []).map((leak) => `${leak.probe}: ${leak.test}`));
    const missed = [...expected].filter((pair) => !found.has(pair));
    const extra = [...found].filter((pair) => !expected.has(pair));
    exact &&= run.report !== undefined && missed.length === 0 && extra.length === 0;
    const counts = `found ${expected.size - missed.length}/${expected.size}, missed ${missed.length}, false positives ${extra.length}`;
    lines.push(
      `- ${run.design} #${run.round + 1}: ${run.report ? counts : 'no report written'}`,
      ...missed.map((pair) => `  - missed ${pair}`),
      ...extra.map((pair) => `  - false positive ${pair}`),
    );
  }
  checks.push({ pass: exact, line: `${suite.name}: every run reports exactly the ${expected.size} planted leaks` });
  if (suite.oneSite) {
    // One cause, one block: every test under the one site, and the summary says it once.
    const oneBlock = runs.leakguard.every((run) => {
      const sites = (run.report?.memorySites ?? []).filter((site) => site.verdict === 'leak');
      return sites.length === 1 && sites[0].tests.length === expected.size;
    });
    checks.push({ pass: oneBlock, line: `${suite.name}: one summary block, one site, with all ${expected.size} tests under it` });
  }
  return lines;
}

/** The soak suite: growth from test 1,000 to 20,000, with and without leakguard. */
function soakCheck(runs, checks) {
  const [first, last] = SOAK_POINTS;
  const at = (run, position, key) => run.soak?.find((sample) => sample.position === position)?.[key] ?? NaN;
  const medianAt = (design, position, key) => median(runs[design].map((run) => at(run, position, key)));
  const growth = (design, key) => median(runs[design].map((run) => at(run, last, key) - at(run, first, key)));
  const lines = [
    `## soak: memory at test ${first} and test ${last}, medians`,
    '',
    'Heap is `heapUsed` after a full GC; RSS is read 100 ms and a second full GC later, once V8 has returned freed pages.',
    '',
    `| design | heap @${first} | heap @${last} | heap growth | RSS @${first} | RSS @${last} | RSS growth |`,
    '|---|---|---|---|---|---|---|',
  ];
  for (const design of ['plain', 'leakguard']) {
    const cells = ['heapUsed', 'rss'].flatMap((key) => [medianAt(design, first, key), medianAt(design, last, key), growth(design, key)]);
    lines.push(`| ${design} | ${cells.map((bytes) => mib(bytes, 2)).join(' | ')} |`);
  }
  const heapExtra = growth('leakguard', 'heapUsed') - growth('plain', 'heapUsed');
  const rssExtra = growth('leakguard', 'rss') - growth('plain', 'rss');
  lines.push(`| leakguard - plain | | | ${mib(heapExtra, 2)} | | | ${mib(rssExtra, 2)} |`);
  checks.push({
    pass: heapExtra <= SOAK_HEAP_SLACK && rssExtra <= SOAK_RSS_SLACK,
    line: `soak: flat, leakguard's own growth from test ${first} to ${last}: heap ${mib(heapExtra, 2)} <= ${mib(SOAK_HEAP_SLACK)}, RSS ${mib(rssExtra, 2)} <= ${mib(SOAK_RSS_SLACK)}`,
  });
  return lines;
}

// ---------------------------------------------------------------------------------------
// The report

function render(results, labels, checks, sections, { elapsedS, loadBefore, loadAfter, revision }) {
  const lines = [
    '# leakguard benchmark',
    '',
    `- Machine: ${cpuModel()}, ${os.cpus().length} cores, ${mib(os.totalmem(), 0)} RAM; load average ${loadBefore.toFixed(2)} at start, ${loadAfter.toFixed(2)} at end`,
    `- Node ${process.version}, Mocha ${require('mocha/package.json').version}, leakguard ${revision}, ${new Date().toISOString()}`,
    `- ${RUNS} plain/leakguard rounds per suite (A B A B); per-probe attribution in ${ATTRIBUTE_RUNS} of them; naive: ${HEAVY_RUNS} run(s); the whole bench took ${Math.round(elapsedS)} s`,
    '- Ratios: the median of the per-round ratios to the plain run of the same round. CPU: user + system time of the Mocha process, which suffers less than wall time from other load on the machine. Reporter: dot.',
    '',
    '| suite | design | runs | plain median wall | median wall | wall ratio | CPU ratio | plain peak RSS | peak RSS | RSS ratio |',
    '|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const { suite, runs } of results) {
    for (const [design, label] of Object.entries(labels)) {
      if (runs[design].length === 0) continue;
      const s = summarize(runs.plain, runs[design]);
      lines.push(
        `| ${suite.name} | ${label} | ${runs[design].length} | ${seconds(s.plainWall)} | ${seconds(s.wall)} | ${s.wallRatio.toFixed(2)}x | ${s.cpuRatio.toFixed(2)}x | ${mib(s.plainRss)} | ${mib(s.rss)} | ${s.rssRatio.toFixed(2)}x |`,
      );
    }
  }
  lines.push('', `Not run: ${SKIPPED}`, '', '## Budget', '');
  for (const check of checks) lines.push(`- ${check.pass ? 'PASS' : 'FAIL'} ${check.line}`);
  for (const section of sections) lines.push('', ...section);
  lines.push('', '## All runs, by round', '', '| suite | design | wall (s) | CPU (s) | peak RSS (MiB) |', '|---|---|---|---|---|');
  for (const { suite, runs } of results) {
    for (const [design, list] of Object.entries(runs)) {
      if (list.length === 0) continue;
      const column = (pick) => list.map((run) => (run.ok ? pick(run) : `failed (${run.exit})`)).join(', ');
      lines.push(
        `| ${suite.name} | ${design} | ${column((run) => (run.wallMs / 1000).toFixed(2))} | ${column((run) => (run.cpuMs / 1000).toFixed(2))} | ${column((run) => (run.peakRss / 2 ** 20).toFixed(0))} |`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

function cpuModel() {
  try {
    return /^model name\s*:\s*(.*)$/m.exec(fs.readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? os.cpus()[0]?.model;
  } catch {
    return os.cpus()[0]?.model ?? 'unknown CPU';
  }
}

/**
 * The commit measured, marked `+ uncommitted changes` when tracked files differ from it.
 * The results file is left out: a previous run rewrote it, and it is not what is measured.
 */
function revision() {
  // GIT_OPTIONAL_LOCKS=0: `git status` then leaves the index as it is.
  const git = (...args) => execFileSync('git', args, { cwd: __dirname, encoding: 'utf8', env: { ...process.env, GIT_OPTIONAL_LOCKS: '0' } }).trim();
  try {
    const changed = git('status', '--porcelain', '--untracked-files=no', '--', ':/', ':(exclude,top)bench/RESULTS.md');
    return `${git('rev-parse', '--short', 'HEAD')}${changed ? ' + uncommitted changes' : ''}`;
  } catch {
    return require('../package.json').version;
  }
}

function seconds(ms) {
  return `${(ms / 1000).toFixed(2)} s`;
}

function mib(bytes, digits = 1) {
  return `${(bytes / 2 ** 20).toFixed(digits)} MiB`;
}

function count(name, fallback, min) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) throw new Error(`${name} must be an integer >= ${min}, got "${raw}"`);
  return value;
}

main().catch((error) => {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exitCode = 1;
});
