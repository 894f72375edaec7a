/**
 * Each built-in probe against a real leak and a real clean twin, through a real Mocha
 * subprocess with the plugin and a config file: real fds, servers and sockets on
 * 127.0.0.1, timers, child processes and temp dirs.
 */
import { strict as assert } from 'node:assert';
import { Fixture, leakPairs, type RunResult } from '../helpers/fixture';

const SPEC = String.raw`
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const cp = require('node:child_process');

const kept = [];
const leftovers = [];
after(() => {
  // Root-level cleanup so the process can exit; it releases, so it is not a leak itself.
  for (const release of leftovers) release();
});

describe('heap', () => {
  it('keeps 4 MB of objects', () => {
    for (let i = 0; i < 40000; i++) kept.push({ i, text: 'x'.repeat(64) + i });
  });
  it('allocates 4 MB of objects and drops them', () => {
    let local = [];
    for (let i = 0; i < 40000; i++) local.push({ i, text: 'x'.repeat(64) + i });
    local = null;
  });
  it('keeps a 32 MB Buffer', () => {
    kept.push(Buffer.alloc(32 * 1024 * 1024, 1));
  });
  it('drops a 32 MB Buffer', () => {
    let buffer = Buffer.alloc(32 * 1024 * 1024, 1);
    buffer = null;
  });
});

describe('fds', () => {
  it('leaves a file open', () => {
    const fd = fs.openSync(path.join(__dirname, 'data.txt'), 'r');
    leftovers.push(() => fs.closeSync(fd));
  });
  it('closes its file', () => {
    fs.closeSync(fs.openSync(path.join(__dirname, 'data.txt'), 'r'));
  });
});

describe('handles', () => {
  it('leaves an interval running', () => {
    const timer = setInterval(() => {}, 1000);
    leftovers.push(() => clearInterval(timer));
  });
  it('clears its interval', () => {
    clearInterval(setInterval(() => {}, 1000));
  });
  it('leaves a server listening', async () => {
    const server = net.createServer();
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    leftovers.push(() => server.close());
  });
  it('closes its server', async () => {
    const server = net.createServer();
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    await new Promise((resolve) => server.close(resolve));
  });
  it('has a timer that fires 30 ms after the test', () => {
    setTimeout(() => {}, 30);
  });
});

describe('children', () => {
  it('waits for its child process', async () => {
    const child = cp.spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
    await new Promise((resolve) => child.on('exit', resolve));
  });
  it('leaves a child process running', () => {
    const child = cp.spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    leftovers.push(() => child.kill());
  });
});

describe('tmpdir', () => {
  it('leaves a temp dir behind', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'left-behind-'));
    fs.writeFileSync(path.join(dir, 'a.txt'), 'hello');
  });
  it('removes its temp dir', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cleaned-'));
    fs.writeFileSync(path.join(dir, 'a.txt'), 'hello');
    fs.rmSync(dir, { recursive: true });
  });
});

describe('suite with a leaky before hook', () => {
  before(function startTicker() {
    const timer = setInterval(() => {}, 1000);
    leftovers.push(() => clearInterval(timer));
  });
  it('first test in the hooked suite', () => {});
  it('second test in the hooked suite', () => {});
});

describe('suite that cleans up its before hook', () => {
  let timer;
  before(() => {
    timer = setInterval(() => {}, 1000);
  });
  after(() => clearInterval(timer));
  it('test in the clean hooked suite', () => {});
});

describe('skipped', () => {
  it.skip('is not measured', () => {
    setInterval(() => {}, 1000);
  });
});
`;

describe('leakguard through Mocha, end to end', function () {
  this.timeout(120_000);
  let fixture: Fixture;
  let result: RunResult;

  before(async () => {
    fixture = new Fixture({
      'test/leaks.spec.js': SPEC,
      'test/data.txt': 'some data\n',
      '.leakguardrc.json': JSON.stringify({ report: { json: 'leakguard-report.json' } }),
    });
    result = await fixture.run(['test/leaks.spec.js']);
  });

  after(() => fixture.remove());

  it('leaves Mocha results and exit code as they are (warn mode)', () => {
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /18 passing/);
    assert.match(result.stdout, /1 pending/);
  });

  it('reports exactly the leaking tests and hooks, each on the right probe', () => {
    assert.deepEqual(leakPairs(result.report), [
      'children: children leaves a child process running',
      'fds: fds leaves a file open',
      // The server's descriptor and the child's handle are facets of their items (one resource, one leak).
      'handles: "before all" hook: startTicker in suite with a leaky before hook',
      'handles: handles leaves a server listening',
      'handles: handles leaves an interval running',
      'heap: heap keeps 4 MB of objects',
      'heap: heap keeps a 32 MB Buffer',
      'tmpdir: tmpdir leaves a temp dir behind',
    ]);
  });

  it('says what leaked', () => {
    const leaks = result.report!.leaks;
    const find = (probe: string, test: string) => leaks.find((leak) => leak.probe === probe && leak.test === test)!;
    assert.match(find('fds', 'fds leaves a file open').items[0]!.label, /data\.txt/);
    assert.match(find('handles', 'handles leaves a server listening').items[0]!.label, /127\.0\.0\.1:\d+/);
    const interval = find('handles', 'handles leaves an interval running').items[0]!;
    assert.match(interval.label, /setInterval\(\) every 1000 ms/);
    // Where it was created: the spec's own line, relative to the project.
    assert.match(interval.stack![0]!, /^test\/leaks\.spec\.js:\d+:\d+$/);
    const server = find('handles', 'handles leaves a server listening').items[0]!;
    assert.match(server.stack![0]!, /^test\/leaks\.spec\.js:\d+:\d+$/);
    const hook = find('handles', '"before all" hook: startTicker in suite with a leaky before hook');
    assert.equal(hook.kind, 'hook');
    assert.match(hook.items[0]!.stack![0]!, /^test\/leaks\.spec\.js:\d+:\d+$/);
    assert.deepEqual((server.facets as { probe: string; label: string }[]).map((facet) => facet.probe), ['fds']);
    assert.match((server.facets as { label: string }[])[0]!.label, /TCP listening 127\.0\.0\.1:\d+/);
    const child = find('children', 'children leaves a child process running').items[0]!;
    assert.match((child.facets as { probe: string; label: string }[]).map((facet) => `${facet.probe}: ${facet.label}`).join('\n'), /^handles: child process pid \d+/);
    assert.match(child.label, /^child process pid \d+ \([\d.]+ MiB RSS, [\d.]+% CPU\): .*node -e "setTimeout\(\(\) => \{\}, 60000\)"$/);
    assert.match(child.stack![0]!, /^test\/leaks\.spec\.js:\d+:\d+$/);
    assert.match(find('tmpdir', 'tmpdir leaves a temp dir behind').items[0]!.label, /left-behind-/);
    const heap = find('heap', 'heap keeps a 32 MB Buffer');
    // Net growth: other garbage freed in the same window can take a little off the 32 MiB.
    assert.ok(heap.delta > 31 * 1024 * 1024, `heap delta ${heap.delta}`);
    assert.equal(heap.unit, 'bytes');
  });

  it('counts the measured tests, not the skipped one', () => {
    assert.equal(result.report!.tests, 18);
    assert.equal(result.report!.version, 1);
  });

  it('prints the summary after Mocha output, on stderr', () => {
    assert.match(result.stderr, /leaves a file open/);
    assert.doesNotMatch(result.stdout, /leakguard/);
  });
});
