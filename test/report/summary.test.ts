import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { formatSummary, formatTestFailure } from '../../src/report/summary';
import { relativePath, relativePathsIn } from '../../src/report/paths';
import { makeLeak, makeReport } from './fixtures';

const cwd = path.resolve('/home/ci/project');
const inProject = (...parts: string[]): string => path.join(cwd, ...parts);
const shown = (...parts: string[]): string => path.join(...parts);

const FD_HINT = 'A file or socket opened in this test is still open. Close it in the test or in afterEach.';
const TIMER_HINT =
  'A timer was started in this test and never cleared. Clear it with clearInterval()/clearTimeout() in the test or in afterEach, or unref() it if it must outlive the test.';

describe('formatSummary', () => {
  it('says in one line that nothing leaked, with the probes that looked', () => {
    assert.equal(
      formatSummary(makeReport({ tests: 123 }), { cwd }),
      'leakguard: no leaks in 123 tests (heap, fds, handles, tmpdir)',
    );
    assert.equal(
      formatSummary(makeReport({ tests: 1, hooks: 4, probes: [{ name: 'heap', unit: 'bytes', threshold: 0 }] }), { cwd }),
      'leakguard: no leaks in 1 test and 4 hooks (heap)',
    );
  });

  it('adds one line per probe that was switched off, on one line each', () => {
    const report = makeReport({
      tests: 3,
      faults: [
        { probe: 'fds', message: 'lsof is not installed' },
        { probe: 'tmpdir', message: `cannot read ${inProject('tmp')}:\n  EACCES` },
      ],
    });
    assert.deepEqual(formatSummary(report, { cwd }).split('\n'), [
      'leakguard: no leaks in 3 tests (heap, fds, handles, tmpdir)',
      'leakguard: probe "fds" was switched off: lsof is not installed',
      'leakguard: probe "tmpdir" was switched off: cannot read tmp: EACCES',
    ]);
  });

  it('shows what a test leaked, where it was created and how to fix it', () => {
    const file = inProject('test', 'server.spec.js');
    const report = makeReport({
      leaks: [
        makeLeak({
          test: 'server answers /health',
          file,
          probe: 'fds',
          delta: 9,
          items: [
            { label: 'pipe' },
            { label: `file ${inProject('logs', 'access.log')}`, path: inProject('logs', 'access.log') },
            { label: 'socket 127.0.0.1:4000', stack: [`    at Server.listen (${file}:42:7)`, 'at node:net:1:1'] },
            { label: 'pipe' },
            { label: 'pipe' },
            { label: 'pipe' },
            { label: 'pipe' },
          ],
          itemsTotal: 9,
          hint: FD_HINT,
        }),
        makeLeak({
          test: 'server answers /health',
          file,
          probe: 'handles',
          delta: 2,
          items: [
            { label: 'Timeout', type: 'Timeout', stack: [`${inProject('src', 'poll.js')}:18:5`] },
            { label: 'Timeout', type: 'Timeout' },
          ],
          hint: TIMER_HINT,
        }),
      ],
    });

    assert.deepEqual(formatSummary(report, { cwd }).split('\n'), [
      'leakguard: 1 test left resources behind',
      '',
      `server answers /health (${shown('test', 'server.spec.js')})`,
      '  fds  +9 (threshold 0)',
      // Items that say where they were created come first.
      `    socket 127.0.0.1:4000, created at ${shown('test', 'server.spec.js')}:42:7 (Server.listen)`,
      '    pipe',
      `    file ${shown('logs', 'access.log')}`,
      '    pipe',
      '    pipe',
      // 9 leaked in all, 7 were kept in the report, 5 are shown.
      '    … and 4 more',
      `    hint: ${FD_HINT}`,
      '  handles  +2 (threshold 0)',
      `    Timeout, created at ${shown('src', 'poll.js')}:18:5`,
      '    Timeout',
      '    hint: A timer was started in this test and never cleared. Clear it with',
      '          clearInterval()/clearTimeout() in the test or in afterEach, or unref() it if it must',
      '          outlive the test.',
      '',
      'leakguard: 2 leaks from 2 causes in 1 of 120 tests (fds: 1, handles: 1) — mode warn: exit code unchanged',
    ]);
  });

  it('groups leaks by test and file, in report order, and gives each probe its hint once', () => {
    const report = makeReport({
      leaks: [
        makeLeak({ test: 'a', file: inProject('a.spec.js'), probe: 'fds', hint: 'close it' }),
        makeLeak({ test: 'b', file: inProject('b.spec.js'), probe: 'handles', hint: 'clear it' }),
        makeLeak({ test: 'a', file: inProject('a.spec.js'), probe: 'handles', hint: 'clear it' }),
        makeLeak({ test: 'a', file: inProject('a.spec.js'), probe: 'fds', hint: 'close it' }),
        // Same title, another file: another test.
        makeLeak({ test: 'a', file: inProject('c.spec.js'), probe: 'fds' }),
      ],
    });
    const lines = formatSummary(report, { cwd }).split('\n');
    const headers = lines.filter((line) => /^\S/.test(line) && !line.startsWith('leakguard:'));
    assert.deepEqual(headers, ['a (a.spec.js)', 'b (b.spec.js)', 'a (c.spec.js)']);
    const blockA = lines.slice(lines.indexOf('a (a.spec.js)'), lines.indexOf('b (b.spec.js)'));
    assert.deepEqual(blockA, [
      'a (a.spec.js)',
      '  fds  +1 (threshold 0)',
      '    hint: close it',
      '  handles  +1 (threshold 0)',
      '    hint: clear it',
      '  fds  +1 (threshold 0)',
      '',
    ]);
    assert.equal(lines[0], 'leakguard: 3 tests left resources behind');
    assert.equal(lines.at(-1), 'leakguard: 5 leaks from 4 causes in 3 of 120 tests (fds: 3, handles: 2) — mode warn: exit code unchanged');
  });

  it('names hooks as hooks and counts them apart from tests', () => {
    const report = makeReport({
      hooks: 8,
      leaks: [
        makeLeak({ test: 'db connects', file: inProject('test', 'db.spec.js'), probe: 'handles' }),
        makeLeak({
          test: '"before all" hook in db',
          file: inProject('test', 'db.spec.js'),
          kind: 'hook',
          probe: 'fds',
          delta: 2,
        }),
      ],
    });
    const lines = formatSummary(report, { cwd }).split('\n');
    assert.equal(lines[0], 'leakguard: 1 test and 1 hook left resources behind');
    assert.ok(lines.includes(`hook: "before all" hook in db (${shown('test', 'db.spec.js')})`));
    assert.equal(
      lines.at(-1),
      'leakguard: 2 leaks from 2 causes in 1 of 120 tests and 1 of 8 hooks (fds: 1, handles: 1) — mode warn: exit code unchanged',
    );

    const onlyHooks = makeReport({ hooks: 1, leaks: [makeLeak({ test: '"after all" hook', kind: 'hook' })] });
    assert.equal(
      formatSummary(onlyHooks, { cwd }).split('\n').at(-1),
      'leakguard: 1 leak from 1 cause in 1 of 1 hook (fds: 1) — mode warn: exit code unchanged',
    );
  });

  it('shows bytes in human units, the largest items first', () => {
    const report = makeReport({
      leaks: [
        makeLeak({ test: 'cache grows', probe: 'heap', unit: 'bytes', delta: 12.5 * 1024 * 1024, threshold: 1024 * 1024 }),
        makeLeak({
          test: 'export writes a zip',
          probe: 'tmpdir',
          unit: 'bytes',
          delta: 3 * 1024 * 1024 + 512,
          threshold: 0,
          items: [
            { label: '/tmp/export-small', path: '/tmp/export-small', size: 512 },
            { label: '/tmp/export-big', path: '/tmp/export-big', size: 3 * 1024 * 1024 },
          ],
        }),
      ],
    });
    const lines = formatSummary(report, { cwd }).split('\n');
    assert.ok(lines.includes('  heap  +13 MiB (threshold 1.0 MiB)'));
    const tmp = lines.indexOf('  tmpdir  +3.0 MiB (threshold 0 B)');
    assert.deepEqual(lines.slice(tmp + 1, tmp + 3), [
      // Outside cwd: stays absolute.
      '    /tmp/export-big (3.0 MiB)',
      '    /tmp/export-small (512 B)',
    ]);
  });

  it('says whether the run fails, by mode', () => {
    const leaks = [makeLeak({ probe: 'fds' }), makeLeak({ test: 'other', probe: 'handles', delta: 2 })];
    const last = (mode: 'warn' | 'fail'): string | undefined =>
      formatSummary(makeReport({ mode, leaks }), { cwd }).split('\n').at(-1);
    assert.equal(last('warn'), 'leakguard: 2 leaks from 2 causes in 2 of 120 tests (fds: 1, handles: 1) — mode warn: exit code unchanged');
    assert.equal(last('fail'), 'leakguard: 2 leaks from 2 causes in 2 of 120 tests (fds: 1, handles: 1) — mode fail: the run fails');
  });

  it('puts an aside too long to share the line on a line of its own, nothing cut (was "127.0.0.1:…-> ... kept in a…)")', () => {
    const label = 'socket 127.0.0.1:40092 -> 127.0.0.1:34279 (reused: created before this test, e.g. kept in a keep-alive pool)';
    const leak = makeLeak({ probe: 'handles', items: [{ label, stack: [`${inProject('test', 'express-integration.js')}:24:20`] }] });
    const lines = formatSummary(makeReport({ leaks: [leak] }), { cwd }).split('\n');
    const at = lines.indexOf('    socket 127.0.0.1:40092 -> 127.0.0.1:34279');
    assert.ok(at >= 0, lines.join('\n'));
    assert.deepEqual(lines.slice(at + 1, at + 3), [
      '      (reused: created before this test, e.g. kept in a keep-alive pool)',
      `      created at ${shown('test', 'express-integration.js')}:24:20`,
    ]);
    // A label that fits stays on one line, with where it was created beside it.
    const short = makeLeak({ probe: 'handles', items: [{ label: 'socket 127.0.0.1:1 -> 127.0.0.1:2 (reused: created before this test)', stack: [`${inProject('test', 'a.js')}:1:1`] }] });
    assert.match(formatSummary(makeReport({ leaks: [short] }), { cwd }), /^ {4}socket 127\.0\.0\.1:1 -> 127\.0\.0\.1:2 \(reused: created before this test\), created at test\/a\.js:1:1$/m);
  });

  it('keeps lines short and on one line whatever the probe put in a label', () => {
    const report = makeReport({
      leaks: [
        makeLeak({
          items: [
            { label: 'a label\nover\ttwo lines' },
            { label: `x${'y'.repeat(300)}z` },
            { label: 'w'.repeat(80), stack: [`${inProject('test', 'deep', 'nested', 'spec.js')}:1:1`] },
          ],
          hint: 'word '.repeat(60),
        }),
      ],
    });
    const lines = formatSummary(report, { cwd }).split('\n');
    assert.ok(lines.includes('    a label over two lines'));
    const long = lines.find((line) => line.startsWith('    x'));
    assert.ok(long?.endsWith('yz') && long.includes('…'), long);
    assert.ok(lines.includes(`      created at ${shown('test', 'deep', 'nested', 'spec.js')}:1:1`));
    for (const line of lines.slice(0, -1)) assert.ok(line.length <= 100, `too long: ${line}`);
  });

  it('says how many leaks were dropped beyond the cap', () => {
    const report = makeReport({ leaks: [makeLeak()], droppedLeaks: 3 });
    assert.deepEqual(formatSummary(report, { cwd }).split('\n').slice(-2), [
      'leakguard: 3 more leaks not listed (at most 2000 are kept per run)',
      'leakguard: 1 leak from 1 cause in 1 of 120 tests (fds: 1) — mode warn: exit code unchanged',
    ]);
  });

  it('honours maxItemsShown', () => {
    const items = [{ label: 'one' }, { label: 'two' }, { label: 'three' }];
    const lines = formatSummary(makeReport({ leaks: [makeLeak({ delta: 3, items })] }), { cwd, maxItemsShown: 1 });
    assert.match(lines, /\n {4}one\n {4}… and 2 more\n/);
  });

  it('colors leak headers and hints only when asked', () => {
    const report = makeReport({ leaks: [makeLeak({ test: 't', hint: 'do this' })] });
    assert.doesNotMatch(formatSummary(report, { cwd }), /\u001b\[/);
    const colored = formatSummary(report, { cwd, color: true }).split('\n');
    assert.ok(colored.includes('\u001b[31mt\u001b[39m'));
    assert.ok(colored.includes('\u001b[2m    hint: do this\u001b[22m'));
  });

  it('names a memory site by its location, or by its file in words when V8 had dropped the file\'s code', () => {
    const file = inProject('test', 'render.spec.js');
    const site = (overrides: { site: string; fn: string }) => ({
      ...overrides,
      stack: [overrides.site],
      verdict: 'leak' as const,
      bytes: 4 * 1024 * 1024,
      tests: [
        { test: 'renders #1', file, kind: 'test' as const, bytes: 2 * 1024 * 1024 },
        { test: 'renders #2', file, kind: 'test' as const, bytes: 2 * 1024 * 1024 },
      ],
    });
    const sites = [
      site({ site: `${inProject('lib', 'render.js')}:12:3`, fn: 'render' }),
      site({ site: `${file} (anonymous function #1, line no longer known)`, fn: '' }),
    ];
    const leaks = ['renders #1', 'renders #2'].map((test) =>
      makeLeak({ test, file, probe: 'heap', unit: 'bytes', delta: 4 * 1024 * 1024, items: sites.map((one) => ({ id: one.site, label: one.site, bytes: 2 * 1024 * 1024 })) }),
    );
    const report = makeReport({ leaks, memorySites: sites });
    const lines = formatSummary(report, { cwd }).split('\n');
    assert.ok(lines.includes(`2 tests kept memory allocated in render (${shown('lib', 'render.js')}:12:3): +2.0 MiB each, 4.0 MiB in all`), lines.join('\n'));
    assert.ok(
      lines.includes(`2 tests kept memory allocated in ${shown('test', 'render.spec.js')} (anonymous function #1, line no longer known): +2.0 MiB each, 4.0 MiB in all`),
      lines.join('\n'),
    );
  });
});

describe('known leaks and test failures', () => {
  const cwd = path.resolve('/project');

  it('lists known leaks one line each, apart from the leaks, and says "no new leaks" when there are only those', () => {
    const known = makeLeak({ test: 'orders polls', file: path.join(cwd, 'test', 'o.spec.js'), probe: 'handles', delta: 2 });
    const text = formatSummary(makeReport({ known: [known] }), { cwd });
    assert.deepEqual(text.split('\n'), [
      'leakguard: no new leaks in 120 tests (heap, fds, handles, tmpdir)',
      'leakguard: 1 known leak (listed in the baseline), not failing:',
      '  orders polls (test/o.spec.js): handles +2',
    ]);
  });

  it('names the project\'s own line as where an item was created, not a dependency\'s', () => {
    const leak = makeLeak({
      probe: 'handles',
      items: [{ label: 'server listening on 127.0.0.1:4000', stack: [`${path.join(cwd, 'node_modules', 'express', 'lib', 'application.js')}:635:24`, `${path.join(cwd, 'test', 'app.spec.js')}:20:9`] }],
    });
    assert.match(formatSummary(makeReport({ leaks: [leak] }), { cwd }), /server listening on 127\.0\.0\.1:4000, created at test\/app\.spec\.js:20:9$/m);
    // Only dependencies on the stack: the first of them.
    const only = makeLeak({ probe: 'handles', items: [{ label: 'timer', stack: ['node_modules/lib/a.js:1:1', 'node_modules/lib/b.js:2:2'] }] });
    assert.match(formatSummary(makeReport({ leaks: [only] }), { cwd }), /timer, created at node_modules\/lib\/a\.js:1:1$/m);
  });

  it('says that nothing fails while the baseline is written', () => {
    const text = formatSummary(makeReport({ mode: 'fail', leaks: [makeLeak()] }), { cwd, updatingBaseline: true });
    assert.match(text.split('\n').at(-1)!, /— writing the baseline: nothing fails$/);
  });

  it('a test failure message: why first, then the leak as in the summary, lined up under Mocha\'s first line', () => {
    const leak = makeLeak({
      probe: 'handles',
      items: [{ label: 'setInterval() every 1000 ms', stack: [`${path.join(cwd, 'test', 'o.spec.js')}:8:18`] }],
      hint: 'Clear it.',
    });
    assert.deepEqual(formatTestFailure([leak, makeLeak({ probe: 'fds', items: [{ label: 'test/out.log' }] })], { cwd }).split('\n'), [
      'leakguard: this test leaked (handles, fds)',
      '     handles  +1 (threshold 0)',
      '       setInterval() every 1000 ms, created at test/o.spec.js:8:18',
      '       hint: Clear it.',
      '     fds  +1 (threshold 0)',
      '       test/out.log',
    ]);
  });
});

describe('report paths', () => {
  it('makes paths inside cwd relative and leaves the others alone', () => {
    assert.equal(relativePath(inProject('test', 'a.js'), cwd), shown('test', 'a.js'));
    assert.equal(relativePath(cwd, cwd), '.');
    assert.equal(relativePath('/tmp/x.log', cwd), '/tmp/x.log');
    assert.equal(relativePath(`${cwd}-other${path.sep}a.js`, cwd), `${cwd}-other${path.sep}a.js`);
    assert.equal(relativePath('test/a.js', cwd), 'test/a.js');
  });

  it('makes paths inside text relative: labels, stack frames, file URLs', () => {
    assert.equal(
      relativePathsIn(`at run (${inProject('test', 'a.js')}:4:7)`, cwd),
      `at run (${shown('test', 'a.js')}:4:7)`,
    );
    assert.equal(relativePathsIn(`file ${inProject('out.log')} and /tmp/x`, cwd), 'file out.log and /tmp/x');
    if (path.sep === '/') {
      assert.equal(relativePathsIn(`at file://${cwd}/x.mjs:1:1`, cwd), 'at x.mjs:1:1');
      // Another directory that merely contains cwd's path, or starts like it.
      assert.equal(relativePathsIn(`/srv${cwd}/a.js`, cwd), `/srv${cwd}/a.js`);
      assert.equal(relativePathsIn(`${cwd}-old/a.js`, cwd), `${cwd}-old/a.js`);
    }
  });
});
