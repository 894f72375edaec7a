'use strict';
/**
 * `npm run bench:real -- [suite ...]`: leakguard on the open-source suites of
 * docs/real-world.md, each run plain and with leakguard in turn, with the suite's own Mocha
 * and its own test command. Prints a markdown table (wall, CPU, peak RSS, findings per
 * round) and says where a run's results or exit code differ from the plain run beside it.
 *
 * The suites are checked out beside the project, never in it: REAL_SUITES_DIR (default
 * ../real-suites), one dir per suite at the commit below. A missing one is cloned from
 * REAL_SUITES_SOURCE (default `https://github.com/{repo}.git`; `{repo}` is owner/name,
 * `{owner}` and `{name}` its parts) and installed with `npm install --ignore-scripts`.
 *
 * REAL_ROUNDS (default 3): rounds; each runs every suite plain, then with each build.
 * REAL_BUILDS: builds to compare, `name=checkout` comma-separated, each checkout holding a
 *   dist/ and package.json (default: `leakguard=` this repo, as `npm run build` left it).
 * REAL_OUT: a JSON file for every run's numbers.
 *
 * Each suite gets a `.leakguardrc.json` that writes the JSON report (the findings are its
 * leaks); everything else is leakguard's default config.
 */
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { snapshotBuild, runMeasured, median } = require('./measure');

const REPO = path.resolve(__dirname, '..');

/**
 * repo, commit, the suite's own Mocha arguments (its `npm test` without nyc, c8 or lint),
 * Node's own options among them, and the npm script that builds what its tests import,
 * run once after the install.
 */
const SUITES = {
  express: {
    repo: 'expressjs/express',
    commit: 'a3714473feb3d2908add734d340e7755fd85e0a3',
    args: ['--require', 'test/support/env', '--reporter', 'spec', '--check-leaks', 'test/', 'test/acceptance/'],
  },
  // --throw-deprecation is Node's: given to Mocha, it runs the tests in a child process.
  ws: { repo: 'websockets/ws', commit: 'a2f4e7c046c2112bbce6fef39a083dac77d6f0d2', node: ['--throw-deprecation'], args: ['test/*.test.js'] },
  supertest: {
    repo: 'ladjs/supertest',
    commit: 'fd571c82cdce1a7ba93f9a576277dbe535fd381f',
    args: ['--exit', '--require', 'should', '--reporter', 'spec', '--check-leaks'],
  },
  'body-parser': {
    repo: 'expressjs/body-parser',
    commit: 'b1f3d588c5dca4b3a4ca7d5d3765c9129118926a',
    args: ['--reporter', 'spec', '--check-leaks', 'test/'],
  },
  chai: { repo: 'chaijs/chai', commit: '099f48a326f0d77a0e4e9a34d7050b4217dd62d1', args: ['--require', './test/bootstrap/index.js', 'test/*.js'], build: 'build' },
  'serve-static': {
    repo: 'expressjs/serve-static',
    commit: '74be78a8ffad679edfe135c457ce141114d96fcc',
    args: ['--reporter', 'spec', '--bail', '--check-leaks', 'test/'],
  },
  sinon: {
    repo: 'sinonjs/sinon',
    commit: 'cf5d9e8de1a5307ed7b329b6306ee86982453db7',
    args: ['--recursive', '-R', 'dot', 'test/{src,issues,scripts}/**/*-test.js'],
    build: 'build',
  },
  multer: { repo: 'expressjs/multer', commit: '0adb21d0294fe7315344feb6ddee00b0666d9e8a', args: ['--reporter', 'dot', '--exit', '--check-leaks', 'test/'] },
  // Six of its tests fail without leakguard too: three need the internet, three fail on Node 20.
  'node-fetch': { repo: 'node-fetch/node-fetch', commit: '8b3320d2a7c07bce4afc6b2bf6c3bbddda85b01f', args: [] },
};

const ROUNDS = Number(process.env.REAL_ROUNDS ?? 3);
const SUITES_DIR = path.resolve(process.env.REAL_SUITES_DIR ?? path.join(REPO, '..', 'real-suites'));
const SOURCE = process.env.REAL_SUITES_SOURCE ?? 'https://github.com/{repo}.git';
const CONFIG = JSON.stringify({ report: { json: 'leakguard-report.json' } });

async function main() {
  if (!Number.isInteger(ROUNDS) || ROUNDS < 1) throw new Error(`REAL_ROUNDS must be a whole number of at least 1, not ${process.env.REAL_ROUNDS}`);
  const names = process.argv.slice(2).length > 0 ? process.argv.slice(2) : Object.keys(SUITES);
  const unknown = names.filter((name) => !SUITES[name]);
  if (unknown.length > 0) throw new Error(`unknown suite(s) ${unknown.join(', ')}; known: ${Object.keys(SUITES).join(', ')}`);
  for (const name of names) checkOut(name);

  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'leakguard-real-'));
  const builds = parseBuilds(process.env.REAL_BUILDS).map(({ name, from }) => ({ name, ...snapshotBuild(root, from, name) }));
  const designs = ['plain', ...builds.map((build) => build.name)];
  const runs = [];
  const load = [os.loadavg()[0]];
  for (let round = 0; round < ROUNDS; round++) {
    for (const name of names) {
      for (const design of designs) {
        const run = await runSuite(name, builds.find((build) => build.name === design), path.join(root, 'runs', `${name}-${design}-${round}`));
        if (design === 'plain' && run.results.startsWith('0 passing')) {
          throw new Error(`${name} ran no test without leakguard: its checkout is not ready (output in ${run.runDir}/output.log)`);
        }
        runs.push({ suite: name, design, round, ...run });
        process.stderr.write(`${name} ${design} #${round}: ${(run.wallMs / 1000).toFixed(2)} s, exit ${run.exit}, ${run.results}${run.report ? `, ${run.report.leaks.length} findings` : ''}\n`);
      }
    }
    load.push(os.loadavg()[0]);
  }
  if (process.env.REAL_OUT) fs.writeFileSync(process.env.REAL_OUT, JSON.stringify({ builds: designs, load, runs: runs.map(({ output, report, ...run }) => ({ ...run, findings: report?.leaks.length })) }, null, 2));
  const { text, differs } = table(names, designs, runs, load);
  process.stdout.write(text);
  // Runs that differ keep their output and report there for a look.
  if (!differs) fs.rmSync(root, { recursive: true, force: true });
}

/** `name=checkout,...`; by default this repo's own build. */
function parseBuilds(value) {
  if (!value) return [{ name: 'leakguard', from: REPO }];
  return value.split(',').map((entry) => {
    const [name, from] = entry.split('=');
    if (!name || !from || name === 'plain' || !fs.existsSync(path.join(from, 'dist'))) throw new Error(`REAL_BUILDS: "${entry}" is not name=<checkout with a dist/>`);
    return { name, from: path.resolve(from) };
  });
}

/** The suite at its commit, its dependencies installed, and the config that writes the report. */
function checkOut(name) {
  const { repo, commit, build } = SUITES[name];
  const dir = path.join(SUITES_DIR, name);
  if (!fs.existsSync(dir)) {
    const [owner, project] = repo.split('/');
    const source = SOURCE.replaceAll('{repo}', repo).replaceAll('{owner}', owner).replaceAll('{name}', project);
    fs.mkdirSync(SUITES_DIR, { recursive: true });
    execFileSync('git', ['clone', '--quiet', source, dir], { stdio: 'inherit' });
    execFileSync('git', ['-C', dir, 'checkout', '--quiet', commit], { stdio: 'inherit' });
    execFileSync('npm', ['install', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: dir, stdio: 'inherit' });
    if (build) execFileSync('npm', ['run', build], { cwd: dir, stdio: 'inherit' });
  }
  const head = execFileSync('git', ['-C', dir, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
  if (head !== commit) throw new Error(`${dir} is at ${head}, not ${commit}: check it out there, or remove it to clone it again`);
  fs.writeFileSync(path.join(dir, '.leakguardrc.json'), CONFIG);
}

/** One run of the suite's own Mocha, plain (no build) or with `build`. */
async function runSuite(name, build, runDir) {
  const dir = path.join(SUITES_DIR, name);
  // Mocha's `_mocha` runs the tests in its own process (`mocha` may start a child process
  // for them, whose time and memory would not be measured).
  const mochaDir = path.join(dir, 'node_modules', 'mocha');
  const mocha = path.join(mochaDir, JSON.parse(fs.readFileSync(path.join(mochaDir, 'package.json'), 'utf8')).bin._mocha);
  const run = await runMeasured({
    cwd: dir,
    runDir,
    args: [...(SUITES[name].node ?? []), mocha, ...(build ? ['--require', build.register] : []), ...SUITES[name].args],
    report: path.join(dir, 'leakguard-report.json'),
  });
  return { ...run, results: results(run.output) };
}

/** Mocha's counts, as its reporter printed them: what must not change with leakguard. */
function results(output) {
  const count = (word) => output.match(new RegExp(`^\\s*(\\d+) ${word}\\b`, 'm'))?.[1] ?? '0';
  return `${count('passing')} passing, ${count('failing')} failing, ${count('pending')} pending`;
}

function table(names, designs, runs, load) {
  const of = (suite, design) => runs.filter((run) => run.suite === suite && run.design === design);
  const seconds = (ms) => `${(ms / 1000).toFixed(2)} s`;
  const lines = [
    `Node ${process.version}, ${ROUNDS} round(s), load average ${Math.min(...load).toFixed(1)}-${Math.max(...load).toFixed(1)}; medians.`,
    '',
    '| suite | build | plain | with it | wall ratio | CPU ratio | peak RSS | findings per round |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  const differences = [];
  for (const suite of names) {
    const plain = of(suite, 'plain');
    for (const design of designs.slice(1)) {
      const guarded = of(suite, design);
      const ratio = (key) => `${(median(guarded.map((run) => run[key])) / median(plain.map((run) => run[key]))).toFixed(2)}x`;
      lines.push(
        `| ${suite} | ${design} | ${seconds(median(plain.map((run) => run.wallMs)))} | ${seconds(median(guarded.map((run) => run.wallMs)))} | ${ratio('wallMs')} | ${ratio('cpuMs')} | ${ratio('peakRss')} | ${guarded.map((run) => run.report?.leaks.length ?? 'no report').join(', ')} |`,
      );
      for (const run of guarded) {
        const twin = plain.find((other) => other.round === run.round);
        if (twin.exit !== run.exit || twin.results !== run.results) {
          differences.push(`- ${suite} ${design} round ${run.round}: exit ${run.exit}, ${run.results}; plain: exit ${twin.exit}, ${twin.results} (${run.runDir})`);
        }
      }
    }
  }
  lines.push('', differences.length === 0 ? 'Results and exit codes equal to plain Mocha in every pair.' : `Results or exit codes that differ from plain Mocha:\n${differences.join('\n')}`, '');
  return { text: lines.join('\n'), differs: differences.length > 0 };
}

main().catch((error) => {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exitCode = 1;
});
