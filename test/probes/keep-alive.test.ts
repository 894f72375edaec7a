import { strict as assert } from 'node:assert';
import { once } from 'node:events';
import * as http from 'node:http';
import { createServer as createNetServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { connectionsWaitingOnCode } from '../../src/probes/keep-alive';

const SETTLE_MS = 400;

describe('keep-alive connections that wait on code', function () {
  let closers: Array<() => unknown>;
  beforeEach(() => (closers = []));
  afterEach(async () => {
    for (const close of closers.reverse()) await close();
  });

  /** An HTTP server on 127.0.0.1 whose accepted sockets are collected; closed with its connections afterwards. */
  async function httpServer(handler: http.RequestListener): Promise<{ port: number; accepted: Socket[] }> {
    const server = http.createServer(handler);
    const accepted: Socket[] = [];
    server.on('connection', (socket) => accepted.push(socket));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    closers.push(() => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(resolve));
    });
    return { port: (server.address() as AddressInfo).port, accepted };
  }

  function keepAliveAgent(): http.Agent {
    const agent = new http.Agent({ keepAlive: true });
    closers.push(() => agent.destroy());
    return agent;
  }

  /** The client's end of a connection to `port` that a request used and a keep-alive agent took back, idle. */
  async function idleInPool(port: number): Promise<Socket> {
    const agent = keepAliveAgent();
    const freed = once(agent, 'free');
    http.get({ host: '127.0.0.1', port, agent }, (response) => response.resume());
    await freed;
    const [client] = Object.values(agent.freeSockets).flat() as Socket[];
    assert.ok(client);
    return client;
  }

  it('finds both ends of a connection idle in an agent\'s pool', async function () {
    const { port, accepted } = await httpServer((_request, response) => response.end('ok'));
    const client = await idleInPool(port);
    const found = connectionsWaitingOnCode(SETTLE_MS, [client]);
    assert.ok(found.has(client));
    assert.ok(found.has(accepted[0]!));
  });

  it('finds both ends of a connection held by a response that arrived in full and that nothing reads', async function () {
    const { port, accepted } = await httpServer((_request, response) => response.end('unread'));
    const request = http.get({ host: '127.0.0.1', port, agent: keepAliveAgent() });
    const [response] = (await once(request, 'response')) as [http.IncomingMessage];
    // The headers and the body came in one read: the parser finishes it in the same turn.
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(response.complete, true);
    const found = connectionsWaitingOnCode(SETTLE_MS, []);
    assert.ok(found.has(request.socket!));
    assert.ok(found.has(accepted[0]!));
    // Once read, the response ends and the agent takes the socket back, idle.
    response.resume();
    await once(response, 'end');
  });

  it('finds neither end while the server is still answering', async function () {
    let answering!: (response: http.ServerResponse) => void;
    const arrived = new Promise<http.ServerResponse>((resolve) => (answering = resolve));
    const { port, accepted } = await httpServer((_request, response) => answering(response));
    const request = http.get({ host: '127.0.0.1', port, agent: keepAliveAgent() });
    const late = await arrived;
    const found = connectionsWaitingOnCode(SETTLE_MS, []);
    assert.ok(!found.has(accepted[0]!));
    assert.ok(!found.has(request.socket!));
    const received = once(request, 'response');
    late.end('late');
    const [response] = (await received) as [http.IncomingMessage];
    response.resume();
  });

  it('finds no end whose other end is not an HTTP server\'s or agent\'s in this process', async function () {
    // A server that answers by hand: as good as one in another process.
    const server: Server = createNetServer((socket) => socket.once('data', () => socket.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok')));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const sockets: Socket[] = [];
    server.on('connection', (socket) => sockets.push(socket));
    closers.push(() => {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(resolve));
    });
    const client = await idleInPool((server.address() as AddressInfo).port);
    assert.equal(connectionsWaitingOnCode(SETTLE_MS, [client]).size, 0);
  });

  it('finds no end whose idle timer is due within the time given', async function () {
    const { port, accepted } = await httpServer((_request, response) => response.end('ok'));
    const client = await idleInPool(port);
    // The server's end times out after its keep-alive timeout (5 s and a margin).
    const timeout = accepted[0]!.timeout!;
    assert.ok(timeout > SETTLE_MS && timeout < 60_000, String(timeout));
    assert.ok(connectionsWaitingOnCode(SETTLE_MS, [client]).has(client));
    assert.equal(connectionsWaitingOnCode(60_000, [client]).size, 0);
  });
});
