/**
 * What tells the fds probe that descriptors may be opened where tracking does not see it.
 * The answer is process-wide and never goes back to false, so each case runs in a fresh
 * Node process (through tsx, from the sources).
 */
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';

const REPO = path.resolve(__dirname, '..', '..');
const MODULE = JSON.stringify(path.join(REPO, 'src', 'probes', 'untracked-openers.ts'));

/** Run `body` after the module started watching; it prints what the module answers at each `report(label)`. */
function run(body: string, before = ''): string {
  const script = [
    `const openers = require(${MODULE});`,
    'const seen = [];',
    'const report = (label) => seen.push(`${label}: ${openers.untrackedOpenersLoaded()}`);',
    before,
    'openers.watchUntrackedOpeners();',
    "report('at start');",
    body,
    "console.log(seen.join('\\n'));",
  ].join('\n');
  return execFileSync(process.execPath, ['--require', 'tsx/cjs', '-e', script], { cwd: REPO, encoding: 'utf8' }).trim();
}

describe('untracked openers', function () {
  this.timeout(30_000);

  it('notes a native addon being loaded, even one that then fails to load', function () {
    const output = run(`
      report('before');
      try { process.dlopen({ exports: {} }, ${JSON.stringify(__filename)}); } catch { report('after a failed load'); }
    `);
    assert.equal(output, 'at start: false\nbefore: false\nafter a failed load: true');
  });

  it('notes an addon that was loaded before it started watching, by the require cache', function () {
    const output = run('', "require.cache['/somewhere/build/Release/binding.node'] = { loaded: true };");
    assert.equal(output, 'at start: true');
  });

  it('notes a worker thread, made from CommonJS or ESM, and keeps it a Worker', function () {
    const output = run(`
      report('before');
      const { Worker } = require('node:worker_threads');
      const worker = new Worker('', { eval: true });
      report('after new Worker');
      if (!(worker instanceof Worker) || Worker.name !== 'Worker') throw new Error('not a Worker');
      worker.terminate();
    `);
    assert.equal(output, 'at start: false\nbefore: false\nafter new Worker: true');
    const esm = run(`
      import('node:worker_threads').then(({ Worker }) => {
        const worker = new Worker('', { eval: true });
        report('after an ESM new Worker');
        worker.terminate();
        console.log(seen.join('\\n'));
      });
    `);
    assert.match(esm, /after an ESM new Worker: true/);
  });
});
