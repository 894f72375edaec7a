/**
 * `ignoreCreatedBy` in the config: what resolveConfig accepts and how it says what is
 * wrong, how patterns become absolute globs, and which frames of a creation stack they
 * are matched against (core/created-by.ts). The end-to-end runs are in
 * test/mocha/opt-outs.test.ts.
 */
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { ConfigError, resolveConfig } from '../../src/config';
import { creatingFrames, creationMatcher } from '../../src/core/created-by';
import type { ProbeDefinition } from '../../src/core/probe';
import { syncConfigError } from './fixtures';

const rootDir = path.join(path.parse(process.cwd()).root, 'project');
const source = { filepath: path.join(rootDir, '.leakguardrc.json'), rootDir };

function patternsOf(raw: unknown, probe: string, plugins: ProbeDefinition[] = []): readonly string[] | undefined {
  return resolveConfig(raw, source, plugins).probes.find((configured) => configured.definition.name === probe)?.ignoreCreatedBy;
}

function errorFor(raw: unknown): ConfigError {
  return syncConfigError(() => resolveConfig(raw, source, []));
}

const plugin: ProbeDefinition = { name: 'db-pool', unit: 'count', defaultThreshold: 0, create: () => ({ sample: () => 0 }) };

describe('config: ignoreCreatedBy', () => {
  it('resolves patterns against the config file\'s directory, keeps ** and absolute ones as written', () => {
    const raw = { ignoreCreatedBy: ['test/helpers/**', './lib/*.js', '**/node_modules/chokidar/**', '/opt/shared/**'] };
    assert.deepEqual(patternsOf(raw, 'handles'), [`${rootDir}/test/helpers/**`, `${rootDir}/lib/*.js`, '**/node_modules/chokidar/**', '/opt/shared/**']);
  });

  it('reads a path without glob characters as that file and everything under it', () => {
    assert.deepEqual(patternsOf({ ignoreCreatedBy: ['test/helpers/'] }, 'fds'), [`${rootDir}/test/helpers`, `${rootDir}/test/helpers/**`]);
  });

  it('gives the top-level patterns to every probe that knows where its items were created, and a probe\'s own to it alone', () => {
    const raw = { ignoreCreatedBy: ['lib/**'], probes: { handles: { ignoreCreatedBy: ['**/node_modules/pg/**'] } } };
    assert.deepEqual(patternsOf(raw, 'handles'), [`${rootDir}/lib/**`, '**/node_modules/pg/**']);
    assert.deepEqual(patternsOf(raw, 'fds'), [`${rootDir}/lib/**`]);
    assert.deepEqual(patternsOf(raw, 'children'), [`${rootDir}/lib/**`]);
    assert.deepEqual(patternsOf(raw, 'listeners'), [`${rootDir}/lib/**`]);
    // Probes whose findings carry no creation stack get none: nothing to match.
    assert.equal(patternsOf(raw, 'heap'), undefined);
    assert.equal(patternsOf(raw, 'tmpdir'), undefined);
    assert.equal(patternsOf({}, 'handles'), undefined);
  });

  it('takes a plugin probe\'s own patterns, and does not pass them to the plugin as an option', () => {
    const configured = resolveConfig({ probes: { 'db-pool': { ignoreCreatedBy: ['lib/pool.js'], maxIdle: 2 } } }, source, [plugin]).probes.find(
      (probe) => probe.definition === plugin,
    )!;
    assert.deepEqual(configured.ignoreCreatedBy, [`${rootDir}/lib/pool.js`, `${rootDir}/lib/pool.js/**`]);
    assert.deepEqual(configured.options, { maxIdle: 2 });
  });

  const mistakes: [unknown, string | undefined, RegExp][] = [
    [{ ignoreCreatedBy: 'test/helpers/**' }, 'ignoreCreatedBy', /expected an array of globs like \["\*\*\/node_modules\/chokidar\/\*\*"\], got string "test\/helpers\/\*\*"$/],
    [{ ignoreCreatedBy: ['lib/**', 3] }, 'ignoreCreatedBy[1]', /expected a glob \(non-empty string\), got number 3$/],
    [{ ignoreCreatedBy: ['  '] }, 'ignoreCreatedBy[0]', /expected a glob \(non-empty string\)/],
    [{ ignoreCreatedBy: ['chokidar'] }, 'ignoreCreatedBy[0]', /"chokidar" is not a path or a glob; for a package's code write "\*\*\/node_modules\/chokidar\/\*\*", for a file at the project's root "\.\/chokidar"$/],
    [{ ignoreCreatedBy: ['!test/**'] }, 'ignoreCreatedBy[0]', /negated patterns are not supported/],
    [{ ignoreCreatedBy: ['test/helpers/server.js:12'] }, 'ignoreCreatedBy[0]', /a glob of files, without a line number$/],
    [{ probes: { handles: { ignoreCreatedBy: [''] } } }, 'probes.handles.ignoreCreatedBy[0]', /expected a glob/],
    [{ probes: { fds: { enabled: false, ignoreCreatedBy: {} } } }, 'probes.fds.ignoreCreatedBy', /expected an array of globs/],
    [
      { probes: { heap: { ignoreCreatedBy: ['lib/**'] } } },
      'probes.heap.ignoreCreatedBy',
      /the heap probe does not know where what it finds was created; ignoreCreatedBy applies to fds, handles, listeners, children/,
    ],
    [{ ignoreCreatdBy: ['lib/**'] }, 'ignoreCreatdBy', /unknown key "ignoreCreatdBy" — did you mean "ignoreCreatedBy"\?/],
    [{ probes: { handles: { ignoreCreatedby: ['lib/**'] } } }, 'probes.handles.ignoreCreatedby', /did you mean "ignoreCreatedBy"\?/],
  ];
  for (const [raw, key, message] of mistakes) {
    it(`rejects ${JSON.stringify(raw)} at ${key}`, () => {
      const error = errorFor(raw);
      assert.equal(error.key, key);
      assert.match(error.message, message);
      assert.ok(error.message.startsWith(`leakguard: invalid config in ${source.filepath}: `), error.message);
    });
  }
});

describe('ignoreCreatedBy: the frames a creation went through', () => {
  const project = '/p';
  const helper = `${project}/test/helpers/server.js:3:10`;
  const spec = `${project}/test/a.spec.js:7:5`;
  const lib = `${project}/node_modules/chokidar/lib/nodefs-handler.js:150:20`;
  const innerLib = `${project}/node_modules/readdirp/index.js:40:2`;

  it('are the library frames from the innermost one, and the first frame of the project\'s own code', () => {
    assert.deepEqual(creatingFrames([innerLib, lib, helper, spec]), [innerLib, lib, helper]);
    assert.deepEqual(creatingFrames([spec, helper]), [spec]);
    assert.deepEqual(creatingFrames([lib]), [lib]);
  });

  it('match a helper\'s own creations and not what the test\'s callback creates inside the helper', () => {
    const matches = creationMatcher([`${project}/test/helpers/**`])!;
    assert.equal(matches([helper, spec]), true);
    assert.equal(matches([spec, helper, spec]), false);
  });

  it('match a library reached through another library, and ignore the line numbers', () => {
    const matches = creationMatcher(['**/node_modules/chokidar/**'])!;
    assert.equal(matches([innerLib, lib, spec]), true);
    assert.equal(matches([spec]), false);
    assert.equal(creationMatcher([`${project}/test/a.spec.js`])!([spec]), true);
  });

  it('is no matcher at all without patterns', () => {
    assert.equal(creationMatcher([]), undefined);
    assert.equal(creationMatcher(undefined), undefined);
  });
});
