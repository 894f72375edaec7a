import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { resolveConfig } from '../../src/config';
import { syncConfigError } from './fixtures';

const rootDir = path.join(path.parse(process.cwd()).root, 'project');
const source = { filepath: path.join(rootDir, '.leakguardrc.json'), rootDir };

describe('config: report.junit', () => {
  it('resolves against the config file\'s directory, like report.json; false or absent means none', () => {
    assert.equal(resolveConfig({ report: { junit: 'out/leaks.xml' } }, source, []).reportJunit, path.join(rootDir, 'out', 'leaks.xml'));
    const absolute = path.join(rootDir, 'elsewhere', 'j.xml');
    assert.equal(resolveConfig({ report: { junit: absolute } }, source, []).reportJunit, absolute);
    assert.equal(resolveConfig({ report: { junit: false } }, source, []).reportJunit, undefined);
    assert.equal(resolveConfig({ report: { json: 'a.json' } }, source, []).reportJunit, undefined);
    assert.equal(resolveConfig({}, source, []).reportJunit, undefined);
  });

  it('rejects what is not a path, naming the key', () => {
    const error = syncConfigError(() => resolveConfig({ report: { junit: 3 } }, source, []));
    assert.equal(error.key, 'report.junit');
    assert.match(error.message, /report\.junit: expected a file path \(string\) or false, got number 3$/);
    assert.equal(syncConfigError(() => resolveConfig({ report: { junit: ' ' } }, source, [])).key, 'report.junit');
  });

  it('suggests it for a misspelling', () => {
    assert.match(syncConfigError(() => resolveConfig({ report: { jnuit: 'j.xml' } }, source, [])).message, /did you mean "junit"\?$/);
  });
});
