import { strict as assert } from 'node:assert';
import { exec, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import * as fs from 'node:fs';
import type { ProbeInstance } from '../../../src/core/probe';
import { childrenProbe, type ChildrenOptions } from '../../../src/probes/children/children';
import { runningChildProcesses } from '../../../src/instrument/child-processes';
import { descendantsOf } from '../../../src/probes/children/stray-processes';
import { changedBy, sample } from '../../helpers/probe-harness';

const THIS_FILE = /test\/probes\/children\/children\.test\.ts:\d+:\d+$/;
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
      // What it started too: the command of an exec() would outlive its shell.
      for (const { pid } of descendantsOf(child.pid!)) process.kill(pid, 'SIGKILL');
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
    // describe() only describes: both still run until endLeaked().
    const described = await instance.describe!(items);
    assert.deepEqual(described.map((item) => item.killed), [undefined, undefined]);
    assert.deepEqual([isAlive(polite.pid!), isAlive(stubborn.pid!)], [true, true]);
    const ended = await instance.endLeaked!(described);
    assert.deepEqual(
      ended.map((item) => item.killed),
      [true, true],
    );
    assert.ok(ended.every((item) => item.label.endsWith('(killed by leakguard)')));
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

  describe('a process that outlives the child that started it, killed by the test', function () {
    /** Processes the tests orphaned, killed in afterEach (they are nobody's children here). */
    let strays: number[];

    beforeEach(function () {
      strays = [];
    });

    afterEach(function () {
      for (const pid of strays) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // Ended already.
        }
      }
    });

    /**
     * Resolves once `pid` has ended (a zombie or gone). It is nobody's child here, so no
     * event says so; the pipe it shared closes a moment before the kernel marks it ended.
     */
    async function ended(pid: number): Promise<void> {
      for (;;) {
        let state: string;
        try {
          const stat = fs.readFileSync(`/proc/${pid}/stat`, 'latin1');
          state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
        } catch {
          return;
        }
        if (state === 'Z' || state === 'X') return;
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    }

    /**
     * exec() of a command that prints its pid once running: the shell's child. Resolves
     * when the command runs (its first output), with its pid.
     */
    async function execCommand(): Promise<{ child: ChildProcess; commandPid: number }> {
      const child = exec(`"${process.execPath}" -e "console.log(process.pid); ${LONG_RUNNING}"`);
      children.push(child);
      const [chunk] = (await once(child.stdout!, 'data')) as [Buffer | string];
      const commandPid = Number(String(chunk).trim());
      strays.push(commandPid);
      return { child, commandPid };
    }

    it("reports the command of an exec() whose shell the test killed: pid, command line from /proc, the line that started the shell", async function () {
      const instance = await probe();
      let shell!: ChildProcess;
      let commandPid = 0;
      const items = await changedBy(instance, async () => {
        ({ child: shell, commandPid } = await execCommand());
        assert.notEqual(commandPid, shell.pid, 'the shell did not exec the command itself');
        shell.kill();
        await once(shell, 'exit');
      });
      assert.equal(items.length, 1, JSON.stringify(items));
      const [item] = items;
      assert.equal(item!.type, 'stray');
      assert.equal(item!.pid, commandPid);
      assert.equal(
        item!.label,
        `process pid ${commandPid} left running by killed child process pid ${shell.pid}: ${process.execPath} -e "console.log(process.pid); ${LONG_RUNNING}"`,
      );
      assert.deepEqual(item!.parent, { pid: shell.pid, command: `/bin/sh -c ${JSON.stringify(`"${process.execPath}" -e "console.log(process.pid); ${LONG_RUNNING}"`)}` });
      assert.match(item!.stack![0]!, THIS_FILE);
      assert.match(String(childrenProbe.hint instanceof Function && childrenProbe.hint(item)), /without a shell/);
      // Its memory and CPU, like a child's.
      const [described] = await instance.describe!(items);
      assert.match(described!.label, new RegExp(`^process pid ${commandPid} left running by killed child process pid ${shell.pid} \\([\\d.]+ MiB RSS, [\\d.]+% CPU\\): `));
    });

    it('reports what a shell runs in the background (sh -c "... & wait"), and is clean once it ends', async function () {
      const instance = await probe();
      const before = await sample(instance);
      // The background command says when it runs (its pid): then it is no longer a forked shell.
      const background = `"${process.execPath}" -e "console.log(process.pid); ${LONG_RUNNING}"`;
      const shell = spawn('sh', ['-c', `${background} & wait`], { stdio: ['ignore', 'pipe', 'ignore'] });
      children.push(shell);
      const [chunk] = (await once(shell.stdout!, 'data')) as [Buffer];
      const commandPid = Number(String(chunk).trim());
      strays.push(commandPid);
      shell.kill();
      await once(shell, 'exit');
      const items = instance.newItems!(before, await sample(instance));
      assert.deepEqual(
        items.map((item) => [item.type, item.pid, item.label]),
        [
          [
            'stray',
            commandPid,
            `process pid ${commandPid} left running by killed child process pid ${shell.pid}: ${process.execPath} -e "console.log(process.pid); ${LONG_RUNNING}"`,
          ],
        ],
      );
      // Ended: clean.
      process.kill(commandPid, 'SIGKILL');
      await ended(commandPid);
      assert.deepEqual(instance.newItems!(before, await sample(instance)), []);
    });

    it('does not report a killed child that started nothing, nor strays killed in the test', async function () {
      const instance = await probe();
      const items = await changedBy(instance, async () => {
        const child = start(['-e', `console.log('ready'); ${LONG_RUNNING}`], { stdio: ['ignore', 'pipe', 'ignore'] });
        await once(child.stdout!, 'data');
        child.kill();
        await once(child, 'exit');
        const { child: shell, commandPid } = await execCommand();
        shell.kill();
        await once(shell, 'exit');
        process.kill(commandPid, 'SIGTERM');
        await ended(commandPid);
      });
      assert.deepEqual(items, []);
    });

    it('kill: true ends a leaked shell together with the command it runs, which is then no stray', async function () {
      const instance = await probe({ kill: true });
      const before = await sample(instance);
      const { child: shell } = await execCommand();
      const items = instance.newItems!(before, await sample(instance));
      assert.deepEqual(
        items.map((item) => item.pid),
        [shell.pid],
      );
      // Both before the kill: the shell's exit (its signal) and the command's end, which
      // closes the pipe it shared with the shell. They come in either order.
      const shellExited = once(shell, 'exit');
      const pipeClosed = once(shell.stdout!, 'close');
      const [ended] = await instance.endLeaked!(await instance.describe!(items));
      assert.equal(ended!.killed, true);
      assert.match(ended!.label!, /\(killed by leakguard\)$/);
      const [[, signal]] = await Promise.all([shellExited, pipeClosed]);
      assert.equal(signal, 'SIGTERM');
      assert.deepEqual(instance.newItems!(before, await sample(instance)), []);
    });
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
