/**
 * The listeners, globals, children and env probes through a real Mocha subprocess: each
 * leak found on the right test, next to a clean twin that is not flagged; `children.kill`
 * ending an orphaned child so the run can finish.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Fixture, leakPairs, type JsonReport, type RunResult } from '../helpers/fixture';

/** Sloppy-mode CommonJS, as most test files are: `leaked = 1` creates a global. */
const SPEC = String.raw`
const cp = require('node:child_process');
const { once } = require('node:events');

const leftovers = [];
after(() => {
  // Root-level cleanup so the process can exit; undoing a leak is not a leak itself.
  for (const release of leftovers) release();
});

describe('listeners', () => {
  it('leaves a listener on process', () => {
    const onExit = () => {};
    process.on('exit', onExit);
    leftovers.push(() => process.off('exit', onExit));
  });
  it('removes its listener', () => {
    const onExit = () => {};
    process.on('exit', onExit);
    process.off('exit', onExit);
  });
  it('leaves an uncaughtException listener', () => {
    const onError = () => {};
    process.on('uncaughtException', onError);
    leftovers.push(() => process.off('uncaughtException', onError));
  });
});

describe('globals', () => {
  it('assigns to an undeclared variable', () => {
    leaked = 1;
  });
  it('declares its variable', () => {
    let declared = 1;
    declared += 1;
  });
});

describe('children', () => {
  it('leaves a child process running', () => {
    const child = cp.spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    leftovers.push(() => child.kill());
  });
  it('waits for its child process', async () => {
    const child = cp.spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
    await once(child, 'exit');
  });
});

describe('env', () => {
  it('sets an environment variable', () => {
    process.env.LEAKGUARD_E2E_ADDED = '1';
  });
  it('restores the environment variable it set', () => {
    process.env.LEAKGUARD_E2E_RESTORED = '1';
    delete process.env.LEAKGUARD_E2E_RESTORED;
  });
});
`;

/** A test that orphans a child, with no cleanup at all: without kill, it would hold Mocha for 60 s. */
const ORPHAN_SPEC = String.raw`
const cp = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

describe('orphan', () => {
  it('starts a child and forgets it', () => {
    const child = cp.spawn(process.execPath, ['-e', 'setInterval(() => {}, 60000)'], { stdio: 'ignore' });
    fs.writeFileSync(path.join(__dirname, '..', 'orphan.pid'), String(child.pid));
  });
  it('is clean', () => {});
});
`;

describe('listeners, globals, children and env probes through Mocha, end to end', function () {
  this.timeout(120_000);
  let fixture: Fixture;
  let serial: RunResult;
  let parallel: RunResult;

  before(async () => {
    fixture = new Fixture({
      'test/more.spec.js': SPEC,
      '.leakguardrc.json': JSON.stringify({ report: { json: 'leakguard-report.json' }, probes: { env: { enabled: true } } }),
    });
    serial = await fixture.run(['test']);
    parallel = await fixture.run(['--parallel', 'test']);
  });

  after(() => fixture.remove());

  const EXPECTED = [
    'children: children leaves a child process running',
    'env: env sets an environment variable',
    'globals: globals assigns to an undeclared variable',
    // The child's ProcessWrap is a facet of its children item: one resource, one leak.
    'listeners: listeners leaves a listener on process',
    'listeners: listeners leaves an uncaughtException listener',
  ];

  it('leaves Mocha results and exit code as they are', () => {
    assert.equal(serial.code, 0, serial.stderr);
    assert.match(serial.stdout, /9 passing/);
  });

  it('reports exactly the leaking tests, each on the right probe, and none of the clean twins', () => {
    assert.deepEqual(leakPairs(serial.report), EXPECTED, serial.stderr);
    assert.deepEqual(serial.report!.faults, []);
  });

  it('says what leaked and where', () => {
    const find = leakFinder(serial.report!);
    const listener = find('listeners', 'listeners leaves a listener on process').items;
    assert.deepEqual(
      listener.map((item) => item.label),
      ['"exit" listener on process (onExit)'],
    );
    assert.match(listener[0]!.stack![0]!, /^test\/more\.spec\.js:\d+:\d+$/);
    // leakguard takes uncaughtException listeners off while it samples: the test's is still seen.
    const uncaught = find('listeners', 'listeners leaves an uncaughtException listener').items;
    assert.deepEqual(
      uncaught.map((item) => item.label),
      ['"uncaughtException" listener on process (onError)'],
    );
    assert.match(uncaught[0]!.stack![0]!, /^test\/more\.spec\.js:\d+:\d+$/);
    assert.deepEqual(
      find('globals', 'globals assigns to an undeclared variable').items.map((item) => item.label),
      ['global "leaked" added'],
    );
    const child = find('children', 'children leaves a child process running').items[0]!;
    assert.match(child.label, /^child process pid \d+ \([\d.]+ MiB RSS, [\d.]+% CPU\): .*node -e "setTimeout\(\(\) => \{\}, 60000\)"$/);
    assert.match(child.stack![0]!, /^test\/more\.spec\.js:\d+:\d+$/);
    assert.deepEqual((child.facets as { probe: string; type?: string }[]).map((facet) => `${facet.probe} ${facet.type}`), ['handles ProcessWrap']);
    assert.deepEqual(
      find('env', 'env sets an environment variable').items.map((item) => item.label),
      ['env LEAKGUARD_E2E_ADDED added'],
    );
    for (const leak of serial.report!.leaks) assert.ok(leak.hint && leak.hint.length > 20, `${leak.probe} has a hint`);
  });

  it('prints them in the summary', () => {
    assert.match(serial.stderr, /global "leaked" added/);
    assert.match(serial.stderr, /"exit" listener on process \(onExit\), created at test\/more\.spec\.js:\d+:\d+/);
    assert.match(serial.stderr, /env LEAKGUARD_E2E_ADDED added/);
  });

  it('finds the same in mocha --parallel', () => {
    assert.equal(parallel.code, 0, parallel.stderr);
    assert.deepEqual(leakPairs(parallel.report), EXPECTED, parallel.stderr);
  });

  describe('children.kill: true', () => {
    let killFixture: Fixture;
    let result: RunResult;
    let pid: number;

    before(async () => {
      killFixture = new Fixture({
        'test/orphan.spec.js': ORPHAN_SPEC,
        '.leakguardrc.json': JSON.stringify({ report: { json: 'leakguard-report.json' }, probes: { children: { kill: true } } }),
      });
      result = await killFixture.run(['test'], { timeoutMs: 50_000 });
      pid = Number(fs.readFileSync(path.join(killFixture.dir, 'orphan.pid'), 'utf8'));
    });

    after(() => {
      if (pid > 0 && isRunning(pid)) process.kill(pid, 'SIGKILL');
      killFixture.remove();
    });

    it('reports the orphan, kills it, and so the run ends instead of waiting for it', () => {
      assert.equal(result.signal, null, 'Mocha was not killed by the fixture timeout');
      assert.equal(result.code, 0, result.stderr);
      // The child never exits by itself: had it not been killed, the run would still be
      // waiting for it when the fixture's time ran out (a signal, above).
      assert.deepEqual(leakPairs(result.report), ['children: orphan starts a child and forgets it']);
      const item = leakFinder(result.report!)('children', 'orphan starts a child and forgets it').items[0]! as { label: string; killed?: boolean; pid?: number };
      assert.equal(item.pid, pid);
      assert.equal(item.killed, true);
      assert.match(item.label, /\(killed by leakguard\)$/);
      assert.match(result.stderr, /\(killed by leakguard\)/);
    });

    it('the child is gone after the run', () => {
      assert.equal(isRunning(pid), false, `pid ${pid} is still running`);
    });
  });
});

function leakFinder(report: JsonReport) {
  return (probe: string, test: string) => {
    const leak = report.leaks.find((candidate) => candidate.probe === probe && candidate.test === test);
    assert.ok(leak, `no ${probe} leak for "${test}": ${JSON.stringify(leakPairs(report))}`);
    return leak;
  };
}

/** Whether `pid` is a live process (a zombie, exited but not yet reaped, is not). */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0] !== 'Z';
  } catch {
    return true;
  }
}
