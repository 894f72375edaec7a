import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { loadConfig, loadPlugins } from '../../src/config';
import { builtinProbes } from '../../src/probes';
import { cjsPlugin, configError, isolateConfigEnv, PACKAGE_JSON, useTempProjects } from './fixtures';

const esmPlugin = (name: string): string =>
  `export default { name: ${JSON.stringify(name)}, unit: 'bytes', defaultThreshold: 1024, create: () => ({ sample: () => 0 }) };\n`;

describe('config: plugins', () => {
  const project = useTempProjects();
  isolateConfigEnv();

  async function pluginNames(files: Record<string, string>, paths: string[]): Promise<string[]> {
    const dir = project(files);
    return (await loadPlugins(paths, dir)).map((definition) => definition.name);
  }

  describe('accepts each export style', () => {
    it('module.exports = definition', async () => {
      assert.deepEqual(await pluginNames({ 'p.js': cjsPlugin('cjs') }, ['./p.js']), ['cjs']);
    });

    it('export default definition (.mjs)', async () => {
      assert.deepEqual(await pluginNames({ 'p.mjs': esmPlugin('esm') }, ['./p.mjs']), ['esm']);
    });

    it('export default in a .js file of a "type": "module" package', async () => {
      const files = { 'package.json': JSON.stringify({ name: 'x', type: 'module' }), 'p.js': esmPlugin('esm-js') };
      assert.deepEqual(await pluginNames(files, ['./p.js']), ['esm-js']);
    });

    it('an ES module with top-level await (loaded with import())', async () => {
      const source = `const unit = await Promise.resolve('count');\nexport default { name: 'tla', unit, defaultThreshold: 0, create: () => ({ sample: () => 0 }) };\n`;
      assert.deepEqual(await pluginNames({ 'p.mjs': source }, ['./p.mjs']), ['tla']);
    });

    it('exports.default = definition', async () => {
      const source = `exports.default = { name: 'dflt', unit: 'count', defaultThreshold: 0, create() { return { sample: () => 0 }; } };\n`;
      assert.deepEqual(await pluginNames({ 'p.cjs': source }, ['./p.cjs']), ['dflt']);
    });

    it('an array of definitions', async () => {
      const source = `const make = (name) => ({ name, unit: 'count', defaultThreshold: 0, create: () => ({ sample: () => 0 }) });\nmodule.exports = [make('one'), make('two')];\n`;
      assert.deepEqual(await pluginNames({ 'p.js': source }, ['./p.js']), ['one', 'two']);
    });
  });

  describe('resolves', () => {
    it('paths without an extension, relative to rootDir', async () => {
      assert.deepEqual(await pluginNames({ 'probes/db.js': cjsPlugin('db') }, ['./probes/db']), ['db']);
    });

    it('paths written without ./', async () => {
      assert.deepEqual(await pluginNames({ 'probes/db.js': cjsPlugin('db') }, ['probes/db.js']), ['db']);
    });

    it('absolute paths', async () => {
      const dir = project({ 'p.js': cjsPlugin('abs') });
      const loaded = await loadPlugins([path.join(dir, 'p.js')], path.join(dir, 'elsewhere'));
      assert.deepEqual(loaded.map((definition) => definition.name), ['abs']);
    });

    it('package names, from node_modules next to the config', async () => {
      const files = {
        'node_modules/leakguard-probe-redis/package.json': JSON.stringify({ name: 'leakguard-probe-redis', main: 'lib/main.js' }),
        'node_modules/leakguard-probe-redis/lib/main.js': cjsPlugin('redis'),
      };
      assert.deepEqual(await pluginNames(files, ['leakguard-probe-redis']), ['redis']);
    });
  });

  it('loads plugins from config, relative to the config file, and configures their probes', async () => {
    const root = project({
      'package.json': PACKAGE_JSON,
      '.leakguardrc.json': JSON.stringify({
        plugins: ['./probes/b.js', './probes/a.mjs'],
        probes: { a: { threshold: '2KiB' }, b: { threshold: 3, pool: 'main' } },
      }),
      'probes/b.js': cjsPlugin('b'),
      'probes/a.mjs': esmPlugin('a'),
      'test/.keep': '',
    });
    const config = await loadConfig(path.join(root, 'test'));
    const builtins = builtinProbes.filter((probe) => probe.enabledByDefault !== false).map((probe) => probe.name);
    assert.deepEqual(
      config.probes.map((probe) => probe.definition.name),
      [...builtins, 'b', 'a'],
    );
    const [b, a] = config.probes.slice(-2);
    assert.deepEqual([b?.threshold, b?.options], [3, { pool: 'main' }]);
    assert.deepEqual([a?.threshold, a?.options], [2048, {}]);
  });

  describe('errors name the config file and the plugin', () => {
    async function pluginError(files: Record<string, string>, plugins: unknown[]): Promise<Error & { key?: string }> {
      const dir = project({ 'package.json': PACKAGE_JSON, '.leakguardrc.json': JSON.stringify({ plugins }), ...files });
      const error = await configError(loadConfig(dir));
      assert.equal(error.filepath, path.join(dir, '.leakguardrc.json'));
      assert.match(error.message, /^leakguard: invalid config in .*\.leakguardrc\.json: plugins\[\d+\]: plugin "/);
      assert.doesNotMatch(error.message, /\n/);
      return error;
    }

    it('a missing module', async () => {
      const error = await pluginError({}, ['./probes/missing.js']);
      assert.equal(error.key, 'plugins[0]');
      assert.match(error.message, /plugin "\.\/probes\/missing\.js": cannot find module \(looked from /);
    });

    it('a missing package', async () => {
      const error = await pluginError({ 'p.js': cjsPlugin('p') }, ['./p.js', 'leakguard-probe-nonexistent']);
      assert.equal(error.key, 'plugins[1]');
      assert.match(error.message, /plugin "leakguard-probe-nonexistent": cannot find module/);
    });

    it('a module that exports nothing', async () => {
      const error = await pluginError({ 'p.js': '// nothing here\n' }, ['./p.js']);
      assert.match(error.message, /plugin "\.\/p\.js": exports no usable probe definition: it exports nothing/);
    });

    it('an ES module with only named exports', async () => {
      const error = await pluginError({ 'p.mjs': 'export const probe = { name: "x" };\n' }, ['./p.mjs']);
      assert.match(error.message, /plugin "\.\/p\.mjs": exports no usable probe definition/);
    });

    it('a definition with a missing or wrong field', async () => {
      const cases: Array<[source: string, message: RegExp]> = [
        ['module.exports = { unit: "count" };', /"name" must be a non-empty string, got undefined$/],
        ['module.exports = { name: "x", unit: "items", defaultThreshold: 0, create() {} };', /probe "x": "unit" must be "bytes" or "count", got string "items"$/],
        ['module.exports = { name: "x", unit: "count", defaultThreshold: "0", create() {} };', /probe "x": "defaultThreshold" must be a number >= 0, got string "0"$/],
        ['module.exports = { name: "x", unit: "count", defaultThreshold: 0 };', /probe "x": "create" must be a function, got undefined$/],
        ['module.exports = () => ({});', /expected a probe definition \(an object\), got a function$/],
        ['module.exports = [];', /it exports an empty array$/],
        ['module.exports = [{ name: "x", unit: "count", defaultThreshold: 0, create() {} }, 5];', /item 1 of its array: expected a probe definition \(an object\), got number 5$/],
      ];
      for (const [source, message] of cases) {
        const error = await pluginError({ 'p.js': `${source}\n` }, ['./p.js']);
        assert.match(error.message, /exports no usable probe definition: /);
        assert.match(error.message, message);
      }
    });

    it('a module that throws at import', async () => {
      const error = await pluginError({ 'p.js': 'throw new Error("REDIS_URL is not set");\n' }, ['./p.js']);
      assert.match(error.message, /plugin "\.\/p\.js": threw while loading: Error: REDIS_URL is not set$/);
    });

    it('an ES module that throws at import', async () => {
      const error = await pluginError({ 'p.mjs': 'await null;\nthrow new TypeError("bad");\n' }, ['./p.mjs']);
      assert.match(error.message, /plugin "\.\/p\.mjs": threw while loading: TypeError: bad$/);
    });

    it('a probe name taken by a built-in probe', async () => {
      const error = await pluginError({ 'p.js': cjsPlugin('heap') }, ['./p.js']);
      assert.match(error.message, /probe name "heap" is already taken by a built-in probe; rename the probe$/);
    });

    it('a probe name taken by another plugin', async () => {
      const error = await pluginError({ 'a.js': cjsPlugin('db'), 'b.js': cjsPlugin('db') }, ['./a.js', './b.js']);
      assert.equal(error.key, 'plugins[1]');
      assert.match(error.message, /plugin "\.\/b\.js": probe name "db" is already taken by plugin "\.\/a\.js"; rename the probe$/);
    });
  });
});
