/**
 * loadConfig on configs that used to pass silently or run code: an empty file, `$import`
 * (which made cosmiconfig load another file, code included, unchecked), JS configs and
 * plugins that throw things that are not Errors, plugin probes whose settle or hint the
 * engine cannot use. Each is one ConfigError line naming the file.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadConfig } from '../../src/config';
import { cjsPlugin, configError, isolateConfigEnv, PACKAGE_JSON, useTempProjects } from './fixtures';

/** Writes a marker next to itself when it runs. */
const IMPORTED_CODE = `require('node:fs').writeFileSync(require('node:path').join(__dirname, 'ran.marker'), 'ran');\nmodule.exports = { mode: 'fail' };\n`;

describe('config: faults in config files', () => {
  const project = useTempProjects();
  isolateConfigEnv();

  describe('an empty config file is an error, not all defaults', () => {
    for (const file of ['.leakguardrc.json', '.leakguardrc.yaml', '.leakguardrc', 'leakguard.config.js']) {
      it(file, async () => {
        const dir = project({ 'package.json': PACKAGE_JSON, [file]: ' \n' });
        const error = await configError(loadConfig(dir));
        assert.equal(error.filepath, path.join(dir, file));
        assert.match(error.message, /: empty config file: write \{\} for the defaults, or remove the file$/);
      });
    }

    it('named by LEAKGUARD_CONFIG', async () => {
      const dir = project({ 'package.json': PACKAGE_JSON, 'ci.json': '' });
      process.env.LEAKGUARD_CONFIG = path.join(dir, 'ci.json');
      const error = await configError(loadConfig(dir));
      assert.match(error.message, /ci\.json: empty config file/);
    });

    it('while {} is all defaults', async () => {
      const dir = project({ 'package.json': PACKAGE_JSON, '.leakguardrc.json': '{}' });
      assert.equal((await loadConfig(dir)).mode, 'warn');
    });
  });

  describe('$import is refused, and what it names never runs', () => {
    const cases: [file: string, content: string][] = [
      ['.leakguardrc.json', '{ "$import": "./base.js" }'],
      ['.leakguardrc.yml', '$import: ./base.js\n'],
      ['.leakguardrc', '$import: [./base.js]\n'],
      ['leakguard.config.cjs', 'module.exports = { $import: "./base.js" };\n'],
    ];
    for (const [file, content] of cases) {
      it(file, async () => {
        const dir = project({ 'package.json': PACKAGE_JSON, [file]: content, 'base.js': IMPORTED_CODE });
        const error = await configError(loadConfig(dir));
        assert.equal(error.key, '$import');
        assert.match(error.message, /: \$import: "\$import" is not supported: a config file never loads other files/);
        assert.equal(fs.existsSync(path.join(dir, 'ran.marker')), false, 'the imported file ran');
      });
    }

    it('under the "leakguard" key of package.json', async () => {
      const dir = project({ 'package.json': JSON.stringify({ name: 'x', leakguard: { $import: './base.js' } }), 'base.js': IMPORTED_CODE });
      const error = await configError(loadConfig(dir));
      assert.match(error.message, /package\.json: \$import: /);
      assert.equal(fs.existsSync(path.join(dir, 'ran.marker')), false, 'the imported file ran');
    });
  });

  describe('a JS config or plugin that throws something that is not an Error: one line', () => {
    const thrown: [source: string, says: RegExp][] = [
      ['"a string"', /: a string$/],
      ['undefined', /: undefined$/],
      ['null', /: null$/],
      ['Object.create(null)', /: a thrown object \{\}$/],
      ['{ message: "an object with a message" }', /: an object with a message$/],
    ];
    for (const [source, says] of thrown) {
      it(`config: throw ${source}`, async () => {
        const dir = project({ 'package.json': PACKAGE_JSON, 'leakguard.config.js': `throw ${source};\n` });
        const error = await configError(loadConfig(dir));
        assert.match(error.message, /leakguard\.config\.js: failed to load: /);
        assert.match(error.message, says);
        assert.doesNotMatch(error.message, /\n/);
      });

      it(`plugin: throw ${source}`, async () => {
        const dir = project({ 'package.json': PACKAGE_JSON, '.leakguardrc.json': '{ "plugins": ["./p.js"] }', 'p.js': `throw ${source};\n` });
        const error = await configError(loadConfig(dir));
        assert.match(error.message, /plugin "\.\/p\.js": threw while loading: /);
        assert.match(error.message, says);
      });
    }
  });

  describe("a plugin probe's settle and hint are checked when it loads", () => {
    const bad: [extra: string, says: RegExp][] = [
      ['settle: "yes",', /"settle" must be true, false or \{ attempts, maxWaitMs \} .*got string "yes"$/],
      ['settle: { attempts: 3 },', /"settle" must be .*got an object$/],
      ['settle: { attempts: 1.5, maxWaitMs: 10 },', /"settle" must be/],
      ['settle: { attempts: 3, maxWaitMs: 3e9 },', /"settle" must be .*maxWaitMs up to 60000/],
      ['hint: 42,', /"hint" must be a string or a function of the leaked item, got number 42$/],
    ];
    for (const [extra, says] of bad) {
      it(extra, async () => {
        const dir = project({ 'package.json': PACKAGE_JSON, '.leakguardrc.json': '{ "plugins": ["./p.js"] }', 'p.js': cjsPlugin('custom', extra) });
        const error = await configError(loadConfig(dir));
        assert.equal(error.key, 'plugins[0]');
        assert.match(error.message, says);
      });
    }

    it('accepts true, false, a rule and a hint function', async () => {
      const dir = project({
        'package.json': PACKAGE_JSON,
        '.leakguardrc.json': '{ "plugins": ["./a.js", "./b.js", "./c.js"] }',
        'a.js': cjsPlugin('a', 'settle: true, hint: "close it",'),
        'b.js': cjsPlugin('b', 'settle: false, hint: () => "close it",'),
        'c.js': cjsPlugin('c', 'settle: { attempts: 3, maxWaitMs: 100 },'),
      });
      const names = (await loadConfig(dir)).probes.map((probe) => probe.definition.name);
      assert.ok(['a', 'b', 'c'].every((name) => names.includes(name)), names.join());
    });
  });
});
