import { strict as assert } from 'node:assert';
import { exec, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import type { ProbeInstance } from '../../src/core/probe';
import { childrenProbe, type ChildrenOptions } from '../../src/probes/children';
import { runningChildProcesses } from '../../src/probes/creation-sites';
import { changedBy, sample } from '../helpers/probe-harness';

const THIS_FILE = /test\/probes\/children\.test\.ts:\d+:\d+$/;
const LONG_RUNNING = 'setTimeout(() => {}, 60000)';

describe('children probe', function () {
  this.timeout(20_000);
  /** Children a test started, killed in afterEach. */
  let children: ChildProcess[];

  beforeEach(function () {
    children = [];
  });

  afterEach(async function () {
    for (const child of children) {
      if (child.exitCode !== null || child.signalCode !== null) continue;
      child.kill('SIGKILL');
      await once(child, 'exit');
    }
  });

  async function probe(options: ChildrenOptions = {}): Promise<ProbeInstance> {
    const instance = await childrenProbe.create({ options, rootDir: process.cwd(), warn: () => {} });
    assert.ok(instance);
    return instance;
  }



  /** A child started the way a test would, remembered for afterEach. */
  function start(args: string[] = ['-e', LONG_RUNNING], options: Parameters<typeof spawn>[2] = { stdio: 'ignore' }): ChildProcess {
    const child = spawn(process.execPath, args, options);
    children.push(child);
    return child;
  }

  function isAlive(pid: number): boolean {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  }

  it('reports a child process still running: pid, command line and where it was started', async function () {
    const instance = await probe();
    let child!: ChildProcess;
    const items = await changedBy(instance, () => {
      child = start();
    });
    assert.equal(items.length, 1);
    const [item] = items;
    assert.equal(item!.pid, child.pid);
    assert.equal(item!.label, `child process pid ${child.pid}: ${process.execPath} -e "setTimeout(() => {}, 60000)"`);
    assert.match(item!.stack![0]!, THIS_FILE);
  });

  it('does not report a child that exited, and forgets it', async function () {
    const instance = await probe();
    let child!: ChildProcess;
    const items = await changedBy(instance, async () => {
      child = start(['-e', '0']);
      await once(child, 'exit');
    });
    assert.deepEqual(items, []);
    assert.equal(runningChildProcesses().includes(child), false);
  });

  it('is clean once a child that was running at the end has exited (what settling sees)', async function () {
    const instance = await probe();
    const before = await sample(instance);
    const child = start(['-e', 'setTimeout(() => {}, 100)']);
    assert.equal(instance.newItems!(before, await sample(instance)).length, 1);
    await once(child, 'exit');
    assert.deepEqual(instance.newItems!(before, await sample(instance)), []);
  });

  it('reports children of exec() and unref\'d, detached children, which the handles probe does not count', async function () {
    const instance = await probe();
    const items = await changedBy(instance, () => {
      children.push(exec(`"${process.execPath}" -e "${LONG_RUNNING}"`));
      start(['-e', LONG_RUNNING], { stdio: 'ignore', detached: true }).unref();
    });
    assert.equal(items.length, 2);
    const labels = items.map((item) => String(item.label));
    assert.ok(labels.some((label) => label.includes('/bin/sh -c')), labels.join('\n'));
    for (const item of items) assert.match(item.stack![0]!, THIS_FILE);
  });

  it('describes leaked children with their memory and CPU (pidusage)', async function () {
    const instance = await probe();
    const items = await changedBy(instance, () => {
      start();
    });
    const [described] = await instance.describe!(items);
    assert.ok(typeof described!.memory === 'number' && described!.memory > 1024 * 1024, JSON.stringify(described));
    assert.equal(typeof described!.cpuPercent, 'number');
    assert.match(described!.label, /^child process pid \d+ \([\d.]+ MiB RSS, [\d.]+% CPU\): /);
    assert.deepEqual(described!.stack, items[0]!.stack);
  });

  it('kill: true kills a reported child: SIGTERM, then SIGKILL if it is still running 2 s later', async function () {
    const instance = await probe({ kill: true });
    let polite!: ChildProcess;
    let stubborn!: ChildProcess;
    const items = await changedBy(instance, async () => {
      polite = start();
      stubborn = start(['-e', `process.on('SIGTERM', () => {}); process.send('ready'); ${LONG_RUNNING}`], { stdio: ['ignore', 'ignore', 'ignore', 'ipc'] });
      await once(stubborn, 'message');
    });
    const described = await instance.describe!(items);
    assert.deepEqual(
      described.map((item) => item.killed),
      [true, true],
    );
    assert.ok(described.every((item) => item.label.endsWith('(killed by leakguard)')));
    const [code, signal] = await once(polite, 'exit');
    assert.deepEqual([code, signal], [null, 'SIGTERM']);
    const started = Date.now();
    const [, stubbornSignal] = await once(stubborn, 'exit');
    assert.equal(stubbornSignal, 'SIGKILL');
    assert.ok(Date.now() - started > 1000, 'SIGKILL came after the grace time');
    assert.equal(isAlive(stubborn.pid!), false);
  });

  it('leaves leaked children alone by default', async function () {
    const instance = await probe();
    let child!: ChildProcess;
    const items = await changedBy(instance, () => {
      child = start();
    });
    const described = await instance.describe!(items);
    assert.equal(described[0]!.killed, undefined);
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(child.exitCode, null);
    assert.equal(isAlive(child.pid!), true);
  });

  // Why a sample costs microseconds between two tests that change nothing (the time itself
  // is the benchmark's to measure, not a test's: it depends on the machine's load).
  it('hands back its last reading itself while nothing changed: no copy, nothing to compare', async function () {
    const instance = await probe();
    const first = await sample(instance);
    const again = await sample(instance);
    assert.equal(again, first);
    assert.deepEqual(instance.newItems!(first, again), []);
  });
});
