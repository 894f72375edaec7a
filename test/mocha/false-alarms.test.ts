/**
 * Findings must be trustworthy enough to fail CI on: no alarm for one-time growth,
 * bounded caches, transient resources or memory released late; real growth still found;
 * late leaks blamed on the test that caused them; failing and timed-out tests measured.
 */
import { strict as assert } from 'node:assert';
import { Fixture, leakPairs, type RunResult } from '../helpers/fixture';

const SPEC = String.raw`
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

// A module-level lookup table, filled on first use.
const table = [];
function lookup(i) {
  if (table.length === 0) for (let k = 0; k < 40000; k++) table.push({ k, name: 'entry-' + k });
  return table[i];
}

// A lazily created singleton.
let client;
function getClient() {
  if (!client) client = { buffers: Array.from({ length: 30000 }, (_, i) => ({ i, tag: 'conn-' + i })) };
  return client;
}

// An LRU cache with a bound: fills, then evicts.
class Lru {
  constructor(max) { this.max = max; this.map = new Map(); }
  set(key, value) {
    this.map.delete(key);
    this.map.set(key, value);
    if (this.map.size > this.max) this.map.delete(this.map.keys().next().value);
  }
}
const lru = new Lru(20000);
let nextKey = 0;

const grows = [];
const leftovers = [];
const serverUp = Object.assign(new (require('node:events'))(), { listening: false });
after(() => leftovers.forEach((release) => release()));

describe('one-time growth', () => {
  it('fills a lookup table on first use', () => { lookup(3); });
  it('uses the lookup table again', () => { lookup(4); });
  it('creates a singleton lazily', () => { getClient(); });
  it('fills an LRU cache to its bound', () => {
    for (let i = 0; i < 25000; i++) lru.set(nextKey++, { payload: 'v'.repeat(40) + i });
  });
  it('keeps using the full LRU cache', () => {
    for (let i = 0; i < 25000; i++) lru.set(nextKey++, { payload: 'v'.repeat(40) + i });
  });
  it('starts and closes the first fs.watch of the process', () => {
    fs.watch(__dirname).close();
  });
});

describe('shared temp dir', () => {
  it('runs while another process leaves a temp dir behind', () => {
    require('node:child_process').execFileSync(process.execPath, ['-e', "require('fs').mkdtempSync(require('path').join(require('os').tmpdir(), 'someone-else-'))"]);
  });
});

describe('real growth', () => {
  it('adds 4 MB to a module-level array every time it runs', () => {
    for (let i = 0; i < 40000; i++) grows.push({ i, text: 'x'.repeat(64) + i });
  });
});

let lastServer;
describe('transient resources', () => {
  let server;
  before((done) => {
    server = net.createServer((socket) => setTimeout(() => socket.destroy(), 40));
    server.listen(0, '127.0.0.1', done);
  });
  after((done) => server.close(done));

  it('has a client socket the server closes 40 ms after the test', (done) => {
    const socket = net.connect(server.address().port, '127.0.0.1', () => done());
    socket.on('error', () => {});
  });
  it('has a timer that fires 20 ms after the test', () => {
    setTimeout(() => {}, 20);
  });
  // The stack leakguard captures when the server is created holds every frame's function:
  // here a closure over 3 MB. The server is closed, but a module-level variable keeps it;
  // a creation stack kept unformatted on it would keep the 3 MB too (seen on ws).
  it('creates a server from a closure over 3 MB, closes it, and keeps the closed server', (done) => {
    const payload = Array.from({ length: 40000 }, (_, i) => ({ i, tag: 'payload-' + i }));
    const server = net.createServer();
    (function listenWithPayload() {
      if (payload.length === 0) return;
      server.listen(0, '127.0.0.1', () => server.close(done));
    })();
    lastServer = server;
  });
  // Like express's router: a chain of handlers, deferred with setImmediate every 100 calls.
  // Node can still reference the last ones for a few ms after done() (see
  // QUEUED_WORK_PAUSES in engine.ts); on express that was taken for a leak in 1 run of 3.
  // Here the timing rarely lines up, so this guards the case more than it reproduces it.
  it('walks a 4 MB chain of handlers deferred with setImmediate', (done) => {
    const layers = Array.from({ length: 30000 }, (_, i) => ({ i, tag: 'layer-' + i, fn: () => i }));
    let index = 0;
    let sync = 0;
    const next = () => {
      if (++sync > 100) { sync = 0; return setImmediate(next); }
      if (index >= layers.length) return done();
      layers[index++].fn();
      next();
    };
    next();
  });
});

describe('late async leaks', () => {
  it('starts an interval from a timer that fires after the test', () => {
    setTimeout(() => {
      const timer = setInterval(() => {}, 1000);
      leftovers.push(() => clearInterval(timer));
    }, 20);
  });
  it('is the next test, and clean', () => {});
  it('starts a server from a timer that fires after the test', () => {
    setTimeout(() => {
      const server = net.createServer().listen(0, '127.0.0.1', () => {
        serverUp.listening = true;
        serverUp.emit('listening');
      });
      leftovers.push(() => server.close());
    }, 20);
  });
  it('is running when that server starts listening (or just after), and clean', (done) => {
    if (serverUp.listening) done();
    else serverUp.once('listening', () => done());
  });
});

describe('failing and slow tests', () => {
  it('fails after leaving an interval', () => {
    const timer = setInterval(() => {}, 1000);
    leftovers.push(() => clearInterval(timer));
    throw new Error('expected failure');
  });
  it('times out after leaving an interval', function (done) {
    this.timeout(50);
    const timer = setInterval(() => {}, 1000);
    leftovers.push(() => clearInterval(timer));
  });
});
`;

describe('no false alarms, no wrong blame', function () {
  this.timeout(120_000);
  let fixture: Fixture;
  let result: RunResult;

  before(async () => {
    fixture = new Fixture({
      'test/trust.spec.js': SPEC,
      '.leakguardrc.json': JSON.stringify({ report: { json: 'leakguard-report.json' } }),
    });
    result = await fixture.run(['test/trust.spec.js']);
  });

  after(() => fixture.remove());

  it('leaves Mocha results as they are', () => {
    assert.match(result.stdout, /16 passing/);
    assert.match(result.stdout, /2 failing/);
    assert.equal(result.code, 2, result.stderr);
  });

  it('reports real growth, the late leak and the failing tests, and nothing else', () => {
    assert.deepEqual(leakPairs(result.report), [
      'handles: failing and slow tests fails after leaving an interval',
      'handles: failing and slow tests times out after leaving an interval',
      'handles: late async leaks starts a server from a timer that fires after the test',
      'handles: late async leaks starts an interval from a timer that fires after the test',
      'heap: real growth adds 4 MB to a module-level array every time it runs',
    ], result.stderr);
  });

  it('shows the run again of a real memory leak that alone fed its site: once (the default), growing again', () => {
    const leak = result.report!.leaks.find((entry) => entry.probe === 'heap')!;
    const repeats = leak.repeats;
    assert.ok(repeats, `not run again:\n${result.stderr}`);
    // Its site grew by about what its first run kept (4 MB each time).
    assert.equal(repeats.length, 1, `repeats ${repeats.join(', ')}, first run ${leak.delta}`);
    for (const growth of repeats) assert.ok(growth > 2 * 1024 * 1024, `repeat grew ${growth}\n${result.stderr}`);
  });

  it('lists one-time growth apart, as retained once', () => {
    const retained = result.report!.retainedOnce;
    const titles = retained.map((entry) => entry.test);
    assert.ok(titles.includes('one-time growth fills a lookup table on first use'), `${titles.join('\n')}\n${result.stderr}`);
    assert.match(result.stderr, /retained once, not counted as leaks/);
  });

  it('names the interval started late, where it was created', () => {
    const late = result.report!.leaks.find((entry) => entry.test.includes('late async'))!;
    assert.match(late.items[0]!.label, /setInterval\(\) every 1000 ms/);
    assert.match(late.items[0]!.stack![0]!, /^test\/trust\.spec\.js:\d+:\d+$/);
  });
});

/** 30 tests that each keep 300 KB: 9 MB in all, none of them over the 1 MiB per-test threshold. */
const ADDS_UP_SPEC = `
// A cache in another module: what only a test file's own closures keep, Mocha drops when
// the file's suites end.
const kept = require('./registry');
describe('small leaks', () => {
  for (let i = 0; i < 30; i++) {
    it('keeps 300 KB in a module-level array, #' + i, () => {
      // ~270 bytes per entry here: the object, its slot, and a cons string of four parts.
      kept.push(Array.from({ length: 1100 }, (_, k) => ({ k, text: 'kept-' + i + '-' + k + '-'.repeat(40) })));
    });
  }
});
`;

/** The same allocations, dropped at the end of each test: garbage, not growth. */
const GARBAGE_SPEC = ADDS_UP_SPEC.replace("describe('small leaks'", "describe('garbage only'").replace(
  'kept.push(',
  'const dropped = (',
);

/** The same growth, released by the file's own after() hook: nets out. */
const CLEARED_SPEC = ADDS_UP_SPEC.replace("describe('small leaks', () => {", "describe('cleared by after', () => {\n  after(() => { kept.length = 0; });");

const REGISTRY = 'module.exports = [];\n';

/**
 * Nothing retained: each test's 2 MB is reachable for two turns after done(), so the
 * collection that confirms it still sees it and the next one does not. (Charged to the
 * file and never taken back, it made a false "small leaks add up" report on ws and express.)
 */
const FREED_LATE_SPEC = `
describe('freed a turn late', () => {
  for (let i = 0; i < 4; i++) {
    it('holds 2 MB for two turns after done, #' + i, (done) => {
      const big = Array.from({ length: 250000 }, (_, j) => ({ j }));
      setImmediate(() => {
        done();
        setImmediate(() => setImmediate(() => big.length));
      });
    });
  }
});
`;

describe('small leaks that add up, by site', function () {
  this.timeout(120_000);
  let fixture: Fixture;
  let result: RunResult;

  before(async () => {
    fixture = new Fixture({
      'test/adds-up.spec.js': ADDS_UP_SPEC,
      'test/garbage.spec.js': GARBAGE_SPEC,
      'test/cleared.spec.js': CLEARED_SPEC,
      'test/registry.js': REGISTRY,
      'test/freed-late.spec.js': FREED_LATE_SPEC,
      '.leakguardrc.json': JSON.stringify({ report: { json: 'leakguard-report.json' } }),
    });
    result = await fixture.run(['test/freed-late.spec.js', 'test/cleared.spec.js', 'test/adds-up.spec.js', 'test/garbage.spec.js']);
  });

  after(() => fixture.remove());

  it('names the 30 tests that kept 300 KB each at one allocation site, none over the threshold; not memory freed late, dropped or cleared by after()', () => {
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /94 passing/);
    const report = result.report!;
    const titles = Array.from({ length: 30 }, (_, i) => `small leaks keeps 300 KB in a module-level array, #${i}`);
    // Every one of them, in the order they ran, and nothing from the other files.
    assert.deepEqual(
      report.leaks.map((leak) => `${leak.kind} ${leak.probe} ${leak.file} ${leak.test}`),
      titles.map((title) => `test heap test/adds-up.spec.js ${title}`),
      result.stderr,
    );
    const sites = (report.memorySites ?? []).filter((site) => site.verdict === 'leak');
    assert.equal(sites.length, 1, JSON.stringify(report.memorySites));
    const [site] = sites;
    assert.match(site!.site, /^test\/adds-up\.spec\.js:\d+:\d+$/);
    assert.deepEqual(site!.tests.map((test) => test.test), titles);
    // 30 x ~250 KB (measured after a GC in a plain script), estimated from ~64 KiB samples.
    assert.ok(site!.bytes > 4 * 1024 * 1024 && site!.bytes < 14 * 1024 * 1024, `kept ${site!.bytes}`);
    for (const leak of report.leaks) {
      assert.ok(leak.delta < leak.threshold, `${leak.test}: ${leak.delta}, each under the threshold`);
      assert.deepEqual(leak.items.map((item) => item.id), [site!.site]);
    }
  });

  it('says so in the summary: one block for the site, the tests under it', () => {
    assert.match(result.stderr, /^30 tests kept memory allocated in \(anonymous\) \(test\/adds-up\.spec\.js:\d+:\d+\): \+\d+ KiB each, [\d.]+ MiB in all$/m);
    assert.match(result.stderr, /^ {4}small leaks keeps 300 KB in a module-level array, #0 \(test\/adds-up\.spec\.js\): \+\d+ KiB$/m);
    assert.match(result.stderr, /^ {4}… and 25 more$/m);
    assert.equal(result.stderr.match(/kept memory allocated in/g)?.length, 1);
    assert.match(result.stderr, /^leakguard: 30 leaks from 1 cause in 30 of 94 tests \(heap: 30\)/m);
  });

  it('readAfter is validated like a threshold; the options of the per-file check are gone, named as unknown', async () => {
    const bad = await fixture.run(['test/garbage.spec.js'], {
      env: { LEAKGUARD_CONFIG: 'bad.json' },
    });
    // No such file: the one-line error, before any test.
    assert.equal(bad.code, 1);
    fixture.write({ 'bad.json': JSON.stringify({ probes: { heap: { readAfter: '4XB' } } }) });
    const invalid = await fixture.run(['test/garbage.spec.js'], { env: { LEAKGUARD_CONFIG: 'bad.json' } });
    assert.equal(invalid.code, 1);
    assert.match(invalid.stderr, /probes\.heap\.readAfter: .*XB/);
    fixture.write({ 'bad.json': JSON.stringify({ probes: { heap: { fileThreshold: '4MiB' } } }) });
    const gone = await fixture.run(['test/garbage.spec.js'], { env: { LEAKGUARD_CONFIG: 'bad.json' } });
    assert.equal(gone.code, 1);
    assert.match(gone.stderr, /probes\.heap: unknown key "fileThreshold"/);
  });
});

/**
 * Tests that log what they built. While leakguard's inspector session is connected, V8
 * keeps the last 1,000 console messages with their arguments: without letting them go
 * before each GC that judges memory, every one of these tests was reported as keeping
 * its array. Beside them, tests that log and also keep theirs.
 */
const LOGS_SPEC = `
function rows(n, tag) { return Array.from({ length: n }, (_, i) => ({ i, name: tag + '-' + i })); }
describe('logs what it built', () => {
  for (let i = 0; i < 12; i++) {
    it('logs 1.5 MB of rows, #' + i, () => {
      const built = rows(20000, 'logged-' + i);
      console.log('built', built.length > 0 ? built : null);
    });
  }
});
`;

const LOGS_AND_KEEPS_SPEC = `
const kept = [];
function rows(n, tag) { return Array.from({ length: n }, (_, i) => ({ i, name: tag + '-' + i })); }
describe('logs and keeps what it built', () => {
  for (let i = 0; i < 6; i++) {
    it('logs 1.5 MB of rows and keeps them, #' + i, () => {
      const built = rows(20000, 'kept-' + i);
      console.log('built', built.length > 0 ? built : null);
      kept.push(built);
    });
  }
});
`;

describe('what tests log is not what they kept', function () {
  this.timeout(120_000);
  let fixture: Fixture;
  let result: RunResult;

  before(async () => {
    fixture = new Fixture({
      'test/logs.spec.js': LOGS_SPEC,
      'test/logs-and-keeps.spec.js': LOGS_AND_KEEPS_SPEC,
      '.leakguardrc.json': JSON.stringify({ report: { json: 'leakguard-report.json' } }),
    });
    result = await fixture.run(['test/logs.spec.js', 'test/logs-and-keeps.spec.js']);
  });

  after(() => fixture.remove());

  it('names only the tests that kept their rows, under the one site', () => {
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /18 passing/);
    assert.deepEqual(
      leakPairs(result.report),
      Array.from({ length: 6 }, (_, i) => `heap: logs and keeps what it built logs 1.5 MB of rows and keeps them, #${i}`),
      result.stderr,
    );
    const sites = (result.report!.memorySites ?? []).filter((site) => site.verdict === 'leak');
    assert.deepEqual(
      sites.map((site) => site.site.replace(/:\d+:\d+$/, '')),
      ['test/logs-and-keeps.spec.js'],
      JSON.stringify(result.report!.memorySites),
    );
  });
});
