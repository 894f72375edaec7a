import { strict as assert } from 'node:assert';
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LeakItem } from '../../src/core/probe';
import { envProbe, type EnvOptions } from '../../src/probes/env';
import { changedBy, createProbe } from '../helpers/probe-harness';

describe('env probe', function () {
  let savedEnv: NodeJS.ProcessEnv;
  let savedCwd: string;

  beforeEach(function () {
    savedEnv = { ...process.env };
    savedCwd = process.cwd();
  });

  afterEach(function () {
    for (const name of Object.keys(process.env)) if (!(name in savedEnv)) delete process.env[name];
    Object.assign(process.env, savedEnv);
    process.chdir(savedCwd);
  });

  const probe = (options: EnvOptions = {}) => createProbe(envProbe, options);

  const labels = (items: LeakItem[]) => items.map((item) => item.label).sort();

  it('is off by default', function () {
    assert.equal(envProbe.enabledByDefault, false);
  });

  it('reports variables added, changed and removed, by name only (values may be secrets)', async function () {
    process.env.LEAKGUARD_TEST_CHANGED = 'old';
    process.env.LEAKGUARD_TEST_REMOVED = 'x';
    const instance = await probe();
    const items = await changedBy(instance, () => {
      process.env.LEAKGUARD_TEST_ADDED = 'secret-value';
      process.env.LEAKGUARD_TEST_CHANGED = 'new';
      delete process.env.LEAKGUARD_TEST_REMOVED;
    });
    assert.deepEqual(labels(items), ['env LEAKGUARD_TEST_ADDED added', 'env LEAKGUARD_TEST_CHANGED changed', 'env LEAKGUARD_TEST_REMOVED removed']);
    assert.doesNotMatch(JSON.stringify(items), /secret-value|new|old/);
    assert.match(String(envProbe.hint instanceof Function && envProbe.hint(items[0])), /restore it in afterEach/);
  });

  it('reports a changed working directory', async function () {
    const dir = realpathSync(mkdtempSync(join(tmpdir(), 'leakguard-env-test-')));
    try {
      const instance = await probe();
      const items = await changedBy(instance, () => process.chdir(dir));
      assert.deepEqual(labels(items), [`cwd changed from ${savedCwd} to ${dir}`]);
      assert.match(String(envProbe.hint instanceof Function && envProbe.hint(items[0])), /chdir back/);
    } finally {
      process.chdir(savedCwd);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('does not report what the test undid, nor undoing what an earlier test did', async function () {
    const instance = await probe();
    assert.deepEqual(
      await changedBy(instance, () => {
        process.env.LEAKGUARD_TEST_TEMP = '1';
        delete process.env.LEAKGUARD_TEST_TEMP;
        process.chdir(tmpdir());
        process.chdir(savedCwd);
      }),
      [],
    );
    assert.equal((await changedBy(instance, () => (process.env.LEAKGUARD_TEST_LATER = '1'))).length, 1);
    assert.deepEqual(await changedBy(instance, () => delete process.env.LEAKGUARD_TEST_LATER), []);
    assert.equal((await changedBy(instance, () => process.chdir(tmpdir()))).length, 1);
    assert.deepEqual(await changedBy(instance, () => process.chdir(savedCwd)), []);
  });

  it('ignores the variables the option names (globs with *)', async function () {
    const instance = await probe({ ignore: ['LEAKGUARD_IGNORED_*'] });
    const items = await changedBy(instance, () => {
      process.env.LEAKGUARD_IGNORED_ONE = '1';
      process.env.LEAKGUARD_KEPT = '1';
    });
    assert.deepEqual(labels(items), ['env LEAKGUARD_KEPT added']);
  });
});
