/**
 * `mocha --watch` with leakguard, as a developer runs it: a real watcher on a fixture
 * project, spec files edited between reruns. Each rerun must end with one summary of that
 * rerun's leaks only (nothing carried over from the rerun before), after Mocha's output
 * and before its "waiting for changes", and rewrite the JSON report; Ctrl-C must not print
 * the last summary again.
 *
 * Reruns are asked for on stdin ("rs", Mocha's restart key) after each edit, and the spec
 * files are not among the files Mocha's watcher watches (`--watch-files`): a file watcher
 * on a busy machine may see one save as two changes, or miss one, and the reruns would no
 * longer be the ones the test counts. Every wait is on the process's output.
 */
import { strict as assert } from 'node:assert';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Fixture, MOCHA_BIN, REGISTER, leakPairs, lines, type JsonReport } from '../helpers/fixture';

const WAITING = '[mocha] waiting for changes...';
/** leakguard's last summary line: "leakguard: no leaks in ..." or "leakguard: 2 leaks from 2 causes in ...". */
const TOTALS = /^leakguard: (?:no leaks|\d+ leaks? from \d+ causes?) in /;

const REPORT_CONFIG = { '.leakguardrc.json': JSON.stringify({ report: { json: 'leakguard-report.json' } }) };

/** A spec file whose leaky tests leave a timer each, released by the file's after(). */
function timerSpec(suite: string, tests: Record<string, 'leaks an interval' | 'leaks a timeout' | 'clean'>): string {
  const body = Object.entries(tests)
    .map(([title, kind]) => {
      if (kind === 'leaks an interval') return `  it(${JSON.stringify(title)}, () => { const t = setInterval(() => {}, 1000); leftovers.push(() => clearInterval(t)); });`;
      if (kind === 'leaks a timeout') return `  it(${JSON.stringify(title)}, () => { const t = setTimeout(() => {}, 60000); leftovers.push(() => clearTimeout(t)); });`;
      return `  it(${JSON.stringify(title)}, () => { clearInterval(setInterval(() => {}, 1000)); });`;
    })
    .join('\n');
  return `const leftovers = [];\nafter(() => { for (const release of leftovers) release(); });\ndescribe(${JSON.stringify(suite)}, () => {\n${body}\n});\n`;
}

/** A spec file with a server test: left listening (released by after()) or closed. */
function serverSpec(leaky: boolean): string {
  return `
const http = require('node:http');
const leftovers = [];
after(() => { for (const release of leftovers) release(); });
describe('server', () => {
  it('answers on 127.0.0.1', async () => {
    const server = http.createServer((request, response) => response.end('ok'));
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    ${leaky ? 'leftovers.push(() => server.close());' : 'await new Promise((resolve) => server.close(resolve));'}
  });
  it('does nothing', () => {});
});
`;
}

/** What one rerun printed (stdout and stderr in one capture) and the report it left. */
interface Rerun {
  output: string[];
  report: JsonReport | undefined;
}

/** A `mocha --watch` process in its own process group, stdout and stderr merged as written. */
class Watcher {
  private readonly child: ChildProcess;
  private text = '';
  private exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readonly reruns: Rerun[] = [];

  constructor(
    private readonly fixture: Fixture,
    args: string[],
  ) {
    const mocha = [process.execPath, MOCHA_BIN, '--watch', '--require', REGISTER, ...args];
    fs.mkdirSync(path.join(fixture.dir, 'unwatched'), { recursive: true });
    this.child = spawn('sh', ['-c', 'exec "$0" "$@" 2>&1', ...mocha], {
      cwd: fixture.dir,
      env: { ...withoutLeakguardConfig(process.env), TMPDIR: fixture.tmp, NO_COLOR: '1' },
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true,
    });
    const heard = (chunk: string) => {
      this.text += chunk;
      this.notify();
    };
    this.child.stdout!.setEncoding('utf8').on('data', heard);
    this.child.stderr!.setEncoding('utf8').on('data', heard);
    this.exit = new Promise((resolve) => this.child.on('close', (code, signal) => resolve({ code, signal })));
    void this.exit.then(() => this.notify());
  }

  /** Callbacks run on every chunk of output and when the process ends. */
  private readonly listeners = new Set<() => void>();

  private notify(): void {
    for (const listener of [...this.listeners]) listener();
  }

  /** Resolves when `done()` holds, checked on each chunk of output; rejects if the process ends first. */
  private until(done: () => boolean, what: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (done()) {
          this.listeners.delete(check);
          resolve();
        } else if (this.child.exitCode !== null || this.child.signalCode !== null) {
          this.listeners.delete(check);
          reject(new Error(`${what}: mocha exited (${this.child.exitCode ?? this.child.signalCode}); output so far:\n${this.text}`));
        }
      };
      this.listeners.add(check);
      check();
    });
  }

  /** Ask for a rerun, as a developer types "rs" (Mocha's restart key). */
  restart(): void {
    this.child.stdin!.write('rs\n');
  }

  get transcript(): string {
    return this.text;
  }

  /** Wait for rerun number `count` (1-based) to end: Mocha's "waiting for changes" line. */
  async rerun(count: number): Promise<Rerun> {
    await this.until(() => this.segments().length >= count, `rerun ${count} did not end`);
    const reportFile = path.join(this.fixture.dir, 'leakguard-report.json');
    const report = fs.existsSync(reportFile) ? (JSON.parse(fs.readFileSync(reportFile, 'utf8')) as JsonReport) : undefined;
    const rerun = { output: this.segments()[count - 1]!, report };
    this.reruns[count - 1] = rerun;
    return rerun;
  }

  /** The output of each ended rerun, up to and including its "waiting for changes" line. */
  segments(): string[][] {
    const result: string[][] = [];
    let segment: string[] = [];
    for (const line of lines(this.text)) {
      segment.push(line);
      if (line.includes(WAITING)) {
        result.push(segment);
        segment = [];
      }
    }
    return result;
  }

  /** What came after the last ended rerun. */
  tail(): string[] {
    const all = lines(this.text);
    let last = all.length - 1;
    while (last >= 0 && !all[last]!.includes(WAITING)) last--;
    return all.slice(last + 1);
  }

  /** Ctrl-C, as a terminal sends it: SIGINT to the process group; SIGKILL if it lingers. */
  async stop(timeoutMs = 20_000): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return this.exit;
    signalGroup(this.child, 'SIGINT');
    const timer = setTimeout(() => signalGroup(this.child, 'SIGKILL'), timeoutMs);
    try {
      return await this.exit;
    } finally {
      clearTimeout(timer);
    }
  }
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    process.kill(-child.pid!, signal);
  } catch {
    // Already gone.
  }
}

function withoutLeakguardConfig(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const copy = { ...env };
  delete copy.LEAKGUARD_CONFIG;
  return copy;
}

/** Replace a spec file, then ask for a rerun (Mocha loads the spec files afresh for each). */
function edit(watcher: Watcher, fixture: Fixture, name: string, content: string): void {
  fixture.write({ [name]: content });
  watcher.restart();
}

/** Mocha's watcher watches only an empty dir: reruns come from Watcher.restart(). */
const UNWATCHED = ['--watch-files', 'unwatched'];

/** The summary lines of a rerun: from leakguard's first line to its totals line. */
function summaryOf(rerun: Rerun): string[] {
  const first = rerun.output.findIndex((line) => line.startsWith('leakguard:'));
  const last = rerun.output.findIndex((line) => TOTALS.test(line));
  return first === -1 || last === -1 ? [] : rerun.output.slice(first, last + 1);
}

/**
 * One summary, after Mocha's epilogue ("N passing") and right before "waiting for
 * changes": its first line, its totals line and any lines after that (probe faults)
 * come after the epilogue, and nothing else comes between them and "waiting for changes".
 */
function assertOneSummaryAtTheEnd(rerun: Rerun, passing: number, transcript: string): void {
  const { output } = rerun;
  const said = `${output.join('\n')}\n--- whole output:\n${transcript}`;
  const totals = output.filter((line) => TOTALS.test(line));
  assert.equal(totals.length, 1, `expected one summary in the rerun:\n${said}`);
  const passingAt = output.findIndex((line) => new RegExp(`^\\s*${passing} passing`).test(line));
  const totalsAt = output.findIndex((line) => TOTALS.test(line));
  const headerAt = output.findIndex((line) => /^leakguard: .* left resources behind$/.test(line));
  assert.ok(passingAt >= 0, `no "${passing} passing" in the rerun:\n${said}`);
  assert.ok(totalsAt > passingAt, `the summary is not after Mocha's output:\n${said}`);
  assert.ok(headerAt === -1 || (headerAt > passingAt && headerAt < totalsAt), `the summary is not after Mocha's output:\n${said}`);
  assert.ok(output.at(-1)!.includes(WAITING));
  const between = output.slice(totalsAt + 1, -1);
  assert.ok(between.every((line) => line.startsWith('leakguard:')), `output between the summary and "waiting for changes":\n${said}`);
}

describe('mocha --watch', function () {
  this.timeout(180_000);

  describe('serial: four reruns, spec files edited in between', () => {
    let fixture: Fixture;
    let watcher: Watcher;
    let stopped: { code: number | null; signal: NodeJS.Signals | null };

    before(async () => {
      fixture = new Fixture({
        ...REPORT_CONFIG,
        'test/timer.spec.js': timerSpec('timer', { 'starts an interval': 'leaks an interval', 'stops an interval': 'clean' }),
        'test/server.spec.js': serverSpec(true),
      });
      watcher = new Watcher(fixture, [...UNWATCHED, 'test']);
      try {
        // 1: the interval and the server leak.
        await watcher.rerun(1);
        // 2: the interval test is fixed; a new test leaks a timeout.
        edit(watcher, fixture, 'test/timer.spec.js', timerSpec('timer', { 'starts an interval': 'clean', 'sets a timeout': 'leaks a timeout' }));
        await watcher.rerun(2);
        // 3: the server test is fixed.
        edit(watcher, fixture, 'test/server.spec.js', serverSpec(false));
        await watcher.rerun(3);
        // 4: the timer file is down to one clean test: no leaks in 3 tests.
        edit(watcher, fixture, 'test/timer.spec.js', timerSpec('timer', { 'starts an interval': 'clean' }));
        await watcher.rerun(4);
      } finally {
        stopped = await watcher.stop();
      }
    });

    after(() => fixture?.remove());

    it('each rerun ends with exactly one summary, after Mocha\'s output and before "waiting for changes"', () => {
      const passing = [4, 4, 4, 3];
      for (const [index, rerun] of watcher.reruns.entries()) assertOneSummaryAtTheEnd(rerun, passing[index]!, watcher.transcript);
    });

    it('each summary lists exactly its own rerun\'s leaks, nothing carried over', () => {
      const [first, second, third, fourth] = watcher.reruns.map(summaryOf);
      assert.match(first!.join('\n'), /timer starts an interval/);
      assert.match(first!.join('\n'), /server answers on 127\.0\.0\.1/);
      assert.equal(first!.at(-1)!.replace(/ \(.*\) — /, ' — '), 'leakguard: 2 leaks from 2 causes in 2 of 4 tests — mode warn: exit code unchanged');

      assert.doesNotMatch(second!.join('\n'), /timer starts an interval/);
      assert.match(second!.join('\n'), /timer sets a timeout/);
      // The server test leaks again and is listed once, with this rerun's measurement only.
      assert.equal(second!.filter((line) => line.startsWith('server answers on 127.0.0.1')).length, 1, second!.join('\n'));
      assert.equal(second!.at(-1)!.replace(/ \(.*\) — /, ' — '), 'leakguard: 2 leaks from 2 causes in 2 of 4 tests — mode warn: exit code unchanged');

      assert.doesNotMatch(third!.join('\n'), /server answers|timer starts an interval/);
      assert.match(third!.join('\n'), /timer sets a timeout/);
      assert.equal(third!.at(-1)!, 'leakguard: 1 leak from 1 cause in 1 of 4 tests (handles: 1) — mode warn: exit code unchanged');

      assert.equal(fourth!.length, 1, fourth!.join('\n'));
      assert.match(fourth![0]!, /^leakguard: no leaks in 3 tests\b/);
    });

    it('the JSON report is rewritten by each rerun, with that rerun\'s leaks and test count', () => {
      const reports = watcher.reruns.map((rerun) => rerun.report);
      assert.deepEqual(leakPairs(reports[0]), ['handles: server answers on 127.0.0.1', 'handles: timer starts an interval']);
      assert.deepEqual(leakPairs(reports[1]), ['handles: server answers on 127.0.0.1', 'handles: timer sets a timeout']);
      assert.deepEqual(leakPairs(reports[2]), ['handles: timer sets a timeout']);
      assert.deepEqual(leakPairs(reports[3]), []);
      assert.deepEqual(
        reports.map((report) => report?.tests),
        [4, 4, 4, 3],
      );
      // Four different runs, not one report rewritten with the same run.
      assert.equal(new Set(reports.map((report) => report?.startedAt)).size, 4);
    });

    it('Ctrl-C ends the watcher as Mocha does (exit 130), without printing a summary again', () => {
      assert.equal(stopped.signal, null, watcher.transcript);
      assert.equal(stopped.code, 130, watcher.transcript);
      const tail = watcher.tail();
      assert.ok(tail.some((line) => line.includes('[mocha] cleaning up')), tail.join('\n'));
      assert.ok(!tail.some((line) => line.includes('leakguard')), `printed after Ctrl-C:\n${tail.join('\n')}`);
    });
  });

  describe('a custom probe and the config, loaded again for each rerun', () => {
    const SESSIONS = `
const open = new Set();
exports.open = (name) => {
  open.add(name);
  return () => open.delete(name);
};
exports.openSessions = () => [...open];
`;
    /** A plugin probe that reads the project's own module, as the tests use it. */
    const SESSIONS_PROBE = `
const sessions = require('../lib/sessions');
module.exports = {
  name: 'sessions',
  unit: 'count',
  defaultThreshold: 0,
  create: () => ({
    sample: () => ({
      value: sessions.openSessions().length,
      items: sessions.openSessions().map((name) => ({ id: name, label: 'session ' + name })),
    }),
  }),
};
`;
    const spec = (name: string) => `
const sessions = require('../lib/sessions');
const leftovers = [];
after(() => { for (const release of leftovers) release(); });
describe('sessions', () => {
  it('keeps session ${name} open', () => { leftovers.push(sessions.open('${name}')); });
  it('closes its session', () => { sessions.open('closed')(); });
});
`;
    const config = (threshold: number) =>
      JSON.stringify({ report: { json: 'leakguard-report.json' }, plugins: ['./probes/sessions.js'], probes: { sessions: { threshold } } });
    let fixture: Fixture;
    let watcher: Watcher;

    before(async () => {
      fixture = new Fixture({
        '.leakguardrc.json': config(0),
        'lib/sessions.js': SESSIONS,
        'probes/sessions.js': SESSIONS_PROBE,
        'test/sessions.spec.js': spec('first'),
      });
      // lib/ and probes/ are watched (never edited): Mocha drops what it watches from the
      // require cache after each run, so the plugin and the module it reads load afresh.
      watcher = new Watcher(fixture, ['--watch-files', 'lib', '--watch-files', 'probes', 'test']);
      try {
        await watcher.rerun(1);
        // Mocha loads lib/sessions.js again for the rerun: the probe must read that one.
        edit(watcher, fixture, 'test/sessions.spec.js', spec('second'));
        await watcher.rerun(2);
        // An edited config (not watched by Mocha) applies from the next rerun on.
        fixture.write({ '.leakguardrc.json': config(1) });
        edit(watcher, fixture, 'test/sessions.spec.js', spec('third'));
        await watcher.rerun(3);
      } finally {
        await watcher.stop();
      }
    });

    after(() => fixture?.remove());

    it('the probe sees the modules of each rerun, not those of the first', () => {
      const [first, second] = watcher.reruns.map((rerun) => rerun.report);
      assert.deepEqual(leakPairs(first), ['sessions: sessions keeps session first open'], watcher.transcript);
      assert.deepEqual(leakPairs(second), ['sessions: sessions keeps session second open'], watcher.transcript);
      assert.deepEqual(second?.leaks[0]?.items.map((item) => item.label), ['session second']);
    });

    it('an edited config applies to the next rerun', () => {
      const third = watcher.reruns[2]!;
      assert.deepEqual(leakPairs(third.report), [], watcher.transcript);
      assert.deepEqual(third.report?.probes.find((probe) => probe.name === 'sessions'), { name: 'sessions', unit: 'count', threshold: 1 });
      assertOneSummaryAtTheEnd(third, 2, watcher.transcript);
    });
  });

  describe("an editor's save of a watched file during a test", () => {
    /**
     * The first run's first test saves a watched file as editors do (a temporary file
     * renamed over it): Mocha's watcher replaces its watch on that file while the test
     * runs, and aborts the run for a rerun. Neither is the test's leak.
     */
    const SAVING_SPEC = String.raw`
const fs = require('node:fs');
const path = require('node:path');
const once = path.join(__dirname, '..', 'saved-once');
describe('editor', () => {
  it('saves a watched file the way editors do', async () => {
    if (fs.existsSync(once)) return;
    fs.writeFileSync(once, '');
    const file = path.join(__dirname, 'helper.js');
    fs.writeFileSync(file + '.swp', 'module.exports = 2;\n');
    fs.renameSync(file + '.swp', file);
    // The watcher reacts while this test still runs (or during leakguard's wait after it).
    await new Promise((resolve) => setTimeout(resolve, 200));
  });
  it('runs after the save', () => {});
});
`;
    let fixture: Fixture;
    let watcher: Watcher;

    before(async () => {
      fixture = new Fixture({ ...REPORT_CONFIG, 'test/helper.js': 'module.exports = 1;\n', 'test/save.spec.js': SAVING_SPEC });
      watcher = new Watcher(fixture, ['test']);
      try {
        // The save aborts the first run; the rerun it starts ends with "waiting for changes".
        await watcher.rerun(1);
      } finally {
        await watcher.stop();
      }
    });

    after(() => fixture?.remove());

    it("does not report Mocha's own watcher as the test's handle leak", () => {
      const transcript = watcher.transcript;
      assert.ok(fixture.exists('saved-once'), transcript);
      assert.doesNotMatch(transcript, /chokidar|fs\.watch\(\) watcher|left resources behind/, transcript);
      const totals = lines(transcript).filter((line) => TOTALS.test(line));
      assert.ok(totals.length >= 1, transcript);
      for (const line of totals) assert.match(line, /^leakguard: no leaks in \d tests?\b/, transcript);
      assert.deepEqual(leakPairs(watcher.reruns[0]!.report), []);
    });
  });

  describe('--parallel: the workers of each rerun, merged', () => {
    let fixture: Fixture;
    let watcher: Watcher;
    let stopped: { code: number | null; signal: NodeJS.Signals | null };

    before(async () => {
      fixture = new Fixture({
        ...REPORT_CONFIG,
        'test/first.spec.js': timerSpec('first', { 'starts an interval': 'leaks an interval', 'stops an interval': 'clean' }),
        'test/second.spec.js': timerSpec('second', { 'sets a timeout': 'leaks a timeout', 'stops an interval': 'clean' }),
      });
      watcher = new Watcher(fixture, [...UNWATCHED, '--parallel', '--jobs', '2', 'test']);
      try {
        await watcher.rerun(1);
        edit(watcher, fixture, 'test/first.spec.js', timerSpec('first', { 'starts an interval': 'clean', 'stops an interval': 'clean' }));
        await watcher.rerun(2);
      } finally {
        stopped = await watcher.stop();
      }
    });

    after(() => fixture?.remove());

    it('one summary per rerun, with the findings of every worker', () => {
      for (const rerun of watcher.reruns) assertOneSummaryAtTheEnd(rerun, 4, watcher.transcript);
      const [first, second] = watcher.reruns.map(summaryOf);
      assert.equal(first!.at(-1)!, 'leakguard: 2 leaks from 2 causes in 2 of 4 tests (handles: 2) — mode warn: exit code unchanged');
      assert.equal(second!.at(-1)!, 'leakguard: 1 leak from 1 cause in 1 of 4 tests (handles: 1) — mode warn: exit code unchanged');
      assert.doesNotMatch(second!.join('\n'), /first starts an interval/);
    });

    it('one JSON report per rerun', () => {
      const [first, second] = watcher.reruns.map((rerun) => rerun.report);
      assert.deepEqual(leakPairs(first), ['handles: first starts an interval', 'handles: second sets a timeout']);
      assert.deepEqual(leakPairs(second), ['handles: second sets a timeout']);
      assert.equal(first?.tests, 4);
      assert.equal(second?.tests, 4);
    });

    it('Ctrl-C: exit 130, nothing printed again, no run directory left behind', () => {
      assert.equal(stopped.code, 130, watcher.transcript);
      assert.ok(!watcher.tail().some((line) => line.includes('leakguard')), watcher.tail().join('\n'));
      assert.deepEqual(fs.readdirSync(fixture.tmp).filter((name) => name.startsWith('leakguard-run-')), []);
    });
  });
});
