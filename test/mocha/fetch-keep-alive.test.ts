/**
 * fetch() keeps its connection open, idle, in undici's global dispatcher for the next
 * request. A suite that fetches from a server started in before() must not see each test
 * blamed for that pooled connection (`fds +2, handles +1`, with a hint that fetch cannot
 * follow); a socket a test itself leaves open is still reported. Mocha's output is that
 * of the same run without leakguard.
 */
import { strict as assert } from 'node:assert';
import { Fixture, leakPairs } from '../helpers/fixture';
import { assertSameStdout, describeRun, runPlain } from '../helpers/compare';

const FETCH_SPEC = String.raw`
const http = require('node:http');
const net = require('node:net');
let server;
let url;
const left = [];
before((done) => {
  server = http.createServer((request, response) => response.end('ok'));
  server.listen(0, '127.0.0.1', () => {
    url = 'http://127.0.0.1:' + server.address().port + '/';
    done();
  });
});
after((done) => {
  for (const socket of left) socket.destroy();
  server.closeAllConnections();
  server.close(done);
});
describe('fetch', () => {
  it('gets once', async () => {
    await (await fetch(url)).text();
  });
  it('gets twice at once', async () => {
    await Promise.all([fetch(url).then((response) => response.text()), fetch(url).then((response) => response.text())]);
  });
  it('gets again', async () => {
    await (await fetch(url)).text();
  });
  it('leaves a socket of its own open', (done) => {
    left.push(net.connect(server.address().port, '127.0.0.1', done));
  });
});
`;

describe('fetch() against a server started in before()', function () {
  this.timeout(120_000);
  let fixture: Fixture;

  before(() => {
    fixture = new Fixture({
      'test/fetch.spec.js': FETCH_SPEC,
      '.leakguardrc.json': JSON.stringify({ report: { json: 'leakguard-report.json' } }),
    });
  });

  after(() => fixture.remove());

  it("blames no test for fetch()'s pooled idle connections, only the socket a test left open", async function () {
    if (typeof fetch !== 'function') this.skip();
    const guarded = await fixture.run(['--reporter', 'spec', 'test']);
    const plain = await runPlain(fixture, ['--reporter', 'spec', 'test']);
    assertSameStdout(guarded, plain);
    // The socket's descriptor is a facet of its handle: one resource, one leak.
    assert.deepEqual(leakPairs(guarded.report), ['handles: fetch leaves a socket of its own open'], describeRun(guarded));
    const [socket] = guarded.report!.leaks[0]!.items;
    assert.deepEqual((socket!.facets as { probe: string }[]).map((facet) => facet.probe), ['fds'], describeRun(guarded));
  });
});
