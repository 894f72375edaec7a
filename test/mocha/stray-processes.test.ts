/**
 * A test that kills the shell of an exec() and leaves the command it ran running (as
 * socket.io-client's test/node.ts does), through a real Mocha run: the surviving process
 * is reported with its pid, its command line and the line that started the shell; a test
 * that kills a child that started nothing is not. The fixture kills its stray in a root
 * `after` hook (undoing a leak is not a leak), and this test kills it too, whatever happens.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Fixture, leakPairs, type RunResult } from '../helpers/fixture';

const SPEC = String.raw`
const cp = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { once } = require('node:events');

const PID_FILE = path.join(__dirname, '..', 'stray.pid');
after(() => {
  // Root-level cleanup so the run can end: the stray holds the exec's pipes open.
  try {
    process.kill(Number(fs.readFileSync(PID_FILE, 'utf8')), 'SIGKILL');
  } catch {}
});

describe('exec', () => {
  it('kills the shell of an exec and leaves its command running', async () => {
    const command = JSON.stringify(process.execPath) + ' -e ' + JSON.stringify('require("fs").writeFileSync(' + JSON.stringify(PID_FILE) + ', String(process.pid)); console.log("ready"); setInterval(() => {}, 1000)');
    const child = cp.exec(command);
    await once(child.stdout, 'data');
    child.kill();
    await once(child, 'exit');
  });
  it('kills a child that started nothing', async () => {
    const child = cp.spawn(process.execPath, ['-e', 'console.log("ready"); setInterval(() => {}, 1000)'], { stdio: ['ignore', 'pipe', 'ignore'] });
    await once(child.stdout, 'data');
    child.kill();
    await once(child, 'close');
  });
});
`;

describe('a process that outlives the shell a test killed, end to end', function () {
  this.timeout(120_000);
  let fixture: Fixture;
  let run: RunResult;
  let strayPid = 0;

  before(async () => {
    fixture = new Fixture({
      'test/exec.spec.js': SPEC,
      '.leakguardrc.json': JSON.stringify({ report: { json: 'leakguard-report.json' } }),
    });
    run = await fixture.run(['test']);
    strayPid = Number(fs.readFileSync(path.join(fixture.dir, 'stray.pid'), 'utf8'));
  });

  after(() => {
    try {
      if (strayPid > 0) process.kill(strayPid, 'SIGKILL');
    } catch {
      // Ended by the fixture's own after hook.
    }
    fixture.remove();
  });

  it("leaves Mocha's results as they are", () => {
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /2 passing/);
  });

  it('reports the surviving process on the test that killed its shell: pid, command line, the line that started the shell', () => {
    // One finding: the process, with the exec's pipes it holds open (which the fds and
    // handles probes see) as its facets; before, 2 fds and 2 pipes, no process, no line.
    assert.deepEqual(leakPairs(run.report), ['children: exec kills the shell of an exec and leaves its command running'], run.stderr);
    const leak = run.report!.leaks.find((candidate) => candidate.probe === 'children')!;
    assert.equal(leak.items.length, 1, JSON.stringify(leak.items));
    const item = leak.items[0]! as { label: string; pid?: number; type?: string; stack?: string[]; facets?: { probe: string }[] };
    assert.equal(item.type, 'stray');
    assert.equal(item.pid, strayPid);
    // (A long path to node leaves no room for the script: its arguments are cut, whole.)
    assert.match(
      item.label,
      new RegExp(`^process pid ${strayPid} left running by killed child process pid \\d+ \\([\\d.]+ MiB RSS, [\\d.]+% CPU\\): \\S*node -e (?:"require\\(.*setInterval.*"|\\.\\.\\.), with 2 pipes \\(fds \\d+, \\d+\\)$`),
    );
    assert.deepEqual(item.facets?.map((facet) => facet.probe).sort(), ['fds', 'fds', 'handles', 'handles']);
    assert.match((item as { parent?: { command: string } }).parent!.command, /^\/bin\/sh -c /);
    assert.match(item.stack![0]!, /^test\/exec\.spec\.js:\d+:\d+$/);
    assert.match(leak.hint ?? '', /without a shell/);
    // The summary shortens the long label, keeping its start: what the process outlived.
    assert.match(run.stderr, new RegExp(`^ {4}process pid ${strayPid} left running by killed child process pid.*…`, 'm'));
  });
});
