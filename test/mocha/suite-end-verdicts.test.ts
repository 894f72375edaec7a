/**
 * Verdicts that do not hold the run: what a test leaves open (servers, fds, temp dirs,
 * sockets) is judged when its suite has ended, its `after all` hooks included. Real Mocha
 * runs in a subprocess, real servers on 127.0.0.1, real files and temp dirs.
 */
import { strict as assert } from 'node:assert';
import { Fixture, leakPairs, type RunResult } from '../helpers/fixture';

/**
 * Each test opens a server, a file and a temp dir. `cleanup` says where they are closed:
 * in the suite's own after(), or in the after() of the suite around it (too late: the
 * tests' own suite has ended by then).
 */
function resourceTests(cleanupInOwnSuite: boolean, last = ''): string {
  const cleanup = `after(async () => {
    for (const server of servers) await new Promise((resolve) => server.close(resolve));
    for (const fd of fds) fs.closeSync(fd);
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  });`;
  return String.raw`
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

describe('outer', () => {
  const servers = [];
  const fds = [];
  const dirs = [];
  describe('resources', () => {
    it('opens a server', (done) => {
      const server = net.createServer();
      servers.push(server);
      server.listen(0, '127.0.0.1', done);
    });
    it('opens a file', () => {
      fds.push(fs.openSync(__filename, 'r'));
    });
    it('makes a temp dir', () => {
      dirs.push(fs.mkdtempSync(path.join(os.tmpdir(), 'kept-by-test-')));
    });
    it('is clean', () => {});
    ${last}
    ${cleanupInOwnSuite ? cleanup : ''}
  });
  ${cleanupInOwnSuite ? '' : cleanup}
});
`;
}

/**
 * A client whose server closes the connection after the test has ended (the next test
 * asks it to): the close reaches the client a moment later, after every hook of its suite.
 */
const PEER_CLOSES_SPEC = String.raw`
const net = require('node:net');

let server;
let closeAccepted;
before((done) => {
  server = net.createServer((socket) => {
    closeAccepted = () => socket.end();
  });
  server.listen(0, '127.0.0.1', done);
});
after((done) => server.close(done));

describe('peer closes', () => {
  it('connects and leaves its socket to the peer', (done) => {
    const client = net.connect(server.address().port, '127.0.0.1');
    client.on('error', () => {});
    server.once('connection', () => setImmediate(done));
  });
  it('is the next test, which tells the server to close', () => {
    closeAccepted();
  });
});
`;

/**
 * A socket left open when its suite ends, which its peer may still close (leakguard gives
 * it its settle time in the background); then a test whose code runs for a while and
 * counts the samples any handles probe takes meanwhile (it reads getActiveResourcesInfo).
 */
const BACKGROUND_SPEC = String.raw`
const assert = require('node:assert');
const net = require('node:net');

let server;
let closeAccepted;
before((done) => {
  server = net.createServer((socket) => {
    closeAccepted = () => socket.end();
  });
  server.listen(0, '127.0.0.1', done);
});
after((done) => server.close(done));

describe('left open', () => {
  it('connects and leaves its socket to the peer', (done) => {
    const client = net.connect(server.address().port, '127.0.0.1');
    client.on('error', () => {});
    server.once('connection', () => setImmediate(done));
  });
});
describe('later', () => {
  it('runs its own code for a while, nothing of leakguard in between', async () => {
    const original = process.getActiveResourcesInfo;
    let samples = 0;
    process.getActiveResourcesInfo = function (...args) {
      samples++;
      return original.apply(this, args);
    };
    try {
      await new Promise((resolve) => setTimeout(resolve, 300));
    } finally {
      process.getActiveResourcesInfo = original;
    }
    assert.equal(samples, 0);
  });
  it('tells the server to close the socket', () => closeAccepted());
});
`;

const REPORT = { report: { json: 'leakguard-report.json' } };

const LEFT_BY_TESTS = [
  'fds: outer resources opens a file',
  // A server is one item, under handles, its descriptor a facet (see core/shared-resources.ts).
  'handles: outer resources opens a server',
  'tmpdir: outer resources makes a temp dir',
];

describe('verdicts when the suite has ended', function () {
  this.timeout(120_000);
  const fixtures: Fixture[] = [];
  const run = async (spec: string, config: object = REPORT, args: string[] = []): Promise<RunResult> => {
    const fixture = new Fixture({ 'test/spec.js': spec, '.leakguardrc.json': JSON.stringify(config) });
    fixtures.push(fixture);
    return fixture.run([...args, 'test/spec.js']);
  };
  after(() => {
    for (const fixture of fixtures) fixture.remove();
  });

  it("finds nothing when the suite's after() closes what its tests opened", async () => {
    const result = await run(resourceTests(true));
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /4 passing/);
    assert.deepEqual(leakPairs(result.report), [], result.stderr);
    assert.equal(result.report!.tests, 4);
  });

  it('names each test and what it left when nothing in its suite closes it', async () => {
    const result = await run(resourceTests(false));
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /4 passing/);
    assert.deepEqual(leakPairs(result.report), LEFT_BY_TESTS, result.stderr);
    const leak = (probe: string, test: string) => result.report!.leaks.find((entry) => entry.probe === probe && entry.test === `outer resources ${test}`)!;
    assert.match(leak('handles', 'opens a server').items[0]!.label, /127\.0\.0\.1:\d+/);
    assert.match(leak('handles', 'opens a server').items[0]!.stack![0]!, /^test\/spec\.js:\d+:\d+$/);
    assert.match(leak('fds', 'opens a file').items[0]!.label, /spec\.js/);
    assert.match(leak('tmpdir', 'makes a temp dir').items[0]!.label, /kept-by-test-/);
    for (const entry of result.report!.leaks) {
      assert.equal(entry.delta, 1, `${entry.probe}: ${entry.test}`);
      for (const item of entry.items) assert.equal(item.createdBy, undefined, 'lineage is not for reports');
    }
    // The summary names them as before.
    assert.match(result.stderr, /outer resources opens a server/);
  });

  it('finds a socket clean that its peer closes a moment after the test', async () => {
    const result = await run(PEER_CLOSES_SPEC);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /2 passing/);
    assert.deepEqual(leakPairs(result.report), [], JSON.stringify(result.report?.leaks, null, 2));
  });

  it("runs a background settle only between tests, never while a test's code runs", async () => {
    const result = await run(BACKGROUND_SPEC);
    assert.equal(result.code, 0, result.stdout + result.stderr);
    // The second test counted no sample while it ran (its assert), though the socket's settle ran meanwhile.
    assert.match(result.stdout, /3 passing/);
  });

  it('mode "fail", failAt "test": still fails the leaking test in its place, even when after() closes it', async () => {
    const result = await run(resourceTests(true), { ...REPORT, mode: 'fail', failAt: 'test' });
    assert.equal(result.code, 3, result.stdout + result.stderr);
    assert.match(result.stdout, /1 passing/);
    assert.match(result.stdout, /3 failing/);
    // Each failure is the test's own, with what it leaked as its error.
    assert.match(result.stdout, /resources\s+opens a server:\s+LeakError: leakguard: this test leaked/);
    assert.match(result.stdout, /resources\s+opens a file:\s+LeakError: leakguard: this test leaked/);
    assert.match(result.stdout, /resources\s+makes a temp dir:\s+LeakError: leakguard: this test leaked/);
    assert.deepEqual(leakPairs(result.report), LEFT_BY_TESTS, result.stderr);
  });

  it('mode "fail", failAt "end": fails the run once, for the leaks found when the suite ended', async () => {
    const result = await run(resourceTests(false), { ...REPORT, mode: 'fail', failAt: 'end' });
    assert.equal(result.code, 1, result.stdout + result.stderr);
    assert.match(result.stdout, /4 passing/);
    assert.match(result.stdout, /leakguard found 3 leaks \(mode "fail"\)/);
  });

  it('--bail: a run cut short by a failure still judges what its tests left', async () => {
    const result = await run(resourceTests(false, "it('fails', () => { throw new Error('expected failure'); });"), REPORT, ['--bail']);
    assert.equal(result.code, 1, result.stdout + result.stderr);
    assert.match(result.stdout, /1 failing/);
    assert.deepEqual(leakPairs(result.report), LEFT_BY_TESTS, result.stderr);
  });

  it('process.exit() in a test: what the tests before it left is still reported', async () => {
    const result = await run(resourceTests(false, "it('exits', () => { process.exit(0); });"));
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.deepEqual(leakPairs(result.report), LEFT_BY_TESTS, result.stderr);
  });
});
