/**
 * The CI outputs' rules that a Mocha run cannot reach cheaply: escaping of every special
 * character, the job summary's size cap, grouping by cause, and one output's failure not
 * stopping the others. End to end: test/mocha/ci-outputs.test.ts.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { writeCiOutputs } from '../../src/report/ci';
import { groupByCause, parseFrame } from '../../src/report/causes';
import { escapeData, escapeProperty, githubAnnotations } from '../../src/report/github-annotations';
import { escapeXml, formatJunit } from '../../src/report/junit';
import { appendStepSummary, escapeMarkdown, formatStepSummary } from '../../src/report/step-summary';
import { formatSummary } from '../../src/report/summary';
import { makeLeak, makeReport } from './fixtures';

const cwd = path.resolve('/home/ci/project');
const at = (line: number, fn = 'helper'): string => `    at ${fn} (${path.join(cwd, 'test', 'a.spec.js')}:${line}:5)`;

describe('CI outputs: escaping', () => {
  it('escapes workflow command data and properties as the runner unescapes them', () => {
    assert.equal(escapeData('100%\r\nok: a, b'), '100%25%0D%0Aok: a, b');
    assert.equal(escapeProperty('100%\r\nok: a, b'), '100%25%0D%0Aok%3A a%2C b');
    // `%` first: an escape's own `%` is not escaped again.
    assert.equal(escapeProperty('%3A'), '%253A');
  });

  it('escapes XML markup, keeps tab/CR/LF as references in attributes, and shows forbidden characters as \\uXXXX', () => {
    assert.equal(escapeXml(`a&b<c>"d"'e'`), 'a&amp;b&lt;c&gt;&quot;d&quot;&apos;e&apos;');
    assert.equal(escapeXml('t\tn\nr\r'), 't&#9;n&#10;r&#13;');
    assert.equal(escapeXml('t\tn\nr\r', 'text'), 't\tn\nr&#13;');
    assert.equal(escapeXml('nul\u0000 bell\u0007 esc\u001b'), 'nul\\u0000 bell\\u0007 esc\\u001B');
    // A lone surrogate and U+FFFE/U+FFFF are not XML characters; a paired surrogate (an emoji) is.
    assert.equal(escapeXml('\ud800 \ufffe \uffff \u{1f600}'), '\\uD800 \\uFFFE \\uFFFF \u{1f600}');
  });

  it('shows Markdown and HTML in titles as text, on one line', () => {
    assert.equal(escapeMarkdown('a *b* <i>c</i> | d\n`e` [f](g) \u0007'), 'a \\*b\\* &lt;i&gt;c&lt;/i&gt; \\| d \\`e\\` \\[f\\]\\(g\\) \ufffd');
  });
});

describe('CI outputs: causes', () => {
  it('reads a creation site from the stack forms probes give', () => {
    assert.deepEqual(parseFrame('/p/a.js:12:7'), { file: '/p/a.js', line: 12, column: 7 });
    assert.deepEqual(parseFrame('    at listen (/p/a.js:12:7)'), { file: '/p/a.js', line: 12, column: 7, fn: 'listen' });
    assert.deepEqual(parseFrame('file:///p/my%20dir/a.mjs:3:1'), { file: '/p/my dir/a.mjs', line: 3, column: 1 });
    assert.deepEqual(parseFrame('test/a.js:9'), { file: 'test/a.js', line: 9 });
    assert.equal(parseFrame('<anonymous>'), undefined);
  });

  it('groups by probe and site, the causes most tests leaked from first, then those with a line', () => {
    const causes = groupByCause([
      makeLeak({ test: 'no site' }),
      makeLeak({ test: 'one', items: [{ label: 'x', stack: [at(3)] }] }),
      makeLeak({ test: 'two', items: [{ label: 'x', stack: [at(7)] }] }),
      makeLeak({ test: 'three', items: [{ label: 'y', stack: [at(7, 'other')] }] }),
      makeLeak({ test: 'three', probe: 'handles', items: [{ label: 'z', stack: [at(7)] }] }),
    ]);
    assert.deepEqual(
      causes.map((cause) => [cause.probe, cause.site?.line, cause.leaks.map((leak) => leak.test)]),
      [
        ['fds', 7, ['two', 'three']],
        ['fds', 3, ['one']],
        ['handles', 7, ['three']],
        ['fds', undefined, ['no site']],
      ],
    );
  });

  it('skips node_modules frames for the site, and names the test file when no item has a stack', () => {
    const report = makeReport({
      leaks: [
        makeLeak({ test: 'lib', file: path.join(cwd, 'test', 'b.spec.js'), items: [{ label: 'x', stack: [`${cwd}/node_modules/pg/pool.js:1:1`, `${cwd}/test/b.spec.js:20:3`] }] }),
        makeLeak({ test: 'bare', file: path.join(cwd, 'test', 'c.spec.js') }),
      ],
    });
    const lines = githubAnnotations(report, { cwd });
    assert.match(lines[0]!, /^::warning file=test\/b\.spec\.js,line=20,title=leakguard%3A fds leak in lib::/);
    assert.match(lines[1]!, /^::warning file=test\/c\.spec\.js,title=leakguard%3A fds leak in bare::/);
    // Relative to the workspace when it is above the working directory (a monorepo package).
    assert.match(githubAnnotations(report, { cwd, workspace: path.dirname(cwd) })[0]!, /^::warning file=project\/test\/b\.spec\.js,line=20,/);
  });
});

describe('CI outputs: the tests of a cause', () => {
  it('name each test with the line of its own file that led to the shared site, in the annotation and the job summary', () => {
    const helper = path.join(cwd, 'test', 'helpers.js');
    const spec = path.join(cwd, 'test', 'api.spec.js');
    const leakAt = (test: string, line: number) =>
      makeLeak({ test, file: spec, items: [{ label: 'server', stack: [`    at listen (${helper}:7:42)`, `    at Context.<anonymous> (${spec}:${line}:5)`] }] });
    const report = makeReport({ leaks: [leakAt('one', 10), leakAt('two', 20)] });
    const [annotation] = githubAnnotations(report, { cwd });
    assert.match(annotation!, /^::warning file=test\/helpers\.js,line=7,/);
    assert.match(annotation!, /%0A  one \(test\/api\.spec\.js:10:5\)%0A  two \(test\/api\.spec\.js:20:5\)%0A/);
    const markdown = formatStepSummary(report, { cwd });
    assert.match(markdown, /^- one \(`test\/api\.spec\.js:10:5`\): \+1$/m);
    assert.match(markdown, /^- two \(`test\/api\.spec\.js:20:5`\): \+1$/m);
  });
});

describe('CI outputs: job summary size', () => {
  const manyCauses = makeReport({
    leaks: Array.from({ length: 400 }, (_, index) =>
      makeLeak({ test: `test ${index} ${'x'.repeat(200)}`, items: [{ label: 'thing', stack: [at(index + 1)] }], hint: 'Close it.' }),
    ),
  });

  it('stops adding causes at the cap and says how many were left out', () => {
    const markdown = formatStepSummary(manyCauses, { cwd, maxBytes: 20_000 });
    assert.ok(Buffer.byteLength(markdown) <= 20_000, String(Buffer.byteLength(markdown)));
    const listed = markdown.match(/^### \d+\. /gm)?.length ?? 0;
    assert.ok(listed > 0 && listed < 400, String(listed));
    assert.match(markdown, new RegExp(`^_…and ${400 - listed} more causes \\(${400 - listed} leaks\\) left out`, 'm'));
    // The probes and totals are never cut.
    assert.match(markdown, /^Totals: 120 tests and 0 hooks measured, 400 new leaks from 400 causes\.$/m);
  });

  it('keeps the whole file under 1 MiB when earlier steps filled most of it', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'leakguard-summary-'));
    try {
      const file = path.join(dir, 'summary.md');
      fs.writeFileSync(file, 'x'.repeat(1024 * 1024 - 64 * 1024));
      appendStepSummary(file, manyCauses, { cwd });
      const size = fs.statSync(file).size;
      assert.ok(size < 1024 * 1024, String(size));
      assert.match(fs.readFileSync(file, 'utf8'), /more causes .* left out/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('CI outputs: writeCiOutputs', () => {
  it('writes the GitHub outputs when the JUnit file cannot be written, and says why in a line', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'leakguard-ci-'));
    try {
      fs.writeFileSync(path.join(dir, 'a-file'), '');
      const lines: string[] = [];
      const report = makeReport({ leaks: [makeLeak({ items: [{ label: 'x', stack: [at(3)] }] })] });
      writeCiOutputs(report, {
        cwd,
        junit: path.join(dir, 'a-file', 'junit.xml'),
        env: { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: path.join(dir, 'summary.md') },
        writeLine: (line) => lines.push(line),
      });
      assert.match(lines[0]!, /^leakguard: could not write the JUnit report to .*a-file.*junit\.xml: /);
      assert.match(lines[1]!, /^::warning file=test\/a\.spec\.js,line=3,/);
      assert.match(fs.readFileSync(path.join(dir, 'summary.md'), 'utf8'), /^## leakguard: 1 leak from 1 cause in 1 test$/m);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('annotates as errors in mode fail, and as warnings while the baseline is written (nothing fails)', () => {
    const report = makeReport({ mode: 'fail', leaks: [makeLeak({ items: [{ label: 'x', stack: [at(3)] }] })], known: [makeLeak({ test: 'known one' })] });
    const failing = githubAnnotations(report, { cwd });
    assert.equal(failing.length, 1, 'the known leak is not annotated');
    assert.match(failing[0]!, /^::error file=test\/a\.spec\.js,line=3,/);
    assert.match(githubAnnotations(report, { cwd, updatingBaseline: true })[0]!, /^::warning file=/);
    assert.deepEqual(githubAnnotations(makeReport({ mode: 'fail' }), { cwd }), []);
  });

  it('lists hooks and memory leaks as failed testcases too', () => {
    const xml = formatJunit(
      makeReport({
        leaks: [
          makeLeak({ kind: 'hook', test: '"after all" hook in db', file: path.join(cwd, 'test', 'db.spec.js') }),
          makeLeak({ kind: 'test', test: 'db caches rows', file: path.join(cwd, 'test', 'db.spec.js'), probe: 'heap', unit: 'bytes', delta: 5_000_000 }),
        ],
      }),
      cwd,
    );
    assert.match(xml, /<testcase classname="test\/db\.spec\.js" name="&quot;after all&quot; hook in db" file="test\/db\.spec\.js" time="0">/);
    assert.match(xml, /<testcase classname="test\/db\.spec\.js" name="db caches rows"/);
    assert.match(xml, /<testsuite name="test\/db\.spec\.js" tests="2" failures="2"/);
  });
});

describe('summary width', () => {
  const report = makeReport({
    leaks: [makeLeak({ hint: 'Close the thing you opened in this test, in the test itself or in an afterEach hook, so that nothing is left open.' })],
  });
  /** The hint's lines: the summary's wrapped lines (the header and totals lines are not wrapped). */
  const hintLines = (text: string): string[] => {
    const lines = text.split('\n');
    const start = lines.findIndex((line) => line.startsWith('    hint: '));
    return lines.slice(start, lines.findIndex((line, index) => index > start && !line.startsWith('          ')));
  };

  it('wraps hints to the width it is given, 100 columns by default', () => {
    const narrow = hintLines(formatSummary(report, { cwd, width: 60 }));
    assert.ok(narrow.length >= 3 && narrow.every((line) => line.length <= 60), narrow.join('\n'));
    const standard = formatSummary(report, { cwd });
    assert.equal(standard, formatSummary(report, { cwd, width: 100 }));
    assert.ok(standard.split('\n').some((line) => line.includes('hint: Close the thing you opened in this test, in the test itself or in an')));
  });
});
