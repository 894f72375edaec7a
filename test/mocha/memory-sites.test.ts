/**
 * The classic memory culprits, judged by allocation site over the run, each beside a clean
 * twin: a class-level map keyed by input, a memoize keyed by its argument, a registry that
 * every test pushes to. Each test keeps well under the 1 MiB threshold; their site does not.
 * And the suite where every test keeps memory: every test named under one site, and no
 * test body run twice.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Fixture, inParallel, leakPairs, type RunResult } from '../helpers/fixture';

/** The application: its caches live in a module, as they would in a real project. */
const LIB = String.raw`
// A validator whose class-level errors map is keyed by the field it checks (Django's class-level dict).
class Validator {
  static errors = {};
  check(field) {
    Validator.errors[field] = Array.from({ length: 6000 }, (_, i) => ({ field, i, message: 'required' }));
    return false;
  }
  static reset() { Validator.errors = {}; }
}

// A memoize with no bound, keyed by its argument (an unbounded functools.cache).
const memo = new Map();
function renderPage(id) {
  if (!memo.has(id)) memo.set(id, Array.from({ length: 6000 }, (_, i) => '<li>' + id + ':' + i + '</li>'));
  return memo.get(id);
}
function clearPages() { memo.clear(); }

// A registry every listener registers with, never unregistered.
const registry = [];
function register(name) {
  registry.push({ name, buffer: Array.from({ length: 6000 }, (_, i) => ({ name, i })) });
}
function unregisterAll() { registry.length = 0; }

module.exports = { Validator, renderPage, clearPages, register, unregisterAll };
`;

function spec(kind: 'leaky' | 'clean'): string {
  const clean = kind === 'clean';
  return String.raw`
const { Validator, renderPage, clearPages, register, unregisterAll } = require('../lib');
describe('validator', () => {
  ${clean ? 'afterEach(() => Validator.reset());' : ''}
  for (let n = 0; n < 8; n++) it('checks field ' + n, () => { new Validator().check('field' + n); });
});
describe('pages', () => {
  ${clean ? 'afterEach(() => clearPages());' : ''}
  for (let n = 0; n < 8; n++) it('renders page ' + n, () => { renderPage(n); });
});
describe('listeners', () => {
  ${clean ? 'afterEach(() => unregisterAll());' : ''}
  for (let n = 0; n < 8; n++) it('registers listener ' + n, () => { register('listener' + n); });
});
`;
}

/** Every test keeps ~2 MB in a module-level array, from one helper; each body counts its runs. */
const EVERY_TEST_SPEC = String.raw`
const kept = require('../lib/kept');
const runs = require('../lib/runs');
const render = (n) => Array.from({ length: 20000 }, (_, i) => ({ n, i, html: '<li>' + i + '</li>' }));
for (let f = 0; f < 3; f++) {
  describe('file part ' + f, () => {
    for (let t = 0; t < 10; t++) {
      const title = 'keeps a rendered page ' + f + '.' + t;
      it(title, () => { runs[title] = (runs[title] || 0) + 1; kept.push(render(t)); });
    }
  });
}
after(() => require('node:fs').writeFileSync('runs.json', JSON.stringify(runs)));
`;

const TITLES = {
  validator: Array.from({ length: 8 }, (_, n) => `validator checks field ${n}`),
  pages: Array.from({ length: 8 }, (_, n) => `pages renders page ${n}`),
  listeners: Array.from({ length: 8 }, (_, n) => `listeners registers listener ${n}`),
};

describe('memory by allocation site: the classic culprits, each beside a clean twin', function () {
  this.timeout(180_000);
  const fixtures: Fixture[] = [];
  let leaky: RunResult;
  let clean: RunResult;
  let everyTest: RunResult;
  let everyTestRuns: Record<string, number>;

  before(async () => {
    const config = JSON.stringify({ report: { json: 'leakguard-report.json' } });
    const make = (files: Record<string, string>) => {
      const fixture = new Fixture({ ...files, '.leakguardrc.json': config });
      fixtures.push(fixture);
      return fixture;
    };
    const leakyFixture = make({ 'lib/index.js': LIB, 'test/culprits.spec.js': spec('leaky') });
    const cleanFixture = make({ 'lib/index.js': LIB, 'test/culprits.spec.js': spec('clean') });
    const everyFixture = make({ 'lib/kept.js': 'module.exports = [];\n', 'lib/runs.js': 'module.exports = {};\n', 'test/every.spec.js': EVERY_TEST_SPEC });
    const [first, second, third] = await inParallel([() => leakyFixture.run(['test']), () => cleanFixture.run(['test']), () => everyFixture.run(['test'])], 2);
    [leaky, clean, everyTest] = [first!, second!, third!];
    everyTestRuns = JSON.parse(fs.readFileSync(path.join(everyFixture.dir, 'runs.json'), 'utf8')) as Record<string, number>;
  });

  after(() => {
    for (const fixture of fixtures) fixture.remove();
  });

  it('leaves Mocha results as they are', () => {
    for (const run of [leaky, clean]) {
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stdout, /24 passing/);
    }
    assert.equal(everyTest.code, 0, everyTest.stderr);
    assert.match(everyTest.stdout, /30 passing/);
  });

  it('names every test of each culprit under its site, none of them over the threshold alone', () => {
    assert.deepEqual(leakPairs(leaky.report), [...TITLES.listeners, ...TITLES.pages, ...TITLES.validator].map((test) => `heap: ${test}`).sort(), leaky.stderr);
    const sites = (leaky.report!.memorySites ?? []).filter((site) => site.verdict === 'leak');
    const byFn = new Map(sites.map((site) => [site.fn, site]));
    assert.deepEqual([...byFn.keys()].sort(), ['check', 'register', 'renderPage'], JSON.stringify(sites));
    assert.deepEqual(byFn.get('check')!.tests.map((test) => test.test), TITLES.validator);
    assert.deepEqual(byFn.get('renderPage')!.tests.map((test) => test.test), TITLES.pages);
    assert.deepEqual(byFn.get('register')!.tests.map((test) => test.test), TITLES.listeners);
    for (const site of sites) assert.match(site.site, /^lib\/index\.js:\d+:\d+$/);
    for (const leak of leaky.report!.leaks) assert.ok(leak.delta < leak.threshold, `${leak.test}: ${leak.delta}`);
    // One block per cause in the summary.
    assert.equal(leaky.stderr.match(/^8 tests kept memory allocated in /gm)?.length, 3, leaky.stderr);
  });

  it('reports nothing for the clean twins, whose afterEach clears each cache', () => {
    assert.deepEqual(leakPairs(clean.report), [], clean.stderr);
    assert.deepEqual((clean.report!.memorySites ?? []).filter((site) => site.verdict === 'leak'), []);
  });

  it('every test keeps memory: all 30 named under one site, one block, and no test body run twice', () => {
    const sites = (everyTest.report!.memorySites ?? []).filter((site) => site.verdict === 'leak');
    assert.equal(sites.length, 1, JSON.stringify(everyTest.report!.memorySites));
    assert.equal(sites[0]!.tests.length, 30);
    assert.equal(everyTest.report!.leaks.length, 30);
    assert.equal(everyTest.stderr.match(/kept memory allocated in/g)?.length, 1, everyTest.stderr);
    assert.match(everyTest.stderr, /^30 tests kept memory allocated in render \(test\/every\.spec\.js:\d+:\d+\): \+[\d.]+ MiB each, [\d.]+ MiB in all$/m);
    assert.equal(Object.keys(everyTestRuns).length, 30);
    assert.deepEqual([...new Set(Object.values(everyTestRuns))], [1]);
  });
});
