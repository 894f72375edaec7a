import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { createExplorer, MODULE_NAME, SEARCH_PLACES } from '../../src/config/load';
import { searchQuickly } from '../../src/config/quick-search';
import { PACKAGE_JSON, useTempProjects } from './fixtures';

/**
 * searchQuickly settles a search without cosmiconfig only where cosmiconfig would give the
 * same answer: each layout is searched both ways, from inside the project (cosmiconfig
 * reads its meta config from the working directory).
 */
describe('config: searchQuickly, against cosmiconfig', () => {
  const project = useTempProjects();
  const FAIL = '{ "mode": "fail" }';

  const layouts: Array<{ name: string; files: Record<string, string>; from?: string; settles: boolean }> = [
    { name: 'no config file', files: { 'package.json': PACKAGE_JSON }, settles: true },
    { name: 'no package.json anywhere up to the root', files: { 'a/.keep': '' }, from: 'a', settles: true },
    { name: '.leakguardrc.json', files: { 'package.json': PACKAGE_JSON, '.leakguardrc.json': FAIL }, settles: true },
    { name: 'a "leakguard" key in package.json', files: { 'package.json': '{ "name": "x", "leakguard": { "mode": "fail" } }' }, settles: true },
    {
      name: 'package.json before .leakguardrc.json',
      files: { 'package.json': '{ "leakguard": { "mode": "fail" } }', '.leakguardrc.json': '{ "mode": "warn" }' },
      settles: true,
    },
    {
      name: 'a package.json without the key, then .leakguardrc.json',
      files: { 'package.json': '{ "devDependencies": { "leakguard": "1" } }', '.leakguardrc.json': FAIL },
      settles: true,
    },
    { name: '"leakguard": null in package.json', files: { 'package.json': '{ "leakguard": null }' }, settles: true },
    { name: 'a .leakguardrc.json holding null', files: { 'package.json': PACKAGE_JSON, '.leakguardrc.json': 'null' }, settles: true },
    {
      name: 'an empty .leakguardrc.json below the project root, a config at it: the empty one is found (loadConfig refuses it)',
      files: { 'package.json': PACKAGE_JSON, '.leakguardrc.json': FAIL, 'sub/.leakguardrc.json': ' \n' },
      from: 'sub',
      settles: true,
    },
    {
      name: 'a config two directories up, at the project root',
      files: { 'package.json': '{ "leakguard": { "sampleTimeoutMs": 9 } }', 'a/b/.keep': '' },
      from: 'a/b',
      settles: true,
    },
    {
      name: 'a config above the project root (not used)',
      files: { '.leakguardrc.json': FAIL, 'app/package.json': PACKAGE_JSON },
      from: 'app',
      settles: true,
    },
    { name: 'a BOM before the JSON', files: { 'package.json': PACKAGE_JSON, '.leakguardrc.json': `\uFEFF${FAIL}` }, settles: true },
    { name: 'YAML', files: { 'package.json': PACKAGE_JSON, '.leakguardrc.yaml': 'mode: fail\n' }, settles: false },
    {
      name: 'an extensionless .leakguardrc before .leakguardrc.json',
      files: { 'package.json': PACKAGE_JSON, '.leakguardrc': 'mode: fail\n', '.leakguardrc.json': '{ "mode": "warn" }' },
      settles: false,
    },
    { name: 'a JavaScript config', files: { 'package.json': PACKAGE_JSON, 'leakguard.config.cjs': 'module.exports = { mode: "fail" };' }, settles: false },
    {
      name: '$import',
      files: { 'package.json': PACKAGE_JSON, '.leakguardrc.json': '{ "$import": "base.json" }', 'base.json': FAIL },
      settles: false,
    },
    { name: '.leakguardrc.json that is a directory', files: { 'package.json': PACKAGE_JSON, '.leakguardrc.json/.keep': '' }, settles: false },
    {
      name: 'a meta config under .config/',
      files: {
        'package.json': PACKAGE_JSON,
        '.config/config.json': '{ "cosmiconfig": { "searchPlaces": ["{name}.settings.json"] } }',
        'leakguard.settings.json': FAIL,
      },
      settles: false,
    },
    { name: 'a "cosmiconfig" key in package.json', files: { 'package.json': '{ "cosmiconfig": { "searchPlaces": [] } }' }, settles: false },
    { name: 'a package.json that is an array', files: { 'package.json': '[]' }, settles: false },
  ];

  for (const { name, files, from = '.', settles } of layouts) {
    it(`${name}: ${settles ? 'the same answer as cosmiconfig' : 'left to cosmiconfig'}`, async () => {
      const dir = project(files);
      const cwd = path.join(dir, from);
      const { quick, slow } = await inWorkingDir(dir, async () => ({
        quick: searchQuickly(cwd, { moduleName: MODULE_NAME, searchPlaces: SEARCH_PLACES, parseJson: (_file, text) => JSON.parse(text.replace(/^\uFEFF/, '')) }),
        // A config cosmiconfig must reject ($import) rejects: only the quick answer is compared then.
        slow: await createExplorer()
          .search(cwd)
          .catch((error: unknown) => error),
      }));
      if (!settles) {
        assert.equal(quick, undefined);
        return;
      }
      assert.notEqual(quick, undefined, 'settled without cosmiconfig');
      assert.deepEqual(quick, slow);
    });
  }

  it('bad JSON is left to cosmiconfig, which reports it with the same loader', () => {
    const dir = project({ 'package.json': PACKAGE_JSON, '.leakguardrc.json': '{ "mode": ' });
    const quick = searchQuickly(dir, {
      moduleName: MODULE_NAME,
      searchPlaces: SEARCH_PLACES,
      parseJson: (_file, text) => JSON.parse(text),
    });
    assert.equal(quick, undefined);
  });
});

/** Run `work` with `dir` as the working directory, where cosmiconfig reads its meta config. */
async function inWorkingDir<T>(dir: string, work: () => Promise<T>): Promise<T> {
  const saved = process.cwd();
  process.chdir(dir);
  try {
    return await work();
  } finally {
    process.chdir(saved);
  }
}
