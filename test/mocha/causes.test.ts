/**
 * One block per cause, and one item per resource, through a real Mocha run: 30 tests that
 * each leave a server one helper creates (real servers on 127.0.0.1), two tests that each
 * leave an interval another helper starts, a test that leaves a child process running
 * with its stdio pipes, and a clean test.
 */
import { strict as assert } from 'node:assert';
import { Fixture, lines, type RunResult } from '../helpers/fixture';

const HELPERS = String.raw`
const net = require('node:net');
const { once } = require('node:events');
const open = [];
exports.closeAll = () => {
  for (const close of open.splice(0)) close();
};

exports.listen = function listen() {
  const server = net.createServer();
  open.push(() => server.close());
  server.listen(0, '127.0.0.1');
  return once(server, 'listening');
};

exports.poll = function poll() {
  const timer = setInterval(() => {}, 60000);
  open.push(() => clearInterval(timer));
};
`;

const SERVERS = String.raw`
const { listen } = require('./helpers');
describe('api', () => {
  for (let i = 1; i <= 30; i++) it('serves route ' + i, () => listen());
});
`;

const OTHERS = String.raw`
const cp = require('node:child_process');
const { closeAll, poll } = require('./helpers');
let child;
after(() => {
  child.kill();
  closeAll();
});
describe('poller', () => {
  it('polls orders', () => poll());
  it('polls payments', () => poll());
});
describe('worker', () => {
  it('starts a worker', () => {
    child = cp.spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
  });
  it('does nothing', () => {});
});
`;

describe('one block per cause, one item per resource, through Mocha', function () {
  this.timeout(120_000);
  let fixture: Fixture;
  let result: RunResult;
  let summary: string[];

  before(async () => {
    fixture = new Fixture({
      'test/helpers.js': HELPERS,
      'test/api.spec.js': SERVERS,
      'test/others.spec.js': OTHERS,
      '.leakguardrc.json': JSON.stringify({ report: { json: 'leakguard-report.json' }, probes: { heap: { enabled: false } } }),
    });
    result = await fixture.run(['test/api.spec.js', 'test/others.spec.js']);
    const all = lines(result.stderr);
    summary = all.slice(all.findIndex((line) => /left resources behind$/.test(line)));
  });

  after(() => fixture.remove());

  it('runs as Mocha would (warn mode)', () => {
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /34 passing/);
  });

  it('prints one block for the 30 servers: where the helper created them, the first tests, how many more, the hint once', () => {
    const start = summary.indexOf('30 tests leaked handles created at test/helpers.js:12:10');
    assert.ok(start > 0, summary.join('\n'));
    const block = summary.slice(start, summary.findIndex((line, index) => index > start && /^\S/.test(line)));
    assert.match(block[1]!, /^ {4}server listening on 127\.0\.0\.1:\d+ \(fd \d+\)$/);
    assert.deepEqual(block.slice(2, 8), [
      // Each test with the line of its own file that called the helper (the spec's loop).
      '    api serves route 1 (test/api.spec.js:4:63): +1',
      '    api serves route 2 (test/api.spec.js:4:63): +1',
      '    api serves route 3 (test/api.spec.js:4:63): +1',
      '    api serves route 4 (test/api.spec.js:4:63): +1',
      '    api serves route 5 (test/api.spec.js:4:63): +1',
      '    … and 25 more',
    ]);
    assert.match(block[8]!, /^ {4}hint: A server was started in this test and never closed\./);
    assert.equal(summary.filter((line) => line.includes('hint: A server was started')).length, 1);
    assert.equal(summary.filter((line) => line.includes('serves route')).length, 5);
  });

  it('orders the causes by importance: the 30 servers, the 2 intervals, then the test with its child process', () => {
    const headers = summary.filter((line) => /^\S/.test(line) && !line.startsWith('leakguard:'));
    assert.deepEqual(headers, [
      '30 tests leaked handles created at test/helpers.js:12:10',
      '2 tests leaked handles created at test/helpers.js:17:17',
      'worker starts a worker (test/others.spec.js)',
    ]);
  });

  it('shows the child process once, under children, with its pipes, and counts causes and tests', () => {
    const start = summary.indexOf('worker starts a worker (test/others.spec.js)');
    assert.equal(summary[start + 1], '  children  +1 (threshold 0)');
    assert.match(summary[start + 2]!, /^ {4}child process pid \d+ .*, with 3 pipes \(fds \d+, \d+, \d+\)$/);
    assert.doesNotMatch(summary.slice(start).join('\n'), /^ {2}(fds|handles) /m);
    assert.equal(summary.at(-1), 'leakguard: 33 leaks from 3 causes in 33 of 34 tests (handles: 32, children: 1) — mode warn: exit code unchanged');
  });

  it('keeps every test in the JSON report: each leak, and the causes with all of their tests', () => {
    const report = result.report!;
    assert.equal(report.leaks.length, 33);
    assert.deepEqual(report.causes?.map((cause) => [cause.probe, cause.site?.file, cause.site?.line, cause.tests.length]), [
      ['handles', 'test/helpers.js', 12, 30],
      ['handles', 'test/helpers.js', 17, 2],
      ['children', 'test/others.spec.js', 15, 1],
    ]);
    assert.deepEqual(
      report.causes![0]!.tests.map((test) => test.test),
      Array.from({ length: 30 }, (_, index) => `api serves route ${index + 1}`),
    );
    // The server's descriptor is a facet of its handle, not a leak of its own.
    const server = report.leaks.find((leak) => leak.test === 'api serves route 1')!.items[0]!;
    assert.deepEqual((server.facets as { probe: string }[]).map((facet) => facet.probe), ['fds']);
    const worker = report.leaks.filter((leak) => leak.test === 'worker starts a worker');
    assert.deepEqual(worker.map((leak) => [leak.probe, leak.delta, leak.items.length]), [['children', 1, 1]]);
    const facets = worker[0]!.items[0]!.facets as { probe: string; type?: string }[];
    assert.deepEqual(facets.map((facet) => `${facet.probe} ${facet.type}`).sort(), [
      'fds socket',
      'fds socket',
      'fds socket',
      'handles PipeWrap',
      'handles PipeWrap',
      'handles PipeWrap',
      'handles ProcessWrap',
    ]);
  });
});
