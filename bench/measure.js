'use strict';
/**
 * One benchmarked Mocha run: the repo's Mocha in a child process, cwd = the suite dir, its
 * own TMPDIR, output to a log file (a pipe back to this process would add its own cost).
 * Wall time is hrtime around the child; peak RSS and CPU time come from the usage.js preload.
 */
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const REPO = path.resolve(__dirname, '..');
const MOCHA = path.join(REPO, 'node_modules', 'mocha', 'bin', 'mocha.js');

/**
 * A copy of dist/ under `root`, used by every run: a rebuild while the bench runs (`npm
 * test` builds too) once changed leakguard in the middle of a run here, which then took
 * 300 s. `from`: a checkout holding another build to compare (its dist/ and package.json).
 * Returns the copy's plugin file and the names of the probes it runs by default.
 */
function snapshotBuild(root, from = REPO, name = 'leakguard') {
  const copy = path.join(root, name);
  fs.cpSync(path.join(from, 'dist'), path.join(copy, 'dist'), { recursive: true });
  // Beside dist/ as in the repo: leakguard reads its version there and finds its dependencies.
  fs.copyFileSync(path.join(from, 'package.json'), path.join(copy, 'package.json'));
  fs.symlinkSync(path.join(REPO, 'node_modules'), path.join(copy, 'node_modules'), 'dir');
  const { builtinProbes } = require(path.join(copy, 'dist'));
  return {
    register: path.join(copy, 'dist', 'mocha', 'register.js'),
    probes: builtinProbes.filter((probe) => probe.enabledByDefault !== false).map((probe) => probe.name),
  };
}

/**
 * How each design runs Mocha; any other design is leakguard with the suite's
 * `<design>.leakguardrc.json`. `--no-config` keeps a stray .mocharc above the temp dir out.
 */
function designArgs(design, build) {
  const register = ['--require', build.register];
  if (design === 'plain') return { node: [], mocha: [] };
  if (design === 'leakguard') return { node: [], mocha: register };
  if (design === 'naive') return { node: ['--expose-gc'], mocha: ['--require', path.join(__dirname, 'naive-hooks.js')] };
  return { node: [], mocha: register, env: { LEAKGUARD_CONFIG: `${design}.leakguardrc.json` } };
}

/** Past this a run is killed and counted as failed: the bench must end. */
const RUN_TIMEOUT_MS = 15 * 60 * 1000;

/**
 * Run `suite` once with `design`, leakguard being `build` (see snapshotBuild). Resolves to the wall time and CPU time (ms), peak RSS
 * (bytes), exit status, the run's directory, and the leakguard report and soak samples
 * when the run wrote them.
 */
function runOnce(build, suite, design, index) {
  const { node, mocha, env } = designArgs(design, build);
  const runDir = path.join(suite.dir, 'runs', `${design}-${index}`);
  return runMeasured({
    cwd: suite.dir,
    runDir,
    args: [...node, MOCHA, '--no-config', '--reporter', 'dot', ...mocha],
    env: { ...env, BENCH_SOAK_OUT: path.join(runDir, 'soak.jsonl') },
    report: path.join(suite.dir, 'leakguard-report.json'),
  }).then((run) => ({ design, ...run, soak: readIfThere(path.join(runDir, 'soak.jsonl'))?.trim().split('\n').map((line) => JSON.parse(line)) }));
}

/**
 * Run `node <args>` in `cwd` with its own TMPDIR under `runDir`, output to `runDir`/output.log
 * (a pipe back to this process would add its own cost). Resolves to the wall time and CPU
 * time (ms), peak RSS (bytes), exit status, the output, and the leakguard report found at
 * `report` (moved into `runDir`).
 */
function runMeasured({ cwd, runDir, args, env, report }) {
  const tmp = path.join(runDir, 'tmp');
  fs.mkdirSync(tmp, { recursive: true });
  const files = { log: path.join(runDir, 'output.log'), usage: path.join(runDir, 'usage.json') };
  fs.rmSync(report, { force: true });
  const log = fs.openSync(files.log, 'w');
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, ['--require', path.join(__dirname, 'usage.js'), ...args], {
      cwd,
      stdio: ['ignore', log, log],
      env: { ...process.env, ...env, TMPDIR: tmp, NO_COLOR: '1', BENCH_USAGE_FILE: files.usage },
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), RUN_TIMEOUT_MS);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
      clearTimeout(timer);
      fs.closeSync(log);
      resolve({
        runDir,
        wallMs,
        ok: code === 0,
        exit: signal ?? code,
        ...(JSON.parse(readIfThere(files.usage) ?? 'null') ?? { peakRss: NaN, cpuMs: NaN }),
        output: readIfThere(files.log) ?? '',
        report: moveReport(report, runDir),
      });
    });
  });
}

function readIfThere(file) {
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined;
}

/** The report is written into the suite dir; keep each run's copy beside its log. */
function moveReport(report, runDir) {
  const text = readIfThere(report);
  if (text === undefined) return undefined;
  fs.renameSync(report, path.join(runDir, 'leakguard-report.json'));
  return JSON.parse(text);
}

function median(values) {
  const sorted = values.filter((value) => Number.isFinite(value)).sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

module.exports = { snapshotBuild, runOnce, runMeasured, median };
