import { strict as assert } from 'node:assert';
import { once } from 'node:events';
import * as http from 'node:http';
import { createConnection, createServer, type AddressInfo, type Server } from 'node:net';
import type { LeakItem } from '../../../src/core/probe';
import { minorGc } from '../../../src/core/gc';
import { gcsReported } from '../../../src/core/memory/heap-numbers';
import { handlesProbe } from '../../../src/probes/handles/handles';
import { labelForType } from '../../../src/probes/handles/handles-messages';
import { changedBy, createProbe, sample } from '../../helpers/probe-harness';

describe('handles probe', function () {
  const cleanups: Array<() => void> = [];
  afterEach(() => {
    for (const cleanup of cleanups.splice(0)) cleanup();
  });

  it('tells the settle wait what may still end by itself: a timeout due soon may, an interval or a listening server may not', async function () {
    const instance = await createProbe(handlesProbe, { ignore: [] });
    const interval = await changedBy(instance, () => {
      const timer = setInterval(() => {}, 1000);
      cleanups.push(() => clearInterval(timer));
    });
    const dueLate = await changedBy(instance, () => {
      const timer = setTimeout(() => {}, 60_000);
      cleanups.push(() => clearTimeout(timer));
    });
    const dueSoon = await changedBy(instance, () => {
      const timer = setTimeout(() => {}, 20);
      cleanups.push(() => clearTimeout(timer));
    });
    let server: Server | undefined;
    const listening = await changedBy(instance, async () => {
      server = createServer();
      cleanups.push(() => server!.close());
      server.listen(0, '127.0.0.1');
      await once(server, 'listening');
    });
    assert.deepEqual([interval, dueLate, dueSoon, listening].map((items) => items.length), [1, 1, 1, 1]);
    assert.equal(instance.mayEndByItself!(interval), false);
    assert.equal(instance.mayEndByItself!(dueLate), false);
    assert.equal(instance.mayEndByItself!(listening), false);
    assert.equal(instance.mayEndByItself!(dueSoon), true);
    assert.equal(instance.mayEndByItself!([...interval, ...listening, ...dueSoon]), true);
  });

  it('says a socket still connecting may end by itself while its lookup is in flight, and not when it waits on a lookup() that never answers', async function () {
    const instance = await createProbe(handlesProbe, { ignore: [] });
    const waiting = await changedBy(instance, () => {
      const socket = createConnection({ host: 'example.invalid', port: 80, lookup: () => {} });
      cleanups.push(() => socket.destroy());
    });
    assert.deepEqual(waiting.map((item) => item.label), ['socket (connecting)']);
    assert.equal(instance.mayEndByItself!(waiting), false);
    // Node's own lookup of a name is a request in flight: it answers by itself.
    const looking = await changedBy(instance, () => {
      const socket = createConnection({ host: 'localhost', port: 9 });
      socket.on('error', () => {});
      cleanups.push(() => socket.destroy());
    });
    assert.ok(looking.some((item) => item.label === 'socket (connecting)'), looking.map((item) => item.label).join('\n'));
    assert.equal(instance.mayEndByItself!(looking.filter((item) => item.label === 'socket (connecting)')), true);
  });

  it('says an HTTP connection held by a response nothing reads cannot end by itself when both its ends are here, and may once the server\'s end is busy', async function () {
    const instance = await createProbe(handlesProbe, { ignore: [] });
    let answerLater = false;
    const server = http.createServer((_request, response) => {
      if (!answerLater) response.end('unread');
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const agent = new http.Agent({ keepAlive: true });
    cleanups.push(() => {
      agent.destroy();
      server.closeAllConnections();
      server.close();
    });
    const { port } = server.address() as AddressInfo;
    const unread = await changedBy(instance, async () => {
      await once(http.get({ host: '127.0.0.1', port, agent }), 'response');
      // The body came with the headers: the parser finishes the response in the same turn.
      await new Promise((resolve) => setImmediate(resolve));
    });
    assert.equal(unread.length, 2, unread.map((item) => item.label).join('\n'));
    assert.equal(instance.mayEndByItself!(unread), false);
    // The client's end says what holds it, and how to let it go.
    const held = unread.filter((item) => item.label.endsWith(', held by a response nothing read'));
    assert.equal(held.length, 1, unread.map((item) => item.label).join('\n'));
    assert.match((handlesProbe.hint as (item: LeakItem) => string)(held[0]!), /res\.resume\(\)/);
    answerLater = true;
    const unanswered = await changedBy(instance, async () => {
      // Closed unanswered when the test ends.
      http.get({ host: '127.0.0.1', port, agent }).on('error', () => {});
      await once(server, 'request');
    });
    assert.equal(unanswered.length, 2, unanswered.map((item) => item.label).join('\n'));
    assert.equal(instance.mayEndByItself!(unanswered), true);
  });
});

describe("handles probe: leakguard's own Immediates", () => {
  it('does not count the Immediate in which Node hands GC entries to leakguard, and counts a test\'s beside it', async function () {
    gcsReported(); // leakguard's observer of GC entries, as the memory lane has it
    const instance = await createProbe(handlesProbe, { ignore: [] });
    const afterGc = (): Promise<void> =>
      new Promise((resolve) => {
        minorGc();
        // Node's own (unref'd) Immediate queues the entries in the next check phase, and a
        // refed one to hand them over: pending while this callback runs.
        setImmediate(resolve);
      });
    const pendingDelivery = (): boolean => process.getActiveResourcesInfo().includes('Immediate');
    const before = await sample(instance);
    await afterGc();
    assert.ok(pendingDelivery(), 'no Immediate pending after the GC: nothing to tell apart');
    assert.deepEqual(instance.newItems!(before, await sample(instance)), []);
    await afterGc();
    const own = setImmediate(() => {});
    try {
      assert.deepEqual(
        instance.newItems!(before, await sample(instance)).map((item) => item.type),
        ['Immediate'],
      );
    } finally {
      clearImmediate(own);
    }
  });
});

describe('handles probe hints', () => {
  const hint = (type: string) => (handlesProbe.hint as (item: { label: string; type: string }) => string)({ label: type, type });

  it('says an operation still in flight is one, not something that keeps the event loop alive', () => {
    for (const type of ['FSReqCallback', 'FileHandleReadWrap', 'GetAddrInfoReqWrap', 'WriteWrap']) {
      assert.match(hint(type), /still in flight when the test ended/, type);
    }
    assert.match(hint('SomethingElse'), /still keeping the event loop alive/);
    assert.match(hint('Timeout'), /clearInterval/);
  });

  it('labels an operation in flight by what it is, not by its libuv name alone', () => {
    assert.equal(labelForType('FileHandleReadWrap'), 'FileHandleReadWrap: a read through a FileHandle (fs.promises) still in flight');
    assert.equal(labelForType('ShutdownWrap'), 'ShutdownWrap: a socket or pipe end() still in flight');
    assert.equal(labelForType('SomethingElse'), 'SomethingElse');
  });
});

describe('handles probe: socket labels', () => {
  it('names a socket whose peer reset it by its address, not "-> ?"', async function () {
    const { createConnection } = await import('node:net');
    // Accepted paused: Node does not read it, so it stays open after the client's reset.
    const accepted: import('node:net').Socket[] = [];
    const server = createServer({ pauseOnConnect: true }, (socket) => accepted.push(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    try {
      const instance = await createProbe(handlesProbe, { ignore: [] });
      const items = await changedBy(instance, async () => {
        const connected = once(server, 'connection');
        const client = createConnection(port, '127.0.0.1');
        await Promise.all([once(client, 'connect'), connected]);
        client.resetAndDestroy();
        await once(client, 'close');
      });
      const sockets = items.filter((item) => item.type === 'TCPSocketWrap');
      assert.deepEqual(
        sockets.map((item) => item.label),
        [`socket 127.0.0.1:${port}, peer gone (reset or closed by the other end)`],
      );
    } finally {
      for (const socket of accepted) socket.destroy();
      server.close();
    }
  });
});

describe('handles probe: reused handles', () => {
  it('says that a socket taken from a keep-alive pool was created before the test', async function () {
    const http = await import('node:http');
    const server = http.createServer((_request, response) => response.end('ok'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const get = () =>
      new Promise<void>((resolve, reject) => {
        http.get({ host: '127.0.0.1', port, agent }, (response) => response.resume().on('end', resolve)).on('error', reject);
      });
    try {
      // A first request leaves its connection idle (unref'd) in the agent's pool.
      await get();
      await new Promise((resolve) => setImmediate(resolve));
      const instance = await createProbe(handlesProbe, { ignore: [] });
      // The next "test" takes it from the pool and keeps it busy while the sample is taken.
      let release: () => void = () => {};
      const items = await changedBy(instance, async () => {
        const request = http.get({ host: '127.0.0.1', port, agent });
        request.on('error', () => {}); // destroyed below, mid-request
        await new Promise<void>((resolve) => request.on('socket', (socket) => (socket.connecting ? socket.once('connect', () => resolve()) : resolve())));
        release = () => request.destroy();
      });
      release();
      const sockets = items.filter((item) => item.type === 'TCPSocketWrap');
      assert.equal(sockets.length, 1, JSON.stringify(items));
      assert.equal(sockets[0]!.reused, true);
      assert.match(sockets[0]!.label, /\(reused: created before this test/);
    } finally {
      agent.destroy();
      server.close();
    }
  });
});
