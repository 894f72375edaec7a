import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { ConfigError, loadConfig } from '../../src/config';
import { builtinProbes } from '../../src/probes';
import { configError, isolateConfigEnv, PACKAGE_JSON, useTempProjects } from './fixtures';

const defaultProbeNames = builtinProbes.filter((probe) => probe.enabledByDefault !== false).map((probe) => probe.name);

describe('config: loadConfig', () => {
  const project = useTempProjects();
  isolateConfigEnv();

  describe('finds every supported kind of config file', () => {
    // Each sets mode and sampleTimeoutMs away from their defaults, so that a file that was
    // found but not read would fail the test.
    const kinds: Array<[file: string, content: string, extra?: Record<string, string>]> = [
      ['.leakguardrc', '{ "mode": "fail", "sampleTimeoutMs": 250 }'],
      ['.leakguardrc', 'mode: fail\nsampleTimeoutMs: 250\n'],
      ['.leakguardrc.json', '{ "mode": "fail", "sampleTimeoutMs": 250 }'],
      ['.leakguardrc.yaml', 'mode: fail\nsampleTimeoutMs: 250\n'],
      ['.leakguardrc.yml', '# comment\nmode: "fail"\nsampleTimeoutMs: 250\n'],
      ['.leakguardrc.js', 'module.exports = { mode: "fail", sampleTimeoutMs: 250 };\n'],
      ['.leakguardrc.cjs', 'module.exports = { mode: "fail", sampleTimeoutMs: 250 };\n'],
      ['.leakguardrc.mjs', 'export default { mode: "fail", sampleTimeoutMs: 250 };\n'],
      ['leakguard.config.js', 'module.exports = { mode: "fail", sampleTimeoutMs: 250 };\n'],
      ['leakguard.config.cjs', 'module.exports = { mode: "fail", sampleTimeoutMs: 250 };\n'],
      ['leakguard.config.mjs', 'export default { mode: "fail", sampleTimeoutMs: 250 };\n'],
      [
        'leakguard.config.js',
        'export default { mode: "fail", sampleTimeoutMs: 250 };\n',
        { 'package.json': JSON.stringify({ name: 'esm-fixture', type: 'module' }) },
      ],
      [
        'leakguard.config.js',
        // What tsc emits for `export default {...}` in CommonJS output.
        'Object.defineProperty(exports, "__esModule", { value: true });\nexports.default = { mode: "fail", sampleTimeoutMs: 250 };\n',
      ],
    ];
    for (const [file, content, extra] of kinds) {
      const label = extra ? `${file} (${Object.keys(extra).join(', ')} varies)` : `${file}: ${content.split('\n')[0]}`;
      it(label, async () => {
        const dir = project({ 'package.json': PACKAGE_JSON, ...extra, [file]: content });
        const config = await loadConfig(dir);
        assert.equal(config.filepath, path.join(dir, file));
        assert.equal(config.rootDir, dir);
        assert.equal(config.mode, 'fail');
        assert.equal(config.sampleTimeoutMs, 250);
      });
    }

    it('package.json, under the "leakguard" key', async () => {
      const dir = project({
        'package.json': JSON.stringify({ name: 'x', leakguard: { mode: 'fail', sampleTimeoutMs: 250 } }),
      });
      const config = await loadConfig(dir);
      assert.equal(config.filepath, path.join(dir, 'package.json'));
      assert.equal(config.mode, 'fail');
      assert.equal(config.sampleTimeoutMs, 250);
    });
  });

  it('applies defaults when there is no config file, with rootDir = cwd', async () => {
    const dir = project({ 'package.json': PACKAGE_JSON });
    const config = await loadConfig(dir);
    assert.equal(config.filepath, undefined);
    assert.equal(config.rootDir, dir);
    assert.equal(config.mode, 'warn');
    assert.equal(config.reportJson, undefined);
    assert.equal(config.sampleTimeoutMs, 500);
    assert.deepEqual(
      config.probes.map((probe) => probe.definition.name),
      defaultProbeNames,
    );
  });

  it('searches upward from a subdirectory to the config file', async () => {
    const root = project({
      'package.json': PACKAGE_JSON,
      '.leakguardrc.json': '{ "mode": "fail" }',
      'test/unit/.keep': '',
    });
    const config = await loadConfig(path.join(root, 'test', 'unit'));
    assert.equal(config.filepath, path.join(root, '.leakguardrc.json'));
    assert.equal(config.rootDir, root, 'rootDir is the config file directory, not cwd');
    assert.equal(config.mode, 'fail');
  });

  it('stops searching at the nearest directory with a package.json', async () => {
    const outer = project({
      '.leakguardrc.json': '{ "mode": "fail" }',
      'packages/app/package.json': PACKAGE_JSON,
      'packages/app/test/.keep': '',
    });
    const app = path.join(outer, 'packages', 'app');
    const config = await loadConfig(path.join(app, 'test'));
    assert.equal(config.filepath, undefined, 'the outer project config is not used');
    assert.equal(config.mode, 'warn');
    assert.equal(config.rootDir, path.join(app, 'test'));
  });

  it('prefers the nearest config, and package.json over rc files in one directory', async () => {
    const root = project({
      'package.json': JSON.stringify({ name: 'x', leakguard: { sampleTimeoutMs: 100 } }),
      '.leakguardrc.json': '{ "sampleTimeoutMs": 200 }',
      'sub/.leakguardrc.yaml': 'sampleTimeoutMs: 300\n',
    });
    assert.equal((await loadConfig(root)).sampleTimeoutMs, 100);
    assert.equal((await loadConfig(path.join(root, 'sub'))).sampleTimeoutMs, 300);
  });

  describe('cosmiconfig is loaded only where the quick search leaves it the search (see quick-search.ts)', () => {
    it('not for a project without a config, nor for one with a JSON config', () => {
      const zeroConfig = project({
        'package.json': JSON.stringify({ name: 'x', devDependencies: { leakguard: '^0.1.0', cosmiconfig: '^9.0.0' } }),
        'test/.keep': '',
      });
      const jsonConfig = project({ 'package.json': PACKAGE_JSON, '.leakguardrc.json': '{ "mode": "fail" }' });
      assert.deepEqual(loadInFreshProcess(path.join(zeroConfig, 'test')), { filepath: null, mode: 'warn', cosmiconfig: false });
      assert.deepEqual(loadInFreshProcess(jsonConfig), { filepath: path.join(jsonConfig, '.leakguardrc.json'), mode: 'fail', cosmiconfig: false });
    });

    it('for a YAML config', () => {
      const dir = project({ 'package.json': PACKAGE_JSON, '.leakguardrc.yml': 'mode: fail\n' });
      assert.deepEqual(loadInFreshProcess(dir), { filepath: path.join(dir, '.leakguardrc.yml'), mode: 'fail', cosmiconfig: true });
    });

    it('for a meta config in .config/, whose search places are then searched', async () => {
      const dir = project({
        'package.json': PACKAGE_JSON,
        '.config/config.json': JSON.stringify({ cosmiconfig: { searchPlaces: ['{name}.settings.json'] } }),
        'leakguard.settings.json': '{ "mode": "fail" }',
      });
      const saved = process.cwd();
      process.chdir(dir);
      try {
        const config = await loadConfig(dir);
        assert.equal(config.filepath, path.join(dir, 'leakguard.settings.json'));
        assert.equal(config.mode, 'fail');
      } finally {
        process.chdir(saved);
      }
    });
  });

  it('runs a JS config as code', async () => {
    const dir = project({
      'package.json': PACKAGE_JSON,
      '.leakguardrc.cjs': 'const path = require("node:path");\nmodule.exports = { sampleTimeoutMs: 2 * 100, report: { json: path.join("out", "leaks.json") } };\n',
    });
    const config = await loadConfig(dir);
    assert.equal(config.sampleTimeoutMs, 200);
    assert.equal(config.reportJson, path.join(dir, 'out', 'leaks.json'));
  });

  describe('LEAKGUARD_CONFIG', () => {
    it('loads the file it names instead of searching', async () => {
      const dir = project({
        'package.json': PACKAGE_JSON,
        '.leakguardrc.json': '{ "mode": "warn" }',
        'ci/leakguard.ci.yaml': 'mode: fail\nreport:\n  json: leaks.json\n',
      });
      process.env.LEAKGUARD_CONFIG = path.join(dir, 'ci', 'leakguard.ci.yaml');
      const config = await loadConfig(dir);
      assert.equal(config.filepath, path.join(dir, 'ci', 'leakguard.ci.yaml'));
      assert.equal(config.rootDir, path.join(dir, 'ci'));
      assert.equal(config.mode, 'fail');
      assert.equal(config.reportJson, path.join(dir, 'ci', 'leaks.json'));
    });

    it('resolves a relative path against cwd', async () => {
      const dir = project({ 'package.json': PACKAGE_JSON, 'configs/strict.json': '{ "mode": "fail" }' });
      process.env.LEAKGUARD_CONFIG = path.join('configs', 'strict.json');
      const config = await loadConfig(dir);
      assert.equal(config.filepath, path.join(dir, 'configs', 'strict.json'));
      assert.equal(config.mode, 'fail');
    });

    it('is an error when the file does not exist', async () => {
      const dir = project({ 'package.json': PACKAGE_JSON });
      process.env.LEAKGUARD_CONFIG = 'missing.json';
      const error = await configError(loadConfig(dir));
      assert.equal(error.filepath, path.join(dir, 'missing.json'));
      assert.match(error.message, /missing\.json: no such file \(LEAKGUARD_CONFIG=missing\.json\)$/);
    });

    it('is an error when it names a package.json without a "leakguard" key', async () => {
      const dir = project({ 'package.json': PACKAGE_JSON });
      process.env.LEAKGUARD_CONFIG = path.join(dir, 'package.json');
      const error = await configError(loadConfig(dir));
      assert.match(error.message, /package\.json: no "leakguard" key \(LEAKGUARD_CONFIG=/);
    });
  });

  describe('errors name the file, on one line', () => {
    it('bad JSON, with line and column', async () => {
      const dir = project({
        'package.json': PACKAGE_JSON,
        '.leakguardrc.json': '{\n  "mode": "fail",\n}\n',
      });
      const error = await configError(loadConfig(dir));
      assert.equal(error.filepath, path.join(dir, '.leakguardrc.json'));
      assert.match(error.message, /^leakguard: invalid config in .*\.leakguardrc\.json: JSON syntax error: /);
      assert.match(error.message, /at line 3, column 1$/);
      assert.doesNotMatch(error.message, /\n/);
    });

    it('truncated JSON', async () => {
      const dir = project({ 'package.json': PACKAGE_JSON, '.leakguardrc.json': '{ "mode": ' });
      const error = await configError(loadConfig(dir));
      assert.match(error.message, /\.leakguardrc\.json: JSON syntax error: Unexpected end of JSON input at line 1, column 11$/);
    });

    it('bad JSON in package.json', async () => {
      const dir = project({ 'package.json': '{ "name": "x", "leakguard": { } ' });
      const error = await configError(loadConfig(dir));
      assert.match(error.message, /package\.json: JSON syntax error: /);
    });

    it('bad YAML, with line and column', async () => {
      const dir = project({
        'package.json': PACKAGE_JSON,
        '.leakguardrc.yml': 'mode: fail\nprobes:\n  heap: [threshold\n',
      });
      const error = await configError(loadConfig(dir));
      assert.equal(error.filepath, path.join(dir, '.leakguardrc.yml'));
      assert.match(error.message, /\.leakguardrc\.yml: YAML syntax error: .+ \(line \d+, column \d+\)$/);
      assert.doesNotMatch(error.message, /\n/);
    });

    it('bad YAML in an extensionless .leakguardrc', async () => {
      const dir = project({ 'package.json': PACKAGE_JSON, '.leakguardrc': 'mode: fail\n  probes: x\n' });
      const error = await configError(loadConfig(dir));
      assert.match(error.message, /\.leakguardrc: YAML syntax error: /);
    });

    it('a JS config that throws, which runs only once', async () => {
      const counter = `__leakguardConfigRuns${Date.now()}`;
      const dir = project({
        'package.json': PACKAGE_JSON,
        'leakguard.config.js': `globalThis.${counter} = (globalThis.${counter} ?? 0) + 1;\nthrow new Error("no database URL");\n`,
      });
      const error = await configError(loadConfig(dir));
      assert.match(error.message, /leakguard\.config\.js: failed to load: Error: no database URL$/);
      assert.equal((globalThis as Record<string, unknown>)[counter], 1);
    });

    it('an ES module config with no default export', async () => {
      const dir = project({ 'package.json': PACKAGE_JSON, '.leakguardrc.mjs': 'export const mode = "fail";\n' });
      const error = await configError(loadConfig(dir));
      assert.match(error.message, /\.leakguardrc\.mjs: an ES module config needs a default export/);
    });

    it('a "leakguard" key in package.json that is not an object', async () => {
      const dir = project({ 'package.json': JSON.stringify({ name: 'x', leakguard: 'fail' }) });
      const error = await configError(loadConfig(dir));
      assert.equal(error.key, 'leakguard');
      assert.match(error.message, /package\.json: leakguard: the "leakguard" key must be an object, got string "fail"$/);
    });

    it('a config file that is not an object', async () => {
      const dir = project({ 'package.json': PACKAGE_JSON, '.leakguardrc.yaml': '- mode\n- fail\n' });
      const error = await configError(loadConfig(dir));
      assert.match(error.message, /\.leakguardrc\.yaml: the config must be an object, got an array$/);
    });

    it('an unknown key, suggesting the nearest', async () => {
      const dir = project({ 'package.json': PACKAGE_JSON, '.leakguardrc.json': '{ "mdoe": "fail" }' });
      const file = path.join(dir, '.leakguardrc.json');
      const error = await configError(loadConfig(dir));
      assert.ok(error instanceof ConfigError);
      assert.equal(error.filepath, file);
      assert.equal(error.key, 'mdoe');
      assert.equal(error.message, `leakguard: invalid config in ${file}: unknown key "mdoe" — did you mean "mode"?`);
    });

    it('a bad threshold, with the threshold parser\'s reason', async () => {
      const dir = project({ 'package.json': PACKAGE_JSON, '.leakguardrc.yaml': 'probes:\n  heap:\n    threshold: 1XB\n' });
      const file = path.join(dir, '.leakguardrc.yaml');
      const error = await configError(loadConfig(dir));
      assert.equal(error.key, 'probes.heap.threshold');
      assert.equal(
        error.message,
        `leakguard: invalid config in ${file}: probes.heap.threshold: "1XB": unknown unit "XB" (use one of B, KB, MB, GB, KiB, MiB, GiB)`,
      );
    });
  });

  it('resolves report.json against the config file directory, not cwd', async () => {
    const root = project({
      'package.json': PACKAGE_JSON,
      '.leakguardrc.json': '{ "report": { "json": "reports/leaks.json" } }',
      'test/deep/.keep': '',
    });
    const config = await loadConfig(path.join(root, 'test', 'deep'));
    assert.equal(config.reportJson, path.join(root, 'reports', 'leaks.json'));
  });

  it('report.json: false means no JSON report', async () => {
    const dir = project({ 'package.json': PACKAGE_JSON, '.leakguardrc.json': '{ "report": { "json": false } }' });
    assert.equal((await loadConfig(dir)).reportJson, undefined);
  });
});

/**
 * loadConfig(cwd) in a new process started in `cwd` (this one loaded cosmiconfig for the
 * tests before): the config found, and whether cosmiconfig was loaded.
 */
function loadInFreshProcess(cwd: string): { filepath: string | null; mode: string; cosmiconfig: boolean } {
  const script = [
    `const { loadConfig } = require(${JSON.stringify(path.resolve(__dirname, '../../src/config'))});`,
    "const marker = `${require('node:path').sep}cosmiconfig${require('node:path').sep}`;",
    'loadConfig(process.cwd()).then((config) => console.log(JSON.stringify({',
    '  filepath: config.filepath ?? null,',
    '  mode: config.mode,',
    '  cosmiconfig: Object.keys(require.cache).some((file) => file.includes(marker)),',
    '})));',
  ].join('\n');
  const out = execFileSync(process.execPath, ['-r', require.resolve('tsx/cjs'), '-e', script], {
    cwd,
    env: { ...process.env, LEAKGUARD_CONFIG: '' },
    encoding: 'utf8',
  });
  return JSON.parse(out) as { filepath: string | null; mode: string; cosmiconfig: boolean };
}
