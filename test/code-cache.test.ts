/**
 * Loading a file with V8's code cache: each case runs fresh Node processes on a small
 * CommonJS file in a project of its own, and looks at what they leave in its node_modules.
 */
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const REPO = path.resolve(__dirname, '..');
const LOADER = JSON.stringify(path.join(REPO, 'src', 'code-cache.ts'));

/** A CommonJS file whose entries need the module's require, __dirname and __filename. */
const CODE = `
const { helper } = require('./helper.js');
exports.first = () => helper('first', __filename, __dirname);
exports.second = () => helper('second', __filename, __dirname);
`;
const HELPER = `exports.helper = (name, file, dir) => name + ' ' + require('node:path').relative(dir, file);\n`;

describe('loadWithCodeCache', function () {
  this.timeout(60_000);
  let project: string;
  let file: string;
  let cacheDir: string;

  beforeEach(() => {
    project = fs.mkdtempSync(path.join(os.tmpdir(), 'leakguard-code-cache-'));
    fs.mkdirSync(path.join(project, 'node_modules'));
    fs.mkdirSync(path.join(project, 'lib'));
    file = path.join(project, 'lib', 'code.js');
    fs.writeFileSync(file, CODE);
    fs.writeFileSync(path.join(project, 'lib', 'helper.js'), HELPER);
    cacheDir = path.join(project, 'node_modules', '.cache', 'test-cache');
  });

  afterEach(() => fs.rmSync(project, { recursive: true, force: true }));

  /** Run `entry` of the file in a new process; its result. */
  function run(entry: string): string {
    const script = `process.stdout.write(String(require(${LOADER}).loadWithCodeCache(${JSON.stringify(file)}, 'test-cache', ${JSON.stringify(entry)})))`;
    return execFileSync(process.execPath, ['--require', 'tsx/cjs', '-e', script], { cwd: REPO, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  }

  function saved(): Array<{ name: string; mtimeMs: number; size: number }> {
    if (!fs.existsSync(cacheDir)) return [];
    return fs
      .readdirSync(cacheDir)
      .sort()
      .map((name) => ({ name, ...pick(fs.statSync(path.join(cacheDir, name))) }));
  }

  it('saves the compiled code in node_modules/.cache of the nearest project, and uses it in the next process', () => {
    assert.equal(run('first'), 'first code.js');
    const first = saved();
    assert.equal(first.length, 1);
    assert.match(first[0]!.name, new RegExp(`^code-first-${process.version}-${process.arch}-\\d+-\\d+\\.cache$`));
    assert.ok(first[0]!.size > 0);
    assert.equal(run('first'), 'first code.js');
    // Accepted: not written again.
    assert.deepEqual(saved(), first);
  });

  it('keeps data for each entry, and drops an entry\'s data from an earlier build of the file', () => {
    run('first');
    run('second');
    assert.deepEqual(
      saved().map((entry) => entry.name.split('-')[1]),
      ['first', 'second'],
    );
    const before = saved().map((entry) => entry.name);
    fs.appendFileSync(file, '// a new build\n');
    assert.equal(run('first'), 'first code.js');
    const after = saved().map((entry) => entry.name);
    assert.equal(after.length, 2);
    assert.ok(!after.includes(before[0]!), 'the first entry kept the old build\'s data');
    assert.ok(after.includes(before[1]!), 'the second entry lost its data');
  });

  it('writes data V8 rejects afresh, and still runs the file', () => {
    run('first');
    const [entry] = saved();
    fs.writeFileSync(path.join(cacheDir, entry!.name), Buffer.alloc(entry!.size, 7));
    assert.equal(run('first'), 'first code.js');
    const [rewritten] = saved();
    assert.equal(rewritten!.name, entry!.name);
    assert.notDeepEqual(fs.readFileSync(path.join(cacheDir, entry!.name)), Buffer.alloc(entry!.size, 7));
  });

  it('runs the file when the cache cannot be written', () => {
    fs.writeFileSync(path.join(project, 'node_modules', '.cache'), 'a file where the cache directory would go');
    assert.equal(run('first'), 'first code.js');
    assert.equal(run('second'), 'second code.js');
    assert.deepEqual(fs.readdirSync(path.join(project, 'node_modules')), ['.cache']);
  });

  it('says which entry the file lacks', () => {
    assert.throws(() => run('third'), /exports no function "third"/);
  });
});

function pick(stats: fs.Stats): { mtimeMs: number; size: number } {
  return { mtimeMs: stats.mtimeMs, size: stats.size };
}
