/**
 * Opt-outs, through real Mocha runs: `this.leakguard.allow()` in a test and in hooks, the
 * `@leakguard-allow(...)` title tag on a test and on a describe, their mistakes, and
 * `ignoreCreatedBy`, which ignores what a helper module or a library creates while what
 * the test creates itself is still reported. Each allowed finding has a twin that is not
 * allowed and is reported, so that an opt-out that hid everything would fail here.
 */
import { strict as assert } from 'node:assert';
import { Fixture, jsonReporterOutcome, leakPairs, type JsonReport } from '../helpers/fixture';

const CONFIG = JSON.stringify({ report: { json: 'leakguard-report.json' } });

/** Every server and interval the specs start, closed by the root after() so that the process can exit. */
const SERVERS = String.raw`
const fs = require('node:fs');
const net = require('node:net');
const servers = [];
const timers = [];
const files = [];
const listen = () => {
  const server = net.createServer().listen(0, '127.0.0.1');
  servers.push(server);
  return server;
};
// A handle made at once (a server listens a turn later, after its hook has ended).
const tick = () => timers.push(setInterval(() => {}, 1000));
after(() => {
  servers.forEach((server) => server.close());
  timers.forEach((timer) => clearInterval(timer));
  files.forEach((fd) => fs.closeSync(fd));
});
`;

const ALLOWING_SPEC = String.raw`${SERVERS}
describe('allow in a test', () => {
  it('allows its server', function () {
    this.leakguard.allow(['handles', 'fds'], 'closed by the root after()');
    listen();
  });
  it('leaves a server', function () {
    listen();
  });
  it('allows handles only', function () {
    this.leakguard.allow('handles');
    // A server is one resource (its descriptor a facet of its handle): allowed whole. A file is not.
    listen();
    files.push(fs.openSync(__filename, 'r'));
  });
});

describe('allow in a before hook', () => {
  before(function () {
    this.leakguard.allow(['handles', 'fds']);
    tick();
  });
  it('test in the suite', () => listen());
  describe('nested', () => {
    it('test in a nested suite', () => listen());
  });
});

describe('allow in a beforeEach hook', () => {
  beforeEach(function () {
    this.leakguard.allow(['handles', 'fds'], 'each test gets its own');
  });
  it('test after the hook', () => listen());
});

describe('a suite tagged @leakguard-allow(handles, fds)', () => {
  it('test in the tagged suite', () => listen());
});

describe('tags on tests', () => {
  it('tagged test @leakguard-allow(handles fds)', () => listen());
  it('untagged twin', () => listen());
});
`;

function pairs(leaks: JsonReport['leaks'] | undefined): string[] {
  return (leaks ?? []).map((leak) => `${leak.probe}: ${leak.test}`).sort();
}

function allowedBy(report: JsonReport | undefined): Record<string, { by: string; reason?: string }> {
  return Object.fromEntries((report?.allowed ?? []).map((leak) => [`${leak.probe}: ${leak.test}`, leak.allowed!]));
}

describe('opt-outs: this.leakguard.allow() and @leakguard-allow tags (real Mocha runs)', function () {
  this.timeout(120_000);
  let fixture: Fixture;

  before(() => {
    fixture = new Fixture({ '.leakguardrc.json': CONFIG, 'test/allow.spec.js': ALLOWING_SPEC });
  });
  after(() => fixture.remove());

  it('does not report what a test, a hook or a tag allowed, and lists it under "allowed" with what allowed it', async () => {
    const result = await fixture.run(['test']);
    assert.equal(result.code, 0, result.stderr);
    // The twins without an opt-out, and the file of the test that allowed handles alone.
    assert.deepEqual(leakPairs(result.report), [
      'fds: allow in a test allows handles only',
      'handles: allow in a test leaves a server',
      'handles: tags on tests untagged twin',
    ]);
    // A server is one item, under handles, its descriptor a facet.
    const twin = result.report?.leaks.find((leak) => leak.test === 'allow in a test leaves a server');
    assert.match(twin?.items[0]?.label ?? '', /\(fd \d+\)/, JSON.stringify(twin));
    const suiteTag = '@leakguard-allow(handles, fds) in the title of suite "a suite tagged @leakguard-allow(handles, fds)"';
    const testTag = '@leakguard-allow(handles fds) in the title of test "tags on tests tagged test @leakguard-allow(handles fds)"';
    const beforeHook = 'this.leakguard.allow() in "before all" hook of suite "allow in a before hook"';
    const beforeEachHook = { by: 'this.leakguard.allow() in "before each" hook', reason: 'each test gets its own' };
    const inTest = { by: 'this.leakguard.allow() in the test', reason: 'closed by the root after()' };
    assert.deepEqual(allowedBy(result.report), {
      'handles: allow in a test allows its server': inTest,
      'handles: allow in a test allows handles only': { by: 'this.leakguard.allow() in the test' },
      'handles: "before all" hook in allow in a before hook': { by: beforeHook },
      'handles: allow in a before hook test in the suite': { by: beforeHook },
      'handles: allow in a before hook nested test in a nested suite': { by: beforeHook },
      'handles: allow in a beforeEach hook test after the hook': beforeEachHook,
      'handles: a suite tagged @leakguard-allow(handles, fds) test in the tagged suite': { by: suiteTag },
      'handles: tags on tests tagged test @leakguard-allow(handles fds)': { by: testTag },
    });
    assert.match(
      result.stderr,
      /leakguard: 8 findings allowed by this\.leakguard\.allow\(\) or @leakguard-allow tags \(handles: 8\), not counted as leaks; listed under "allowed" in the JSON report/,
    );
  });

  it('allows the same in --parallel workers, whose reports the main process merges', async () => {
    const serial = await fixture.run(['test']);
    // Two files, so that two workers run.
    fixture.write({ 'test/second.spec.js': String.raw`${SERVERS}
describe('second file @leakguard-allow(handles, fds)', () => {
  it('allowed by its suite tag', () => listen());
});
` });
    try {
      const parallel = await fixture.run(['--parallel', '--jobs', '2', 'test']);
      assert.equal(parallel.code, 0, parallel.stderr);
      assert.deepEqual(leakPairs(parallel.report), leakPairs(serial.report));
      assert.deepEqual(allowedBy(parallel.report), {
        ...allowedBy(serial.report),
        'handles: second file @leakguard-allow(handles, fds) allowed by its suite tag': { by: '@leakguard-allow(handles, fds) in the title of suite "second file @leakguard-allow(handles, fds)"' },
      });
    } finally {
      fixture.remove();
      fixture = new Fixture({ '.leakguardrc.json': CONFIG, 'test/allow.spec.js': ALLOWING_SPEC });
    }
  });

  it('in mode fail, fails the twins and not the tests whose findings were allowed', async () => {
    fixture.write({ '.leakguardrc.json': JSON.stringify({ mode: 'fail', report: { json: 'leakguard-report.json' } }) });
    try {
      const result = await fixture.run(['--reporter', 'json', 'test']);
      const outcome = jsonReporterOutcome(result.stdout);
      assert.ok(outcome, result.stdout + result.stderr);
      assert.deepEqual(outcome.failures, ['allow in a test allows handles only', 'allow in a test leaves a server', 'tags on tests untagged twin']);
      assert.ok(outcome.passes.includes('allow in a test allows its server'));
      assert.ok(outcome.passes.includes('a suite tagged @leakguard-allow(handles, fds) test in the tagged suite'));
      assert.equal(result.code, 3);
    } finally {
      fixture.write({ '.leakguardrc.json': CONFIG });
    }
  });
});

describe('opt-outs: allowing memory (real Mocha run)', function () {
  this.timeout(180_000);

  it('lists an allowed suite\'s memory under "allowed", and leaves its site out of the memory sites', async () => {
    // Two culprits of the same kind: module-level caches that every test adds to (see memory-sites.test.ts).
    const fixture = new Fixture({
      '.leakguardrc.json': CONFIG,
      'lib/index.js': String.raw`
const errors = {};
function check(field) {
  errors[field] = Array.from({ length: 6000 }, (_, i) => ({ field, i, message: 'required' }));
}
const pages = new Map();
function renderPage(id) {
  pages.set(id, Array.from({ length: 6000 }, (_, i) => '<li>' + id + ':' + i + '</li>'));
}
module.exports = { check, renderPage };
`,
      'test/memory.spec.js': String.raw`
const { check, renderPage } = require('../lib');
describe('validator', () => {
  for (let n = 0; n < 8; n++) it('checks field ' + n, () => check('field' + n));
});
describe('pages @leakguard-allow(heap)', () => {
  for (let n = 0; n < 8; n++) it('renders page ' + n, () => renderPage(n));
});
`,
    });
    try {
      const result = await fixture.run(['test']);
      assert.equal(result.code, 0, result.stderr);
      const titles = (prefix: string) => Array.from({ length: 8 }, (_, n) => `heap: ${prefix} ${n}`);
      assert.deepEqual(leakPairs(result.report), titles('validator checks field').sort(), result.stderr);
      assert.deepEqual(pairs(result.report?.allowed), titles('pages @leakguard-allow(heap) renders page').sort());
      const sites = (result.report?.memorySites ?? []).filter((site) => site.verdict === 'leak');
      assert.deepEqual(sites.map((site) => site.fn), ['check'], JSON.stringify(result.report?.memorySites));
      assert.doesNotMatch(result.stderr, /renderPage/);
      assert.match(result.stderr, /leakguard: 8 findings allowed by this\.leakguard\.allow\(\) or @leakguard-allow tags \(heap: 8\)/);
    } finally {
      fixture.remove();
    }
  });
});

describe('opt-outs: mistakes in allow() and in tags (real Mocha runs)', function () {
  this.timeout(120_000);

  it('fails the test that names an unknown probe, at its own line; warns once about a tag\'s unknown name and allows nothing for it', async () => {
    const fixture = new Fixture({
      '.leakguardrc.json': CONFIG,
      'test/mistakes.spec.js': String.raw`${SERVERS}
describe('mistakes', () => {
  it('misspells a probe', function () {
    this.leakguard.allow('handel');
  });
  it('gives a probe as the reason', function () {
    this.leakguard.allow('handles', 'fds');
  });
  it('allows a probe that is switched off', function () {
    this.leakguard.allow('env');
  });
  it('misspelt tag @leakguard-allow(handel, fds)', () => listen());
  it('near miss @leakguard-allows(handles)', () => listen());
});
`,
    });
    try {
      const result = await fixture.run(['test']);
      assert.equal(result.code, 2, result.stdout + result.stderr);
      assert.match(
        result.stdout,
        /LeakguardUsageError: this\.leakguard\.allow\(\): unknown probe "handel" — did you mean "handles"\? \(probes: heap, rss, fds, handles, tmpdir, listeners, globals, children, env\)\n\s+at Context\.<anonymous> \(test\/mistakes\.spec\.js:\d+:\d+\)/,
      );
      assert.match(result.stdout, /LeakguardUsageError: this\.leakguard\.allow\("handles", "fds"\): the second argument is the reason; to allow several probes pass an array: allow\(\["handles","fds"\]\)/);
      const tagWarning = 'leakguard: @leakguard-allow(handel, fds) in the title of test "mistakes misspelt tag @leakguard-allow(handel, fds)": unknown probe "handel" — did you mean "handles"?';
      assert.equal(result.stderr.split(tagWarning).length - 1, 1, result.stderr);
      assert.match(result.stderr, /leakguard: "@leakguard-allows\(handles\)" in the title of test "mistakes near miss @leakguard-allows\(handles\)" is not a leakguard tag and allows nothing; write @leakguard-allow\(probe, \.\.\.\)/);
      // The unknown name and the near miss allow nothing: the server (one item, its
      // descriptor a facet of its handle) is reported; the tag's known name, fds, has no
      // finding of its own left to allow.
      assert.deepEqual(leakPairs(result.report), [
        'handles: mistakes misspelt tag @leakguard-allow(handel, fds)',
        'handles: mistakes near miss @leakguard-allows(handles)',
      ]);
      assert.equal(result.report?.allowed, undefined);
    } finally {
      fixture.remove();
    }
  });
});

describe('opt-outs: ignoreCreatedBy (real Mocha runs)', function () {
  this.timeout(120_000);

  it('ignores what a helper module and a library create, and still reports what the test creates, also inside the helper', async () => {
    const fixture = new Fixture({
      '.leakguardrc.json': JSON.stringify({
        report: { json: 'leakguard-report.json' },
        ignoreCreatedBy: ['test/helpers/**'],
        probes: { handles: { ignoreCreatedBy: ['**/node_modules/ticker/**'] } },
      }),
      'node_modules/ticker/package.json': JSON.stringify({ name: 'ticker', main: 'index.js' }),
      // A library's long-lived resource: an interval it starts on first use and keeps.
      'node_modules/ticker/index.js': 'exports.start = () => setInterval(() => {}, 1000);',
      'test/helpers/servers.js': String.raw`
const net = require('node:net');
exports.servers = [];
exports.startServer = () => {
  const server = net.createServer().listen(0, '127.0.0.1');
  exports.servers.push(server);
  return server;
};
// Runs the caller's function: what that creates is the caller's.
exports.withServer = (make) => exports.servers.push(make());
`,
      'test/created-by.spec.js': String.raw`
const net = require('node:net');
const ticker = require('ticker');
const { servers, startServer, withServer } = require('./helpers/servers');
const timers = [];
after(() => {
  servers.forEach((server) => server.close());
  timers.forEach((timer) => clearInterval(timer));
});

describe('created by', () => {
  it('a helper module', () => {
    startServer();
  });
  it('the test itself', () => {
    servers.push(net.createServer().listen(0, '127.0.0.1'));
  });
  it('the test, in a callback the helper runs', () => {
    withServer(() => net.createServer().listen(0, '127.0.0.1'));
  });
  it('a library', () => {
    timers.push(ticker.start());
  });
  it('the test, a timer of its own', () => {
    timers.push(setInterval(() => {}, 1000));
  });
});
`,
    });
    try {
      const result = await fixture.run(['test']);
      assert.equal(result.code, 0, result.stderr);
      // The helper's server is gone (its handle and its descriptor, one item); the test's own servers are reported.
      assert.deepEqual(leakPairs(result.report), [
        'handles: created by the test itself',
        'handles: created by the test, a timer of its own',
        'handles: created by the test, in a callback the helper runs',
      ]);
      assert.equal(result.report?.allowed, undefined);
    } finally {
      fixture.remove();
    }
  });

  it('stops the run before any test with the config error', async () => {
    const fixture = new Fixture({
      '.leakguardrc.json': JSON.stringify({ ignoreCreatedBy: ['chokidar'] }),
      'test/a.spec.js': "it('never runs', () => { throw new Error('ran'); });",
    });
    try {
      const result = await fixture.run(['test']);
      assert.equal(result.code, 1);
      assert.match(
        result.stderr,
        /leakguard: invalid config in \.leakguardrc\.json: ignoreCreatedBy\[0\]: "chokidar" is not a path or a glob; for a package's code write "\*\*\/node_modules\/chokidar\/\*\*"/,
      );
      assert.doesNotMatch(result.stdout, /never runs/);
    } finally {
      fixture.remove();
    }
  });
});
