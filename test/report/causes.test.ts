/**
 * One block per cause in the summary, and the JSON report's `causes`: the grouping by
 * probe and creation site (report/causes.ts) as the outputs show it. End to end:
 * test/mocha/causes.test.ts.
 */
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import type { Leak } from '../../src/core/report-model';
import { causeEntries, groupByCause } from '../../src/report/causes';
import { toJsonReport } from '../../src/report/json';
import { formatSummary } from '../../src/report/summary';
import { makeLeak, makeReport } from './fixtures';

const cwd = path.resolve('/home/ci/project');
const helper = path.join(cwd, 'test', 'helpers.js');
const spec = path.join(cwd, 'test', 'app.spec.js');
const SERVER_HINT = 'A server was started in this test and never closed. Call server.close() in afterEach.';

/** A test that left one server, created by the `listen` helper at line 7. */
function serverLeak(index: number): Leak {
  return makeLeak({
    test: `app serves ${index}`,
    file: spec,
    probe: 'handles',
    items: [{ id: `handle:${index}`, label: `server listening on 127.0.0.1:${4000 + index}`, type: 'TCPServerWrap', stack: [`    at listen (${helper}:7:42)`, `    at Context.<anonymous> (${spec}:${10 + index}:5)`] }],
    hint: SERVER_HINT,
  });
}

describe('causes: grouping', () => {
  it('one cause per probe and line, whatever the column, with every test under it in report order', () => {
    const leaks = [serverLeak(0), serverLeak(1), { ...serverLeak(2), items: [{ label: 'x', stack: [`${helper}:7:3`] }] }];
    const causes = groupByCause(leaks);
    assert.equal(causes.length, 1);
    assert.deepEqual(causes[0]!.site, { file: helper, line: 7, column: 42, fn: 'listen' });
    assert.deepEqual(causes[0]!.leaks, leaks);
  });

  it('a leak whose items name no line is a cause of its own (its unit and probe), after those that name one', () => {
    const bare = makeLeak({ test: 'bare', probe: 'fds' });
    const causes = groupByCause([bare, serverLeak(0), makeLeak({ test: 'bare', probe: 'handles' })]);
    assert.deepEqual(
      causes.map((cause) => [cause.probe, cause.site?.line, cause.leaks.map((leak) => leak.test)]),
      [
        ['handles', 7, ['app serves 0']],
        ['fds', undefined, ['bare']],
        ['handles', undefined, ['bare']],
      ],
    );
  });

  it('lists every cause in the JSON report, each with all of its tests and its site relative to the project', () => {
    const leaks = Array.from({ length: 30 }, (_, index) => serverLeak(index));
    const report = toJsonReport(makeReport({ leaks: [...leaks, makeLeak({ test: 'bare', file: spec })] }), cwd);
    assert.deepEqual(report.causes?.map((cause) => [cause.probe, cause.site, cause.tests.length]), [
      ['handles', { file: 'test/helpers.js', line: 7, column: 42, fn: 'listen' }, 30],
      ['fds', undefined, 1],
    ]);
    assert.deepEqual(report.causes?.[0]!.tests.slice(0, 2), [
      { test: 'app serves 0', file: 'test/app.spec.js', kind: 'test' },
      { test: 'app serves 1', file: 'test/app.spec.js', kind: 'test' },
    ]);
    assert.deepEqual(report.causes?.[1], { probe: 'fds', tests: [{ test: 'bare', file: 'test/app.spec.js', kind: 'test' }] });
    // The leaks stay the record, one per test.
    assert.equal(report.leaks.length, 31);
    assert.deepEqual(causeEntries([]), []);
  });
});

describe('causes: the summary', () => {
  it('prints one block for a cause many tests leaked from: the site, what leaked, the first tests, how many more, the hint once', () => {
    const report = makeReport({ leaks: Array.from({ length: 30 }, (_, index) => serverLeak(index)) });
    assert.deepEqual(formatSummary(report, { cwd }).split('\n'), [
      'leakguard: 30 tests left resources behind',
      '',
      '30 tests leaked handles created at test/helpers.js:7:42 (listen)',
      // What the first test left; its creation site is the block's, not said again.
      '    server listening on 127.0.0.1:4000',
      // Each test with its own line that led to the block's.
      '    app serves 0 (test/app.spec.js:10:5): +1',
      '    app serves 1 (test/app.spec.js:11:5): +1',
      '    app serves 2 (test/app.spec.js:12:5): +1',
      '    app serves 3 (test/app.spec.js:13:5): +1',
      '    app serves 4 (test/app.spec.js:14:5): +1',
      '    … and 25 more',
      `    hint: ${SERVER_HINT}`,
      '',
      'leakguard: 30 leaks from 1 cause in 30 of 120 tests (handles: 30) — mode warn: exit code unchanged',
    ]);
  });

  it('puts causes of several tests first, then each other test with its own leaks, and counts causes and tests', () => {
    const interval = makeLeak({
      test: 'poller polls',
      file: spec,
      probe: 'handles',
      items: [{ label: 'setInterval() every 1000 ms', stack: [`${spec}:40:3`] }],
    });
    const file = makeLeak({ test: 'poller polls', file: spec, probe: 'fds', items: [{ label: 'fd 30 -> /tmp/x.log' }] });
    const report = makeReport({ leaks: [interval, serverLeak(0), file, serverLeak(1), serverLeak(2)] });
    const lines = formatSummary(report, { cwd }).split('\n');
    const headers = lines.filter((line) => /^\S/.test(line) && !line.startsWith('leakguard:'));
    assert.deepEqual(headers, ['3 tests leaked handles created at test/helpers.js:7:42 (listen)', 'poller polls (test/app.spec.js)']);
    // The one test's leaks stay together, in report order, as a test's block.
    const own = lines.slice(lines.indexOf('poller polls (test/app.spec.js)'));
    assert.deepEqual(own.slice(0, 5), [
      'poller polls (test/app.spec.js)',
      '  handles  +1 (threshold 0)',
      '    setInterval() every 1000 ms, created at test/app.spec.js:40:3',
      '  fds  +1 (threshold 0)',
      '    fd 30 -> /tmp/x.log',
    ]);
    assert.equal(lines[0], 'leakguard: 4 tests left resources behind');
    assert.equal(lines.at(-1), 'leakguard: 5 leaks from 3 causes in 4 of 120 tests (fds: 1, handles: 4) — mode warn: exit code unchanged');
  });

  it('orders causes by how many tests leaked from them, and lists hooks as hooks', () => {
    const other = (index: number, kind: Leak['kind'] = 'test'): Leak =>
      makeLeak({ test: kind === 'hook' ? `"before each" hook in db ${index}` : `db ${index}`, kind, file: spec, items: [{ label: `fd ${20 + index}`, stack: [`${spec}:99:1`] }] });
    const report = makeReport({ hooks: 4, leaks: [other(0), other(1, 'hook'), serverLeak(0), serverLeak(1), serverLeak(2)] });
    const lines = formatSummary(report, { cwd }).split('\n');
    const headers = lines.filter((line) => /^\S/.test(line) && !line.startsWith('leakguard:'));
    assert.deepEqual(headers, ['3 tests leaked handles created at test/helpers.js:7:42 (listen)', '1 test and 1 hook leaked fds created at test/app.spec.js:99:1']);
    assert.ok(lines.includes('    hook: "before each" hook in db 1 (test/app.spec.js): +1'));
    assert.equal(lines.at(-1), 'leakguard: 5 leaks from 2 causes in 4 of 120 tests and 1 of 4 hooks (fds: 2, handles: 3) — mode warn: exit code unchanged');
  });

  it('keeps test titles within the width', () => {
    const leaks = [0, 1].map((index) => ({ ...serverLeak(index), test: `${'very long title '.repeat(12)}${index}` }));
    const lines = formatSummary(makeReport({ leaks }), { cwd, width: 60 }).split('\n');
    const titles = lines.filter((line) => line.includes('very long'));
    assert.equal(titles.length, 2);
    for (const line of titles) {
      assert.ok(line.length <= 60, line);
      assert.match(line, /…/);
    }
  });
});
