/**
 * Labels through a real Mocha run: a socket its peer reset (Node has not read it since, so
 * it stays open, and the kernel lists it in no /proc/net table) is named by what is known
 * of it, never `-> ?` or `socket:[inode]`; and the summary shortens a label too long for
 * its line at word boundaries, never mid-word.
 */
import { strict as assert } from 'node:assert';
import { Fixture, type RunResult } from '../helpers/fixture';

const SPEC = String.raw`
const net = require('node:net');
const { once } = require('node:events');

const { spawn } = require('node:child_process');

const open = [];
after(() => open.splice(0).forEach((socket) => socket.destroy()));
const children = [];
after(() => children.splice(0).forEach((child) => child.kill('SIGKILL')));

// Words with no character the summary may cut at but spaces.
const WORDS = Array.from({ length: 24 }, (_, i) => 'word' + String(i).padStart(2, '0') + '-of-the-command');

describe('sockets', () => {
  let server;
  before(async () => {
    // Accepted paused: Node does not read the connection, as a server busy elsewhere.
    server = net.createServer({ pauseOnConnect: true }, (socket) => open.push(socket));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
  });
  after(() => server.close());

  it('leaves the server side of a connection its client reset', async () => {
    const accepted = once(server, 'connection');
    const client = net.connect(server.address().port, '127.0.0.1');
    await Promise.all([once(client, 'connect'), accepted]);
    client.resetAndDestroy();
    await once(client, 'close');
  });
});

describe('children', () => {
  it('leaves a child with a long command line running', async () => {
    const child = spawn(process.execPath, ['-e', 'console.log("ready"); setInterval(() => {}, 1000)', '--', ...WORDS], { stdio: ['ignore', 'pipe', 'ignore'] });
    children.push(child);
    await once(child.stdout, 'data');
  });
});
`;

describe('socket labels and shortened labels, end to end', function () {
  this.timeout(120_000);
  let fixture: Fixture;
  let run: RunResult;

  before(async () => {
    fixture = new Fixture({
      'test/sockets.spec.js': SPEC,
      '.leakguardrc.json': JSON.stringify({ report: { json: 'leakguard-report.json' } }),
    });
    run = await fixture.run(['test']);
  });

  after(() => fixture.remove());

  const TEST = 'sockets leaves the server side of a connection its client reset';

  it('names the socket by its address and says its peer is gone, as the handles probe and (its facet) the fds probe saw it', () => {
    assert.equal(run.code, 0, run.stderr);
    const leaks = run.report?.leaks.filter((candidate) => candidate.test === TEST) ?? [];
    // One resource: the socket under handles, its descriptor a facet (see core/shared-resources.ts).
    assert.deepEqual(
      leaks.map((leak) => leak.probe),
      ['handles'],
      run.stderr,
    );
    const [item] = leaks[0]!.items as { label: string; facets?: { probe: string; label: string }[] }[];
    const port = portOf(item!.label);
    assert.match(item!.label, new RegExp(`^socket 127\\.0\\.0\\.1:${port}, peer gone \\(reset or closed by the other end\\) \\(fd \\d+\\)$`));
    assert.deepEqual(item!.facets?.map((facet) => facet.probe), ['fds']);
    assert.match(item!.facets![0]!.label, new RegExp(`^fd \\d+ -> TCP 127\\.0\\.0\\.1:${port}, peer gone \\(reset or closed by the other end\\)$`));
    assert.doesNotMatch(run.stderr, /-> \?|socket:\[/);
  });

  it('the summary shortens a label too long for its line at word boundaries', () => {
    const leak = run.report?.leaks.find((candidate) => candidate.probe === 'children');
    assert.ok(leak, run.stderr);
    const label = leak.items[0]!.label;
    assert.ok(label.length > 100, label);
    // The label's own command line, cut after a whole argument.
    assert.match(label, / word\d\d-of-the-command \.\.\.(, with 1 pipe \(fd \d+\))?$/);
    // The children probe's item (the handles probe names the child too, without its usage).
    const line = run.stderr.split('\n').find((text) => text.trimStart().startsWith('child process pid') && text.includes('MiB RSS'));
    assert.ok(line, run.stderr);
    assert.ok(line.length <= 100, line);
    assert.match(line, /…/);
    // Cut at boundaries: what comes before the ellipsis is the label's start up to a space
    // or a path separator, what comes after it the label's end from one.
    const [head, tail] = line.trim().split('…') as [string, string];
    assert.ok(label.startsWith(head) && /[\s/,;:=&]/.test(label[head.length] ?? ' ') || /[\s/,;:=&]$/.test(head), `head "${head}" of ${label}`);
    assert.ok(label.endsWith(tail) && /[\s/,;:=&]/.test(label[label.length - tail.length - 1] ?? ' ') || /^[/,;:=&]/.test(tail), `tail "${tail}" of ${label}`);
  });
});

function portOf(label: string): string {
  return /127\.0\.0\.1:(\d+)/.exec(label)?.[1] ?? '?';
}
