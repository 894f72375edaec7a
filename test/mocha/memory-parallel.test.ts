/**
 * The memory lane in `mocha --parallel`: a worker runs file after file, each with a lane of
 * its own that begins on a heap holding the last file's garbage. Every test that keeps
 * memory is found, at its site, as in a serial run, on a heap big enough (over 32 MiB) that
 * no read falls where a file's suite ends.
 */
import { strict as assert } from 'node:assert';
import { Fixture, type RunResult } from '../helpers/fixture';

const FILES = 4;

/** ~48 MB of objects kept for the whole run, like a large app's loaded state. */
const STATE = `module.exports = Array.from({ length: 330000 }, (_, i) => ({ i, name: 'item' + i, tags: [i & 7] }));\n`;

/** Each call keeps ~2 MB. */
const RENDER = `const kept = [];
exports.kept = kept;
exports.render = (n) => {
  kept.push(Array.from({ length: 20000 }, (_, i) => ({ n, i, html: '<li>item ' + i + '</li>' })));
};
`;

/**
 * The first file's extra test allocates in its own body (in the callback it passes to
 * Array.from): a site in the spec file, whose script V8 may drop once Mocha drops the
 * file's test functions, before any read. Named by the body, read in time or not.
 */
const OWN_BODY = `
  it('keeps what its own body allocates', () => {
    kept.push(Array.from({ length: 20000 }, (_, i) => ({ i, text: 'own row ' + i })));
  });`;

function spec(file: number): string {
  return `const state = require('../lib/state');
const { render, kept } = require('../lib/render');
describe('file ${file}', () => {
  for (let i = 0; i < 10; i++) it('is clean #' + i, () => { if (state.length === 0) throw new Error('no state'); });
  it('keeps what it renders', () => { render(${file}); });${file === 1 ? OWN_BODY : ''}
  for (let i = 10; i < 20; i++) it('is clean #' + i, () => {});
});
`;
}

function heapFindings(run: RunResult): { tests: string[]; sites: string[] } {
  assert.ok(run.report, `no report\n${run.stderr}`);
  return {
    tests: run.report.leaks.filter((leak) => leak.probe === 'heap').map((leak) => leak.test).sort(),
    sites: (run.report.memorySites ?? []).filter((site) => site.verdict === 'leak').map((site) => `${site.site} ${site.tests.length}`),
  };
}

describe('memory in mocha --parallel', function () {
  this.timeout(180_000);
  let fixture: Fixture;
  const runs: { serial?: RunResult; parallel?: RunResult } = {};

  before(async () => {
    const files: Record<string, string> = {
      'lib/state.js': STATE,
      'lib/render.js': RENDER,
      'serial.leakguardrc.json': JSON.stringify({ report: { json: 'serial.json' } }),
      'parallel.leakguardrc.json': JSON.stringify({ report: { json: 'parallel.json' } }),
    };
    for (let file = 1; file <= FILES; file++) files[`test/file-${file}.spec.js`] = spec(file);
    fixture = new Fixture(files);
    // One after the other: two runs at once would make each other's timings (and budget) worse.
    runs.serial = await fixture.run(['test'], { reportPath: 'serial.json', env: { LEAKGUARD_CONFIG: 'serial.leakguardrc.json' } });
    runs.parallel = await fixture.run(['--parallel', '--jobs', '2', 'test'], { reportPath: 'parallel.json', env: { LEAKGUARD_CONFIG: 'parallel.leakguardrc.json' } });
  });

  after(() => fixture.remove());

  it('finds every test that kept memory, at its site, in each worker\'s every file, as serial does', () => {
    const expected = {
      tests: [...Array.from({ length: FILES }, (_, i) => `file ${i + 1} keeps what it renders`), 'file 1 keeps what its own body allocates'].sort(),
      // The test body's site by its line, though no read fell before Mocha dropped its file's functions.
      sites: [`lib/render.js:3:18 ${FILES}`, 'test/file-1.spec.js:6:43 1'],
    };
    for (const run of [runs.serial!, runs.parallel!]) {
      assert.equal(run.code, 0, run.stderr);
      assert.deepEqual(heapFindings(run), expected, run.stderr);
    }
  });
});
