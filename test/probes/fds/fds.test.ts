import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import * as http from 'node:http';
import { once } from 'node:events';
import { closeSync, mkdirSync, mkdtempSync, openSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer, type AddressInfo, type ListenOptions, type Server, type Socket } from 'node:net';
import { endianness, tmpdir } from 'node:os';
import { join } from 'node:path';
import { type LeakItem, type ProbeInstance } from '../../../src/core/probe';
import { fdsProbe, type FdsOptions } from '../../../src/probes/fds/fds';
import { trackCreationSites } from '../../../src/instrument';
import { openSyncUntracked } from '../../../src/instrument/file-opens';
import { decodeEndpoint, parseInetTable } from '../../../src/probes/fds/proc-net';
import { changedBy, sample } from '../../helpers/probe-harness';
import { openDescriptors } from '../../helpers/descriptors';

describe('fds probe', function () {
  let dir: string;
  let warnings: string[];
  /** Descriptors, servers and sockets a test opened, closed in afterEach. */
  let fds: number[];
  let closers: Array<() => Promise<unknown> | void>;

  beforeEach(function () {
    dir = mkdtempSync(join(tmpdir(), 'leakguard-fds-test-'));
    warnings = [];
    fds = [];
    closers = [];
  });

  afterEach(async function () {
    for (const fd of fds) closeQuietly(fd);
    for (const close of closers.reverse()) await close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function create(options: FdsOptions = {}): Promise<ProbeInstance | null> {
    return fdsProbe.create({ options, rootDir: process.cwd(), warn: (message) => warnings.push(message) });
  }

  async function probe(options: FdsOptions = {}): Promise<ProbeInstance> {
    const instance = await create(options);
    assert.ok(instance, `probe not created: ${warnings.join('; ')}`);
    return instance;
  }



  function openFile(name: string, content = ''): { fd: number; path: string } {
    const path = join(dir, name);
    writeFileSync(path, content);
    const fd = openSync(path, 'r');
    fds.push(fd);
    return { fd, path };
  }

  async function listen(server: Server, options: ListenOptions): Promise<AddressInfo> {
    closers.push(() => new Promise((resolve) => server.close(resolve)));
    server.listen(options);
    await once(server, 'listening');
    return server.address() as AddressInfo;
  }

  function track(socket: Socket): Socket {
    closers.push(() => void socket.destroy());
    return socket;
  }

  it('reports a file opened and left open, with its path and size', async function () {
    const instance = await probe();
    let opened: { fd: number; path: string } | undefined;
    const items = await changedBy(instance, () => {
      opened = openFile('left-open.log', 'twelve bytes');
    });
    assert.equal(items.length, 1);
    const [item] = items;
    assert.equal(item!.id, `${opened!.fd} ${opened!.path}`);
    assert.equal(item!.fd, opened!.fd);
    assert.equal(item!.type, 'file');
    assert.equal(item!.path, opened!.path);
    assert.equal(item!.label, `fd ${opened!.fd} -> ${opened!.path}`);

    const [described] = await instance.describe!(items);
    assert.equal(described!.size, 12);
  });

  it('does not count the descriptor its own listing used, so a file opened on that number is found', async function () {
    const instance = await probe();
    const before = await sample(instance);
    // The lowest free number: the one readdir used for /proc/self/fd during the sample.
    const { fd } = openFile('same-number.txt');
    const listed = (before.state as { names: string[] }).names;
    assert.ok(!listed.includes(String(fd)), `fd ${fd} was listed as open before it was`);
    const items = instance.newItems!(before, await sample(instance));
    assert.deepEqual(items.map((item) => item.fd), [fd]);
  });

  it('tells a number taken again by something else from the descriptor it was (an id of number and target)', async function () {
    const instance = await probe();
    const before = await sample(instance);
    const first = openFile('first.txt');
    const [was] = instance.newItems!(before, await sample(instance));
    closeSync(first.fd);
    fds.splice(fds.indexOf(first.fd), 1);
    const second = openFile('second.txt');
    assert.equal(second.fd, first.fd, 'the lowest free number, taken again');
    const [now] = instance.newItems!(before, await sample(instance));
    assert.equal(now!.fd, was!.fd);
    assert.notEqual(now!.id, was!.id, 'the same item to whoever tracks items by id: the first file still open');
  });

  it('finds a descriptor opened outside the functions it tracks, as a native addon would open one', async function () {
    const instance = await probe();
    const path = join(dir, 'untracked.txt');
    writeFileSync(path, '');
    await sample(instance); // a listing after the write, which fs tracks
    const items = await changedBy(instance, () => {
      fds.push(openSyncUntracked(path, 'r'));
    });
    assert.deepEqual(items.map((item) => item.path), [path]);
  });

  it('sees a server whose descriptor took the number of one that was open when the test began (closed meanwhile)', async function () {
    const instance = await probe();
    // A descriptor neither fs nor a handle accounts for (another thread's, a pipe's), on the lowest free number.
    const transient = openSyncUntracked('/dev/zero', 'r');
    const before = await sample(instance);
    closeSync(transient);
    const server = createServer();
    closers.push(() => new Promise((resolve) => server.close(resolve)));
    await listen(server, { port: 0, host: '127.0.0.1' });
    const after = await sample(instance);
    const fd = (server as unknown as { _handle: { fd: number } })._handle.fd;
    // Most often it has that number: the case this is about.
    if (fd !== transient) this.skip();
    assert.deepEqual(instance.newItems!(before, after).map((item) => item.fd), [fd]);
  });

  it('hands back its last reading only while the listing and what fs opened are unchanged', async function () {
    const instance = await probe();
    const path = join(dir, 'untracked.txt');
    writeFileSync(path, '');
    // Back to back, so that nothing opens in between; tried again should another thread
    // (an fs call of the test runner's in flight) open or close a descriptor meanwhile.
    let same = false;
    for (let attempt = 0; attempt < 20 && !same; attempt++) {
      same = instance.sample() === instance.sample();
      if (!same) await new Promise((resolve) => setImmediate(resolve));
    }
    assert.ok(same, 'nothing opened or closed, yet a new reading each time');
    const before = await sample(instance);
    fds.push(openSyncUntracked(path, 'r'));
    const after = await sample(instance);
    assert.notEqual(after, before);
    assert.deepEqual(instance.newItems!(before, after).map((item) => item.path), [path]);
  });

  it('lists the table once after a tracked open, and counts what that listing found as the kernel does', async function () {
    const fs = require('node:fs') as typeof import('node:fs');
    const readdirSync = fs.readdirSync;
    let listings = 0;
    (fs as { readdirSync: unknown }).readdirSync = function (...args: Parameters<typeof readdirSync>) {
      listings++;
      return readdirSync.apply(this, args);
    };
    try {
      const instance = await probe();
      // Tried again should another thread (an fs call of the test runner's in flight) open
      // or close a descriptor between the samples.
      for (let attempt = 0; attempt < 20; attempt++) {
        openFile(`tracked-${attempt}.txt`);
        listings = 0;
        const listed = instance.sample();
        const again = [instance.sample(), instance.sample()];
        if (listings === 1 && again.every((reading) => reading === listed)) return;
        await new Promise((resolve) => setImmediate(resolve));
      }
      assert.fail(`after a tracked open, three samples listed the table ${listings} times, not once`);
    } finally {
      fs.readdirSync = readdirSync;
    }
  });

  it('finds a file that took, through fs, the number of one closed in the same unit', async function () {
    const instance = await probe();
    const first = openFile('first.txt');
    const before = await sample(instance);
    closeSync(first.fd);
    fds.splice(fds.indexOf(first.fd), 1);
    const second = openFile('second.txt');
    assert.equal(second.fd, first.fd, 'the lowest free number is taken again');
    const after = await sample(instance);
    // The same numbers are listed, yet a new reading: the engine compares only readings that differ.
    assert.notEqual(after, before);
    assert.deepEqual(instance.newItems!(before, after).map((item) => item.path), [second.path]);
  });

  it('does not report a file opened and closed', async function () {
    const instance = await probe();
    const items = await changedBy(instance, () => {
      const { fd } = openFile('closed.txt');
      closeSync(fd);
      fds.pop();
    });
    assert.deepEqual(items, []);
  });

  it('skips a descriptor closed between the sample and newItems()', async function () {
    const instance = await probe();
    const before = await sample(instance);
    const { fd } = openFile('closed-late.txt');
    const after = await sample(instance);
    closeSync(fd);
    fds.pop();
    assert.deepEqual(instance.newItems!(before, after), []);
  });

  it('describes a TCP server and a connected client with addresses, ports and states', async function () {
    const instance = await probe();
    const server = createServer((socket) => track(socket));
    let port = 0;
    let client: Socket | undefined;
    const items = await changedBy(instance, async () => {
      ({ port } = await listen(server, { port: 0, host: '127.0.0.1' }));
      const accepted = once(server, 'connection');
      client = track(createConnection(port, '127.0.0.1'));
      await Promise.all([once(client, 'connect'), accepted]);
    });
    assert.equal(items.length, 3, labels(items));
    assert.ok(items.every((item) => item.type === 'socket' && /^socket:\[\d+\]$/.test(String(item.target))));

    const described = labels(await instance.describe!(items));
    const local = `127.0.0.1:${client!.localPort}`;
    assert.match(described, new RegExp(`-> TCP listening 127\\.0\\.0\\.1:${port}\\b`));
    assert.ok(described.includes(`-> TCP ${local} -> 127.0.0.1:${port} (ESTABLISHED)`), described);
    assert.ok(described.includes(`-> TCP 127.0.0.1:${port} -> ${local} (ESTABLISHED)`), described);
  });

  it('leaves a socket created before the unit its descriptor, which it got once its host name was looked up', async function () {
    // Creation sites as leakguard tracks them in a run: the handles probe gives such a
    // socket to the unit that created it, and the descriptor goes with it.
    trackCreationSites();
    const instance = await probe();
    const server = createServer((socket) => track(socket));
    const { port } = await listen(server, { port: 0, host: '127.0.0.1' });
    let answer: (() => void) | undefined;
    const lookup = (_host: string, options: { all?: boolean }, callback: (...args: unknown[]) => void): void => {
      answer = () => (options.all ? callback(null, [{ address: '127.0.0.1', family: 4 }]) : callback(null, '127.0.0.1', 4));
    };
    const client = track(createConnection({ port, host: 'late.invalid', lookup: lookup as never }));
    let accepted: Socket | undefined;
    const items = await changedBy(instance, async () => {
      const accepting = once(server, 'connection');
      answer!();
      [accepted] = (await Promise.all([accepting, once(client, 'connect')]))[0] as [Socket];
    });
    const described = labels(await instance.describe!(items));
    // The server's side is the unit's: accepted now, it has no creation site of its own.
    assert.equal(items.length, 1, described);
    assert.ok(described.includes(`-> TCP 127.0.0.1:${port} -> 127.0.0.1:${client.localPort} (ESTABLISHED)`), described);
    assert.ok(accepted);
  });

  /**
   * A connection whose client reset it while the server's side, accepted paused
   * (pauseOnConnect), has not read since: Node keeps that side open, and the kernel has
   * dropped it from every /proc/net table. Resolves once the reset is done.
   */
  async function resetConnection(server: Server): Promise<{ accepted: Socket; port: number }> {
    const { port } = await listen(server, { port: 0, host: '127.0.0.1' });
    const accepting = once(server, 'connection');
    const client = track(createConnection(port, '127.0.0.1'));
    await once(client, 'connect');
    const [accepted] = (await accepting) as [Socket];
    track(accepted);
    client.resetAndDestroy();
    await once(client, 'close');
    return { accepted, port };
  }

  it('says what is known of a socket its peer reset, which no /proc/net table lists (was "socket:[79440]")', async function () {
    const instance = await probe();
    const server = createServer({ pauseOnConnect: true });
    let accepted!: Socket;
    const items = await changedBy(instance, async () => {
      ({ accepted } = await resetConnection(server));
    });
    const described = await instance.describe!(items);
    const reset = described.find((item) => item.fd === (accepted as unknown as { _handle: { fd: number } })._handle.fd);
    assert.ok(reset, labels(described));
    assert.match(
      reset.label,
      new RegExp(`^fd \\d+ -> TCP 127\\.0\\.0\\.1:${(server.address() as AddressInfo).port}, peer gone \\(reset or closed by the other end\\)$`),
    );
    assert.ok(!labels(described).includes('socket:['), labels(described));
  });

  it('says a socket was closed before it could be read, not "socket:[inode]"', async function () {
    const instance = await probe();
    const server = createServer((socket) => track(socket));
    const { port } = await listen(server, { port: 0, host: '127.0.0.1' });
    let client!: Socket;
    const items = await changedBy(instance, async () => {
      const accepted = once(server, 'connection');
      client = createConnection(port, '127.0.0.1');
      await Promise.all([once(client, 'connect'), accepted]);
    });
    const clientFd = (client as unknown as { _handle: { fd: number } })._handle.fd;
    const inode = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/self/fd/${clientFd}`))![1];
    // Closed between the verdict and its description.
    client.destroy();
    await once(client, 'close');
    const described = await instance.describe!(items.filter((item) => item.fd === clientFd));
    assert.deepEqual(
      described.map((item) => item.label),
      [`fd ${clientFd} -> socket (inode ${inode}, closed before it could be read)`],
    );
  });

  it('tells the settle wait what may still end by itself: a connected socket or a file may, a listening one may not', async function () {
    const instance = await probe();
    const server = createServer((socket) => track(socket));
    const listening = await changedBy(instance, () => listen(server, { port: 0, host: '127.0.0.1' }));
    const file = await changedBy(instance, () => openFile('kept.txt', 'x'));
    assert.equal(listening.length, 1, labels(listening));
    assert.equal(instance.mayEndByItself!(listening), false);
    // The code that opened it may close it a moment later (a stream that served it).
    assert.equal(instance.mayEndByItself!(file), true);
    const { port } = server.address() as AddressInfo;
    const connected = await changedBy(instance, async () => {
      const accepted = once(server, 'connection');
      await Promise.all([once(track(createConnection(port, '127.0.0.1')), 'connect'), accepted]);
    });
    assert.equal(instance.mayEndByItself!(connected), true);
    assert.equal(instance.mayEndByItself!([...listening, ...file, ...connected]), true);
  });

  it('tells the settle wait that an HTTP connection held by a response nothing reads cannot end by itself when both its ends are here', async function () {
    const instance = await probe();
    const server = http.createServer((_request, response) => response.end('unread'));
    const agent = new http.Agent({ keepAlive: true });
    closers.push(() => agent.destroy());
    closers.push(() => server.closeAllConnections());
    const { port } = await listen(server as unknown as Server, { port: 0, host: '127.0.0.1' });
    const unread = await changedBy(instance, async () => {
      await once(http.get({ host: '127.0.0.1', port, agent }), 'response');
      // The body came with the headers: the parser finishes the response in the same turn.
      await new Promise((resolve) => setImmediate(resolve));
    });
    assert.equal(unread.length, 2, labels(unread));
    assert.equal(instance.mayEndByItself!(unread), false);
    const held = (await instance.describe!(unread)).filter((item) => item.unreadResponse === true);
    assert.equal(held.length, 1, labels(unread));
    assert.match(held[0]!.label, /, held by a response nothing read$/);
    assert.match(fdsProbe.hint instanceof Function ? fdsProbe.hint(held[0]) : '', /res\.resume\(\)/);
  });

  it('reads the kernel\'s table for a listening socket no handle of Node\'s lists (an unref\'d server): it listens, and cannot end by itself', async function () {
    const instance = await probe();
    const server = createServer();
    const listening = await changedBy(instance, async () => {
      await listen(server, { port: 0, host: '127.0.0.1' });
      server.unref();
    });
    assert.equal(listening.length, 1, labels(listening));
    const { port } = server.address() as AddressInfo;
    assert.equal(instance.mayEndByItself!(listening), false);
    assert.match(labels(await instance.describe!(listening)), new RegExp(`-> TCP listening 127\\.0\\.0\\.1:${port}$`));
  });

  it('names a connection left idle in http.globalAgent\'s keep-alive pool, with a hint of its own', async function () {
    const server = http.createServer((_request, response) => response.end('ok'));
    closers.push(() => http.globalAgent.destroy());
    const { port } = await listen(server as unknown as Server, { port: 0, host: '127.0.0.1' });
    const instance = await probe();
    const viaGlobal = await changedBy(instance, async () => {
      await new Promise<void>((resolve, reject) => {
        http.get({ host: '127.0.0.1', port, agent: http.globalAgent }, (response) => response.resume().on('end', resolve)).on('error', reject);
      });
      // The socket goes back to the pool once the response has ended.
      await new Promise((resolve) => setImmediate(resolve));
    });
    const httpsLoaded = () => (process as unknown as { moduleLoadList: string[] }).moduleLoadList.includes('NativeModule https');
    const httpsBefore = httpsLoaded();
    const described = await instance.describe!(viaGlobal);
    // Looking in https.globalAgent must not load https: on Node 24 that reads the CA
    // certificates in the background, a descriptor the next test would be blamed for.
    assert.equal(httpsLoaded(), httpsBefore);
    const pooled = described.filter((item) => item.pooledBy === 'http.globalAgent');
    assert.equal(pooled.length, 1, labels(described));
    assert.match(pooled[0]!.label, /, idle in http\.globalAgent$/);
    assert.match(fdsProbe.hint instanceof Function ? fdsProbe.hint(pooled[0]) : '', /keep-alive pool/);
  });

  it('describes IPv6 TCP sockets', async function () {
    const instance = await probe();
    const before = await sample(instance);
    let port = 0;
    try {
      ({ port } = await listen(createServer(), { port: 0, host: '::1' }));
    } catch {
      // A host or container without IPv6 cannot run this test.
      this.skip();
    }
    const items = instance.newItems!(before, await sample(instance));
    const described = labels(await instance.describe!(items));
    assert.ok(described.includes(`TCP listening [::1]:${port}`), described);
  });

  it('describes a unix socket server by its path', async function () {
    const instance = await probe();
    const path = join(dir, 'server.sock');
    const items = await changedBy(instance, () => listen(createServer(), { path }));
    const described = labels(await instance.describe!(items));
    assert.ok(described.includes(`unix socket ${path} (listening)`), described);
  });

  it('describes a bound UDP socket', async function () {
    const instance = await probe();
    const socket = createSocket('udp4');
    closers.push(() => new Promise((resolve) => socket.close(() => resolve(undefined))));
    const items = await changedBy(instance, async () => {
      socket.bind(0, '127.0.0.1');
      await once(socket, 'listening');
    });
    const described = labels(await instance.describe!(items));
    assert.ok(described.includes(`UDP bound 127.0.0.1:${socket.address().port}`), described);
  });

  it("reports a running child process's stdio until the child is gone", async function () {
    const instance = await probe();
    const before = await sample(instance);
    const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)']);
    closers.push(() => void child.kill());
    await once(child, 'spawn');

    const leaked = instance.newItems!(before, await sample(instance));
    // Node gives a child its stdin, stdout and stderr as unix socket pairs.
    assert.equal(leaked.filter((item) => item.type === 'socket').length, 3, labels(leaked));
    const described = labels(await instance.describe!(leaked));
    assert.match(described, /unix socket unnamed \(connected\)/);

    child.kill();
    await once(child, 'close');
    assert.deepEqual(instance.newItems!(before, await sample(instance)), []);
  });

  it('reports an anonymous pipe as a pipe', async function () {
    const instance = await probe();
    // Node has no pipe() of its own, but it holds pipes: opening one through /proc gives
    // a new descriptor on it. Pipes inherited from another user cannot be reopened.
    const pipes = openDescriptors().filter(([, target]) => target.startsWith('pipe:'));
    let target = '';
    const items = await changedBy(instance, () => {
      for (const [pipeFd, pipeTarget] of pipes) {
        try {
          fds.push(openSync(`/proc/self/fd/${pipeFd}`, 'r+'));
          target = pipeTarget;
          return;
        } catch {
          // EACCES: try the next one.
        }
      }
    });
    if (fds.length === 0) this.skip();
    assert.equal(items.length, 1);
    assert.equal(items[0]!.type, 'pipe');
    assert.equal(items[0]!.label, `fd ${fds[0]} -> ${target}`);
  });

  it('ignores targets by exact match, by path prefix and by * pattern', async function () {
    mkdirSync(join(dir, 'sub'));
    const instance = await probe({ ignore: [join(dir, 'exact.txt'), join(dir, 'sub'), '*.log', 'socket:*'] });
    const items = await changedBy(instance, async () => {
      openFile('exact.txt');
      openFile('sub/inner.txt');
      openFile('sub-sibling.txt');
      openFile('app.log');
      await listen(createServer(), { port: 0, host: '127.0.0.1' });
    });
    // A path ignores what is under it, not a sibling whose name merely starts the same.
    assert.deepEqual(
      items.map((item) => item.path),
      [join(dir, 'sub-sibling.txt')],
    );
  });

  it('always ignores /dev/null and the shared inotify instance, also beside a user ignore list', async function () {
    const byDefault = await probe();
    const withList = await probe({ ignore: ['*.log'] });
    const beforeDefault = await sample(byDefault);
    const beforeList = await sample(withList);
    fds.push(openSync('/dev/null', 'r'));
    const { path } = openFile('still-reported.txt');
    assert.deepEqual(byDefault.newItems!(beforeDefault, await sample(byDefault)).map((item) => item.path), [path]);
    assert.deepEqual(withList.newItems!(beforeList, await sample(withList)).map((item) => item.path), [path]);
  });

  it('works with /dev/fd as the fd directory', async function () {
    const instance = await probe({ fdDir: '/dev/fd' });
    let path = '';
    const items = await changedBy(instance, () => {
      ({ path } = openFile('via-dev-fd.txt'));
    });
    assert.deepEqual(items.map((item) => item.path), [path]);
  });

  it('types descriptors with fstat where fd entries are not links (as /dev/fd on macOS)', async function () {
    // A directory that lists descriptor numbers as plain files, as fdescfs does.
    const fdDir = join(dir, 'fd');
    mkdirSync(fdDir);
    const instance = await probe({ fdDir });
    let fd = -1;
    const items = await changedBy(instance, () => {
      ({ fd } = openFile('no-link.txt'));
      writeFileSync(join(fdDir, String(fd)), '');
    });
    assert.equal(items.length, 1);
    assert.equal(items[0]!.type, 'file');
    assert.equal(items[0]!.target, undefined);
    assert.equal(items[0]!.label, `fd ${fd} (file)`);
  });

  it('switches itself off with one warning when the fd directory cannot be listed', async function () {
    const missing = join(dir, 'no-such-dir');
    assert.equal(await create({ fdDir: missing }), null);
    assert.deepEqual(warnings, [`cannot list ${missing}; probe switched off`]);
  });

  it('takes the fd directory from LEAKGUARD_FD_DIR when the option is not set', async function () {
    const missing = join(dir, 'no-such-dir');
    const saved = process.env['LEAKGUARD_FD_DIR'];
    process.env['LEAKGUARD_FD_DIR'] = missing;
    try {
      assert.equal(await create(), null);
      assert.equal(warnings.length, 1);
      assert.ok(warnings[0]!.includes(missing));
    } finally {
      if (saved === undefined) delete process.env['LEAKGUARD_FD_DIR'];
      else process.env['LEAKGUARD_FD_DIR'] = saved;
    }
  });

  it('gives advice that fits the kind of descriptor', function () {
    const hint = fdsProbe.hint as (item: LeakItem | undefined) => string;
    assert.match(hint({ label: 'fd 3', type: 'file' }), /filehandle\.close\(\)/);
    assert.match(hint({ label: 'fd 3', type: 'socket' }), /server\.close\(\)/);
    assert.match(hint({ label: 'fd 3', type: 'pipe' }), /native addon/);
    assert.match(hint({ label: 'fd 3', type: 'anon_inode' }), /worker/);
    assert.match(hint(undefined), /file descriptor was opened/);
  });
});

describe('socket table addresses', function () {
  before(function () {
    // The tables print each 32-bit word in host byte order; these samples are little-endian.
    if (endianness() !== 'LE') this.skip();
  });

  it('decodes IPv4 and IPv6 endpoints', function () {
    assert.equal(decodeEndpoint('0100007F:1F90'), '127.0.0.1:8080');
    assert.equal(decodeEndpoint('00000000:0016'), '0.0.0.0:22');
    assert.equal(decodeEndpoint('00000000000000000000000001000000:0050'), '[::1]:80');
    assert.equal(decodeEndpoint('0000000000000000FFFF00000100007F:01BB'), '[::ffff:127.0.0.1]:443');
    assert.equal(decodeEndpoint('B80D0120000000000000000001000000:0035'), '[2001:db8::1]:53');
  });

  it('decodes only the rows of the inodes asked for, where asked (most rows are other sockets, in TIME_WAIT)', function () {
    const table = [
      '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
      '   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 4242 1 0 100 0 0 10 0',
      '   1: 0100007F:A1B2 0100007F:1F90 06 00000000:00000000 03:00000F9F 00000000     0        0 0 3 0',
      '   2: 0100007F:1F90 0100007F:C3D4 01 00000000:00000000 00:00000000 00000000  1000        0 4343 1 0 20 4 30 10 -1',
    ].join('\n');
    assert.deepEqual([...parseInetTable(table, 'TCP')].map(([inode]) => inode), ['4242', '0', '4343']);
    assert.deepEqual([...parseInetTable(table, 'TCP', new Set(['4343']))], [
      ['4343', { kind: 'inet', protocol: 'TCP', local: '127.0.0.1:8080', remote: '127.0.0.1:50132', state: 'ESTABLISHED' }],
    ]);
  });
});

function labels(items: LeakItem[]): string {
  return items.map((item) => item.label).join('\n');
}

function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // Already closed by the test.
  }
}
