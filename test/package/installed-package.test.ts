/**
 * The way users get leakguard: `npm pack`, the tarball installed with mocha into an empty
 * project, `mocha --require leakguard/register` resolved from mocha's own install folder.
 * CommonJS, ESM and TypeScript (through tsx) test files, and `.mocharc` files. And the
 * package a fresh `git clone` packs: built by its prepack, with the `leakguard` command.
 */
import { strict as assert } from 'node:assert';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PackedLeakguard, pinned, testEnv } from '../helpers/packed';

const LEAKY_CJS = `
const fs = require('node:fs');
const net = require('node:net');
let server;
after(() => server && server.close());
describe('cjs', () => {
  it('leaves a server listening', (done) => { server = net.createServer().listen(0, '127.0.0.1', done); });
  it('is clean', () => {});
});
`;

const LEAKY_ESM = `
import { setInterval as every } from 'node:timers';
let timer;
after(() => clearInterval(timer));
describe('esm', () => {
  it('leaves an interval', () => { timer = every(() => {}, 1000); });
  it('is clean too', () => {});
});
`;

const LEAKY_TS = `
const open: NodeJS.Timeout[] = [];
after(() => open.forEach((t) => clearInterval(t)));
describe('ts', () => {
  it('leaves a typed interval', () => { open.push(setInterval(() => {}, 1000)); });
  it('stays clean', () => { const n: number = 1; if (n !== 1) throw new Error('no'); });
});
`;

describe('the packed package, installed into an empty project', function () {
  this.timeout(300_000);
  let packed: PackedLeakguard | undefined;
  let project: string;

  before(() => {
    packed = PackedLeakguard.pack();
    project = path.join(packed.work, 'project');
    fs.mkdirSync(project);
    fs.writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'user-project', private: true }));
    packed.installInto(project, [pinned('mocha'), pinned('tsx')]);
  });

  after(() => packed?.remove());

  function mocha(args: string[], files: Record<string, string>) {
    for (const [name, content] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(project, name)), { recursive: true });
      fs.writeFileSync(path.join(project, name), content);
    }
    const run = spawnSync(process.execPath, [path.join(project, 'node_modules', 'mocha', 'bin', 'mocha.js'), ...args], {
      cwd: project,
      encoding: 'utf8',
      env: testEnv(packed!.tempDir('tmp-')),
    });
    const reportFile = path.join(project, 'leakguard-report.json');
    const report = fs.existsSync(reportFile) ? JSON.parse(fs.readFileSync(reportFile, 'utf8')) : undefined;
    fs.rmSync(reportFile, { force: true });
    return { ...run, report: report as { leaks: { test: string; probe: string }[]; tests: number } | undefined };
  }

  it('ships only the built files, with types', () => {
    const manifest = path.join(project, 'node_modules', 'leakguard');
    assert.ok(fs.existsSync(path.join(manifest, 'dist', 'mocha', 'register.js')));
    assert.ok(fs.existsSync(path.join(manifest, 'dist', 'index.d.ts')));
    assert.ok(!fs.existsSync(path.join(manifest, 'src')), 'sources are not shipped');
    assert.ok(!fs.existsSync(path.join(manifest, 'test')), 'tests are not shipped');
    // The `leakguard` command, linked where npx finds it.
    assert.ok(fs.existsSync(path.join(manifest, 'bin', 'leakguard.js')));
    assert.ok(fs.existsSync(path.join(project, 'node_modules', '.bin', 'leakguard')));
    // The code is one file (see scripts/build.js); the entry points only take their exports from it.
    const scripts = fs.readdirSync(path.join(manifest, 'dist'), { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.js'));
    assert.deepEqual(scripts.map((file) => file.split(path.sep).join('/')).sort(), [
      'cli/main.js',
      'index.js',
      'lib/leakguard.js',
      'mocha/register.js',
    ]);
  });

  it('sets nothing up until the plugin is loaded, and shares one copy of its code with the API', () => {
    const script = [
      "const timer = setTimeout;",
      "const api = require('leakguard');",
      "if (setTimeout !== timer) throw new Error('loading the API wrapped setTimeout');",
      "require('leakguard/register');",
      "if (setTimeout === timer) throw new Error('the plugin did not wrap setTimeout');",
      // One copy of the code: both entry points take their exports from the one file.
      "const own = Object.keys(require.cache).filter((file) => file.includes('node_modules/leakguard/'));",
      "console.log(typeof api.defineProbe, own.map((file) => file.split('node_modules/leakguard/')[1]).sort().join(' '));",
    ].join('\n');
    fs.writeFileSync(path.join(project, 'entries.cjs'), script);
    const output = execFileSync(process.execPath, ['entries.cjs'], { cwd: project, encoding: 'utf8' }).trim();
    assert.equal(output, 'function dist/index.js dist/lib/leakguard.js dist/mocha/register.js');
  });

  it('guards a CommonJS suite from the command line', () => {
    const run = mocha(['--require', 'leakguard/register', 'test/cjs.spec.js'], {
      '.leakguardrc.json': JSON.stringify({ report: { json: 'leakguard-report.json' } }),
      'test/cjs.spec.js': LEAKY_CJS,
    });
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /2 passing/);
    assert.deepEqual(
      run.report?.leaks.map((leak) => `${leak.probe}: ${leak.test}`).sort(),
      // The server's descriptor is a facet of its handle: one resource, one leak.
      ['handles: cjs leaves a server listening'],
    );
  });

  it('guards an ESM suite configured through .mocharc.yaml', () => {
    const run = mocha([], {
      '.mocharc.yaml': 'require:\n  - leakguard/register\nspec: test/esm.spec.mjs\n',
      '.leakguardrc.json': JSON.stringify({ report: { json: 'leakguard-report.json' }, probes: { heap: { enabled: false } } }),
      'test/esm.spec.mjs': LEAKY_ESM,
    });
    fs.rmSync(path.join(project, '.mocharc.yaml'));
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(run.report?.leaks.map((leak) => `${leak.probe}: ${leak.test}`), ['handles: esm leaves an interval']);
  });

  it('guards TypeScript test files run through tsx, configured through .mocharc.json', () => {
    const run = mocha([], {
      '.mocharc.json': JSON.stringify({ require: ['tsx/cjs', 'leakguard/register'], spec: ['test/typed.spec.ts'] }),
      '.leakguardrc.json': JSON.stringify({ report: { json: 'leakguard-report.json' } }),
      'test/typed.spec.ts': LEAKY_TS,
    });
    fs.rmSync(path.join(project, '.mocharc.json'));
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(run.report?.leaks.map((leak) => `${leak.probe}: ${leak.test}`), ['handles: ts leaves a typed interval']);
  });

  it('loads an ES module plugin that awaits at its top level, and leaves no code cache behind', () => {
    const cache = path.join(project, 'node_modules', '.cache');
    const files = {
      '.leakguardrc.json': JSON.stringify({ report: { json: 'leakguard-report.json' }, plugins: ['./probes/awaited.mjs'] }),
      'probes/awaited.mjs': [
        "import { defineProbe } from 'leakguard';",
        'const unit = await Promise.resolve(\'count\');',
        "export default defineProbe({ name: 'awaited', unit, defaultThreshold: 0, create: () => ({ sample: () => 0 }) });",
      ].join('\n'),
      'test/plain.spec.js': "it('runs', () => {});\n",
    };
    const result = mocha(['--require', 'leakguard/register', 'test/plain.spec.js'], files);
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stderr, /leakguard: no leaks in 1 test \(.*\bawaited\)/);
    // Compiled code read back from a file would run as leakguard: none is kept.
    assert.ok(!fs.existsSync(path.join(cache, 'leakguard')), 'no code cache');
    fs.rmSync(path.join(project, 'probes'), { recursive: true });
    fs.rmSync(path.join(project, '.leakguardrc.json'));
  });

  it('exports the API and its types to TypeScript and ESM consumers', () => {
    fs.writeFileSync(
      path.join(project, 'probe.mjs'),
      `import { defineProbe } from 'leakguard';\nconst p = defineProbe({ name: 'x', unit: 'count', defaultThreshold: 0, create: () => ({ sample: () => 1 }) });\nconsole.log(p.name);\n`,
    );
    assert.equal(execFileSync(process.execPath, ['probe.mjs'], { cwd: project, encoding: 'utf8' }).trim(), 'x');
    fs.writeFileSync(path.join(project, 'probe.cjs'), `const { defineProbe } = require('leakguard');\nconsole.log(typeof defineProbe);\n`);
    assert.equal(execFileSync(process.execPath, ['probe.cjs'], { cwd: project, encoding: 'utf8' }).trim(), 'function');
  });
});

describe('a fresh git clone of the repo, packed and installed into an empty project', function () {
  this.timeout(600_000);
  let packed: PackedLeakguard | undefined;
  let project: string;

  before(() => {
    packed = PackedLeakguard.packFreshClone();
    project = path.join(packed.work, 'project');
    fs.mkdirSync(project);
    fs.writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'user-project', private: true }));
    packed.installInto(project, [pinned('mocha')]);
    fs.mkdirSync(path.join(project, 'test'));
    fs.writeFileSync(path.join(project, 'test', 'cjs.spec.js'), LEAKY_CJS);
    fs.writeFileSync(path.join(project, 'test', 'clean.spec.js'), "describe('clean', () => { it('adds', () => {}); });\n");
    fs.writeFileSync(path.join(project, '.leakguardrc.json'), JSON.stringify({ report: { json: 'reports/all.json' } }));
  });

  after(() => packed?.remove());

  const run = (command: string, args: string[]) =>
    spawnSync(process.execPath, [command, ...args], { cwd: project, encoding: 'utf8', env: testEnv(packed!.tempDir('tmp-')) });

  it('guards a leaking suite run through mocha --require leakguard/register, and says so in the summary', () => {
    const mocha = run(path.join(project, 'node_modules', 'mocha', 'bin', 'mocha.js'), ['--require', 'leakguard/register', 'test']);
    assert.equal(mocha.status, 0, mocha.stderr);
    assert.match(mocha.stdout, /3 passing/);
    assert.match(mocha.stderr, /^cjs leaves a server listening \(test\/cjs\.spec\.js\)$/m);
    assert.match(mocha.stderr, /^leakguard: 1 leak from 1 cause in 1 of 3 tests \(handles: 1\) — mode warn: exit code unchanged$/m);
  });

  it('ships the leakguard command: shard and merge work from node_modules/.bin', () => {
    const bin = path.join(project, 'node_modules', '.bin', 'leakguard');
    const first = spawnSync(bin, ['shard', '1/2', 'test/*.spec.js'], { cwd: project, encoding: 'utf8' });
    const second = spawnSync(bin, ['shard', '2/2', 'test/*.spec.js'], { cwd: project, encoding: 'utf8' });
    assert.equal(first.status, 0, first.stderr);
    assert.deepEqual([...first.stdout.trim().split('\n'), ...second.stdout.trim().split('\n')].sort(), ['test/cjs.spec.js', 'test/clean.spec.js']);
    const merge = spawnSync(bin, ['merge', 'reports/all.json', '--json', 'merged.json'], { cwd: project, encoding: 'utf8', env: testEnv(packed!.tempDir('tmp-')) });
    assert.equal(merge.status, 0, merge.stderr);
    assert.match(merge.stderr, /^leakguard: 1 leak from 1 cause in 1 of 3 tests/m);
    assert.ok(fs.existsSync(path.join(project, 'merged.json')));
  });
});
