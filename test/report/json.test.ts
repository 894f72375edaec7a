import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { LeakReport } from '../../src/core/report-model';
import { toJsonReport, writeJsonReportSync } from '../../src/report/json';
import { makeLeak, makeReport } from './fixtures';

const cwd = path.resolve('/home/ci/project');
const inProject = (...parts: string[]): string => path.join(cwd, ...parts);

function leakyReport(): LeakReport {
  return makeReport({
    mode: 'fail',
    tests: 42,
    leaks: [
      makeLeak({
        test: 'server answers',
        file: inProject('test', 'server.spec.js'),
        probe: 'fds',
        delta: 2,
        items: [
          {
            label: 'file out.log',
            type: 'file',
            path: inProject('out.log'),
            stack: [`    at open (${inProject('test', 'server.spec.js')}:42:7)`, 'at node:fs:1:1'],
            fd: 17,
          },
          { label: 'file /tmp/other.log', path: '/tmp/other.log' },
        ],
        itemsTotal: 60,
        hint: 'Close it.',
      }),
    ],
  });
}

describe('toJsonReport', () => {
  it('copies the report with project paths made relative, leaving the input alone', () => {
    const report = leakyReport();
    const before = structuredClone(report);
    const json = toJsonReport(report, cwd);

    assert.deepEqual(report, before);
    assert.equal(json.version, 1);
    assert.equal(json.tests, 42);
    assert.equal(json.mode, 'fail');
    const [leak] = json.leaks;
    assert.ok(leak);
    assert.equal(leak.test, 'server answers');
    assert.equal(leak.file, path.join('test', 'server.spec.js'));
    assert.equal(leak.probe, 'fds');
    assert.equal(leak.delta, 2);
    assert.equal(leak.unit, 'count');
    assert.equal(leak.threshold, 0);
    assert.equal(leak.itemsTotal, 60);
    assert.deepEqual(leak.items, [
      {
        label: 'file out.log',
        type: 'file',
        path: 'out.log',
        stack: [`    at open (${path.join('test', 'server.spec.js')}:42:7)`, 'at node:fs:1:1'],
        fd: 17,
        // Where it was created, as the summary says it: the location of the test's own frame.
        createdAt: `${path.join('test', 'server.spec.js')}:42:7`,
      },
      { label: 'file /tmp/other.log', path: '/tmp/other.log' },
    ]);
    assert.deepEqual(json.probes, report.probes);
    assert.deepEqual(Object.keys(json)[0], 'version');
  });
});

describe('writeJsonReportSync', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'leakguard-json-'));
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('creates missing directories and writes pretty JSON with a final newline', () => {
    const target = path.join(dir, 'reports', 'ci', 'leakguard.json');
    const report = toJsonReport(leakyReport(), cwd);
    writeJsonReportSync(target, report);

    const text = fs.readFileSync(target, 'utf8');
    assert.ok(text.endsWith('}\n'));
    assert.ok(text.startsWith('{\n  "version": 1,\n'));
    const parsed = JSON.parse(text) as LeakReport;
    assert.deepEqual(parsed, report);
    assert.equal(parsed.leaks[0]?.items[0]?.label, 'file out.log');
    assert.deepEqual(fs.readdirSync(path.dirname(target)), ['leakguard.json']);
  });

  it('replaces an existing report and leaves no temporary file', () => {
    const target = path.join(dir, 'leakguard.json');
    fs.writeFileSync(target, '{"old": true}\n');
    writeJsonReportSync(target, makeReport({ tests: 7 }));

    assert.equal((JSON.parse(fs.readFileSync(target, 'utf8')) as LeakReport).tests, 7);
    assert.deepEqual(fs.readdirSync(dir), ['leakguard.json']);
  });

  it('keeps the previous report when the new one cannot be written', () => {
    const target = path.join(dir, 'leakguard.json');
    fs.writeFileSync(target, '{"old": true}\n');
    // A toJSON that throws fails the write after the temporary file exists (a cycle or a
    // BigInt no longer does: see jsonText).
    const unwritable = { toJSON: () => { throw new Error('cannot be written'); } };
    const report = makeReport({ leaks: [makeLeak({ items: [{ label: 'x', unwritable }] })] });

    assert.throws(() => writeJsonReportSync(target, report), (error: Error) => {
      assert.ok(error.message.includes(target), error.message);
      assert.match(error.message, /cannot be written/);
      return true;
    });
    assert.equal(fs.readFileSync(target, 'utf8'), '{"old": true}\n');
    assert.deepEqual(fs.readdirSync(dir), ['leakguard.json']);
  });

  it('names the path and leaves no temporary file when the target is a directory', () => {
    const target = path.join(dir, 'taken');
    fs.mkdirSync(target);

    assert.throws(() => writeJsonReportSync(target, makeReport()), (error: Error) => {
      assert.ok(error.message.includes(target), error.message);
      assert.ok(error.cause instanceof Error);
      return true;
    });
    assert.deepEqual(fs.readdirSync(dir), ['taken']);
    assert.deepEqual(fs.readdirSync(target), []);
  });
});
