/**
 * A test that never reads an HTTP response keeps its connection open: the agent takes the
 * socket back only once the response is read, and the server's end waits for the next
 * request until its keep-alive timeout. The leak names what holds the socket and how to
 * let it go; a test that reads its response leaves nothing. Mocha's output is that of the
 * same run without leakguard.
 */
import { strict as assert } from 'node:assert';
import { Fixture, leakPairs } from '../helpers/fixture';
import { assertSameStdout, describeRun, runPlain } from '../helpers/compare';

const SPEC = String.raw`
const http = require('node:http');
const agent = new http.Agent({ keepAlive: true });
let server;
let port;
before((done) => {
  server = http.createServer((request, response) => response.end('a body nobody reads'));
  server.listen(0, '127.0.0.1', () => {
    port = server.address().port;
    done();
  });
});
after(() => {
  agent.destroy();
  server.closeAllConnections();
  server.close();
});
describe('responses', () => {
  it('reads its response', (done) => {
    http.get({ host: '127.0.0.1', port, agent: false }, (response) => {
      response.resume();
      response.on('end', done);
    });
  });
  it('leaves its response unread', (done) => {
    http.get({ host: '127.0.0.1', port, agent }, () => done());
  });
});
`;

describe('a response nothing reads', function () {
  this.timeout(120_000);
  let fixture: Fixture;

  before(() => {
    fixture = new Fixture({
      'test/responses.spec.js': SPEC,
      '.leakguardrc.json': JSON.stringify({ report: { json: 'leakguard-report.json' } }),
    });
  });

  after(() => fixture.remove());

  it('is the leak of the test that left it, labelled by what holds the socket, with res.resume() as the fix', async () => {
    const guarded = await fixture.run(['--reporter', 'spec', 'test']);
    const plain = await runPlain(fixture, ['--reporter', 'spec', 'test']);
    assertSameStdout(guarded, plain);
    assert.deepEqual(leakPairs(guarded.report), ['handles: responses leaves its response unread'], describeRun(guarded));
    const labels = guarded.report!.leaks[0]!.items.map((item) => item.label);
    assert.ok(
      labels.some((label) => /^socket 127\.0\.0\.1:\d+ -> 127\.0\.0\.1:\d+, held by a response nothing read/.test(label)),
      describeRun(guarded),
    );
    assert.match(guarded.stderr + guarded.stdout, /res\.resume\(\)/, describeRun(guarded));
  });
});
