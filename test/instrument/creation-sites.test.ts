import { strict as assert } from 'node:assert';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer, Socket, type AddressInfo, type Server } from 'node:net';
import { settleCapturedStacks, stackLocations, wasDropped } from '../../src/core/stack-frames';
import { trackCreationSites } from '../../src/instrument';
import { creationSite } from '../../src/instrument/creation-sites';

describe('creation sites: stacks kept while what they name is open', function () {
  let server: Server;
  let port: number;

  before(async function () {
    trackCreationSites();
    server = createServer((socket) => socket.end());
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    port = (server.address() as AddressInfo).port;
  });

  after(function () {
    server.close();
  });

  /** Where `line` is in this file: the stack names it. */
  const thisFile = /creation-sites\.test\.ts:\d+:\d+$/;

  it('drops the stack of a timer that ran before the settle, and keeps a pending one', async function () {
    const fired = setTimeout(() => {}, 0);
    const pending = setTimeout(() => {}, 60_000);
    try {
      await new Promise((resolve) => setTimeout(resolve, 5));
      settleCapturedStacks();
      assert.equal(wasDropped(creationSite(fired)!.stack), true);
      assert.match(stackLocations(creationSite(pending)!.stack)[0] ?? '', thisFile);
    } finally {
      clearTimeout(pending);
    }
  });

  it('keeps the stack of a timer whose callback created something, after it ran: the chain names it', async function () {
    let child: NodeJS.Timeout | undefined;
    const parent = setTimeout(() => {
      child = setInterval(() => {}, 60_000);
    }, 0);
    try {
      await new Promise((resolve) => setTimeout(resolve, 5));
      settleCapturedStacks();
      const site = creationSite(child!)!;
      assert.equal(site.createdBy, creationSite(parent));
      assert.match(stackLocations(site.createdBy!.stack)[0] ?? '', thisFile);
    } finally {
      clearInterval(child);
    }
  });

  it('takes the stack again when a socket whose stack was dropped connects again', async function () {
    const socket = new Socket();
    socket.connect(port, '127.0.0.1');
    await once(socket, 'close');
    settleCapturedStacks();
    assert.equal(wasDropped(creationSite(socket)!.stack), true);
    const sequence = creationSite(socket)!.sequence;
    socket.connect(port, '127.0.0.1'); // the line the stack must name now
    const named = stackLocations(creationSite(socket)!.stack)[0] ?? '';
    try {
      assert.equal(wasDropped(creationSite(socket)!.stack), false);
      const line = readFileSync(__filename, 'utf8').split('\n').findIndex((text) => text.includes('// the line the stack must name now')) + 1;
      assert.match(named, new RegExp(`creation-sites\\.test\\.ts:${line}:\\d+$`));
      assert.equal(creationSite(socket)!.sequence, sequence, 'the same object, in its place in creation order');
    } finally {
      socket.destroy();
    }
  });

  it("drops a closed server's stack, and keeps one that listens, or still looks up its host", async function () {
    const closed = createServer().listen(0, '127.0.0.1');
    await once(closed, 'listening');
    await new Promise((resolve) => closed.close(resolve));
    const listening = createServer().listen(0, '127.0.0.1');
    await once(listening, 'listening');
    const lookingUp = createServer().listen(0, 'localhost');
    try {
      settleCapturedStacks();
      assert.equal(wasDropped(creationSite(closed)!.stack), true);
      assert.match(stackLocations(creationSite(listening)!.stack)[0] ?? '', thisFile);
      assert.equal(lookingUp.listening, false, 'bound before the settle: nothing to tell');
      await once(lookingUp, 'listening');
      assert.match(stackLocations(creationSite(lookingUp)!.stack)[0] ?? '', thisFile);
    } finally {
      listening.close();
      lookingUp.close();
    }
  });
});
