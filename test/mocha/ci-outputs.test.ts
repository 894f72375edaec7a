/**
 * The CI outputs through real Mocha runs: GitHub Actions annotations on stderr and the job
 * summary (GITHUB_ACTIONS=true, GITHUB_STEP_SUMMARY a file of the fixture), and the JUnit
 * file of `report.junit`, parsed by a real XML parser (Python's expat, on every machine
 * of this project: see .library/env machines) in a child process.
 */
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Fixture, type RunResult } from '../helpers/fixture';

/** Only the handles probe: the fixtures leak timers, and nothing else may add findings. */
const ONLY_HANDLES = Object.fromEntries(
  ['heap', 'rss', 'fds', 'tmpdir', 'listeners', 'globals', 'children', 'env'].map((name) => [name, { enabled: false }]),
);

function config(extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ probes: ONLY_HANDLES, report: { json: 'leakguard-report.json', junit: 'reports/leakguard.xml' }, ...extra });
}

/** Two tests leak from one helper (line 4); a third, in a file with `:` and `,` in its name, at its own line. */
const LEAKY_SPEC = `const timers = [];
after(() => timers.forEach(clearInterval));
function startPolling() {
  timers.push(setInterval(() => {}, 1000));
}
describe('poller', () => {
  it('polls once', () => { startPolling(); });
  it('polls twice', () => { startPolling(); });
  it('cleans up', () => {});
});
`;
/** The title holds what GitHub and XML must have escaped: % : , CR LF < > & " and a control character. */
const ODD_TITLE = 'keeps 100%: a, b\r\nand <c> & "d" \u0007';
const ODD_SPEC = `const timers = [];
after(() => timers.forEach(clearInterval));
describe('odd', () => {
  it(${JSON.stringify(ODD_TITLE)}, () => {
    timers.push(setInterval(() => {}, 2000));
  });
});
`;
const ODD_FILE = 'test/odd:name,1.spec.js';

function gitHubEnv(fixture: Fixture): Record<string, string> {
  return {
    GITHUB_ACTIONS: 'true',
    GITHUB_STEP_SUMMARY: path.join(fixture.dir, 'step-summary.md'),
    GITHUB_WORKSPACE: fixture.dir,
  };
}

/** The workflow commands leakguard wrote, in order. */
function annotations(result: RunResult): string[] {
  return result.stderr.split('\n').filter((line) => line.startsWith('::'));
}

/** The hint the handles probe gave the leaks (from the JSON report), so expectations need not copy it. */
function timerHint(result: RunResult): string {
  const hint = result.report?.leaks[0]?.hint;
  assert.ok(hint, `no hint in the JSON report:\n${result.stderr}`);
  return hint;
}

describe('CI outputs (end to end)', function () {
  this.timeout(120_000);
  let fixture: Fixture;
  let run: RunResult;

  before(async () => {
    fixture = new Fixture({ '.leakguardrc.json': config(), 'test/leaky.spec.js': LEAKY_SPEC, [ODD_FILE]: ODD_SPEC });
    // An earlier step's summary in the same file: leakguard appends to it.
    fs.writeFileSync(path.join(fixture.dir, 'step-summary.md'), '# Build\n\nok\n');
    run = await fixture.run(['test'], { env: gitHubEnv(fixture) });
  });
  after(() => fixture.remove());

  it('annotates each cause once, at its creation site, after the summary, escaped as GitHub requires', () => {
    assert.equal(run.code, 0, run.stderr);
    const hint = timerHint(run);
    assert.deepEqual(annotations(run), [
      '::warning file=test/leaky.spec.js,line=4,title=leakguard%3A handles leak in 2 tests::' +
        [
          '2 tests leaked from here:',
          '  poller polls once (test/leaky.spec.js)',
          '  poller polls twice (test/leaky.spec.js)',
          '  handles  +1 (threshold 0)',
          '    setInterval() every 1000 ms, created at test/leaky.spec.js:4:15',
          `    hint: ${hint}`,
        ].join('%0A'),
      '::warning file=test/odd%3Aname%2C1.spec.js,line=5,title=leakguard%3A handles leak in odd keeps 100%25%3A a%2C b%0D%0Aand <c> & "d" \u0007::' +
        [
          'odd keeps 100%25: a, b%0D%0Aand <c> & "d" \u0007 (test/odd:name,1.spec.js)',
          '  handles  +1 (threshold 0)',
          '    setInterval() every 2000 ms, created at test/odd:name,1.spec.js:5:17',
          `    hint: ${hint}`,
        ].join('%0A'),
    ]);
    // After the summary's totals line, which ends the summary.
    const totals = run.stderr.indexOf('leakguard: 3 leaks from 2 causes in 3 of 4 tests');
    assert.ok(totals !== -1 && totals < run.stderr.indexOf('::warning'), run.stderr);
    // Never on stdout, which the reporter owns.
    assert.ok(!run.stdout.includes('::warning'), run.stdout);
  });

  it('appends the job summary: causes, their tests, the probes and the totals', () => {
    const hint = timerHint(run);
    const hintLines = (indent: string) => wrapLikeTheSummary(hint, indent);
    const summary = fs.readFileSync(path.join(fixture.dir, 'step-summary.md'), 'utf8');
    assert.equal(
      summary,
      [
        '# Build',
        '',
        'ok',
        '',
        '## leakguard: 3 leaks from 2 causes in 3 tests',
        '',
        'Mode warn: the exit code is unchanged.',
        '',
        '### 1. handles: created at `test/leaky.spec.js:4`',
        '',
        '- poller polls once (`test/leaky.spec.js`): +1',
        '- poller polls twice (`test/leaky.spec.js`): +1',
        '',
        '```text',
        '  handles  +1 (threshold 0)',
        '    setInterval() every 1000 ms, created at test/leaky.spec.js:4:15',
        ...hintLines('    '),
        '```',
        '',
        '### 2. handles: created at `test/odd:name,1.spec.js:5`',
        '',
        '- odd keeps 100%: a, b and &lt;c&gt; &amp; "d" \ufffd (`test/odd:name,1.spec.js`): +1',
        '',
        '```text',
        '  handles  +1 (threshold 0)',
        '    setInterval() every 2000 ms, created at test/odd:name,1.spec.js:5:17',
        ...hintLines('    '),
        '```',
        '',
        '| Probe | Threshold | Leaks |',
        '| --- | --- | --- |',
        '| handles | 0 | 3 |',
        '',
        'Totals: 4 tests and 2 hooks measured, 3 new leaks from 2 causes.',
        '',
      ].join('\n'),
    );
  });

  it('writes a well-formed JUnit file: one failed testcase per leaking test, titles and text escaped', () => {
    const junit = parseJunit(path.join(fixture.dir, 'reports', 'leakguard.xml'));
    assert.deepEqual(junit.root, { tag: 'testsuites', name: 'leakguard', tests: '3', failures: '3' });
    assert.deepEqual(
      junit.suites.map((suite) => [suite.name, suite.tests, suite.failures]),
      [
        ['test/leaky.spec.js', '2', '2'],
        [ODD_FILE, '1', '1'],
      ],
    );
    const cases = junit.suites.flatMap((suite) => suite.cases);
    assert.deepEqual(
      cases.map((testCase) => [testCase.classname, testCase.name, testCase.failureMessage, testCase.failureType]),
      [
        ['test/leaky.spec.js', 'poller polls once', 'leaked: handles +1', 'leakguard.handles'],
        ['test/leaky.spec.js', 'poller polls twice', 'leaked: handles +1', 'leakguard.handles'],
        // The control character, which XML 1.0 cannot hold, as visible text; the rest as it was.
        [ODD_FILE, `odd ${ODD_TITLE.replace('\u0007', '\\u0007')}`, 'leaked: handles +1', 'leakguard.handles'],
      ],
    );
    assert.match(cases[0]!.failureText, /^ {2}handles {2}\+1 \(threshold 0\)\n {4}setInterval\(\) every 1000 ms, created at test\/leaky\.spec\.js:4:15\n {4}hint: /);
  });

  it('writes the same outputs, once, from a parallel run', async () => {
    const parallel = new Fixture({ '.leakguardrc.json': config(), 'test/leaky.spec.js': LEAKY_SPEC, [ODD_FILE]: ODD_SPEC });
    try {
      const result = await parallel.run(['--parallel', '--jobs', '2', 'test'], { env: gitHubEnv(parallel) });
      assert.equal(result.code, 0, result.stderr);
      // The same lines but for the fixture's own paths, which are relative and so equal.
      assert.deepEqual(annotations(result), annotations(run));
      const summary = fs.readFileSync(path.join(parallel.dir, 'step-summary.md'), 'utf8');
      assert.equal(summary.match(/^## leakguard/gm)?.length, 1, summary);
      assert.deepEqual(
        parseJunit(path.join(parallel.dir, 'reports', 'leakguard.xml')).suites.flatMap((suite) => suite.cases.map((testCase) => testCase.name)).sort(),
        ['odd ' + ODD_TITLE.replace('\u0007', '\\u0007'), 'poller polls once', 'poller polls twice'].sort(),
      );
    } finally {
      parallel.remove();
    }
  });

  it('caps the annotations at 10, most important first, the last saying how many more; errors in mode fail', async () => {
    // 12 causes: one helper that 3 tests call (the most important), and 11 tests with a timer each.
    const tests = Array.from({ length: 11 }, (_, index) => `  it('leaks ${index}', () => { timers.push(setInterval(() => {}, 1000)); });`);
    const spec = [
      'const timers = [];',
      'after(() => timers.forEach(clearInterval));',
      'const poll = () => timers.push(setInterval(() => {}, 1000));',
      "describe('many', () => {",
      ...tests,
      "  it('polls a', () => poll());",
      "  it('polls b', () => poll());",
      "  it('polls c', () => poll());",
      '});',
      '',
    ].join('\n');
    const many = new Fixture({ '.leakguardrc.json': config({ mode: 'fail', failAt: 'end' }), 'test/many.spec.js': spec });
    try {
      const result = await many.run(['test'], { env: gitHubEnv(many) });
      assert.notEqual(result.code, 0, 'mode fail fails the run');
      const lines = annotations(result);
      assert.equal(lines.length, 10, lines.join('\n'));
      const heads = lines.map((line) => line.slice(0, line.indexOf('::', 2)));
      assert.deepEqual(heads, [
        '::error file=test/many.spec.js,line=3,title=leakguard%3A handles leak in 3 tests',
        ...Array.from({ length: 8 }, (_, index) => `::error file=test/many.spec.js,line=${5 + index},title=leakguard%3A handles leak in many leaks ${index}`),
        '::error title=leakguard%3A 3 more leak causes',
      ]);
      assert.equal(
        lines[9],
        '::error title=leakguard%3A 3 more leak causes::3 more leak causes (3 leaks) are not annotated: GitHub shows at most 10 per step. See leakguard\'s summary in the job summary or the log.',
      );
      // The job summary lists all 12.
      const summary = fs.readFileSync(path.join(many.dir, 'step-summary.md'), 'utf8');
      assert.equal(summary.match(/^### \d+\. handles: created at/gm)?.length, 12, summary);
      assert.match(summary, /^\*\*Mode fail: the run fails\.\*\*$/m);
    } finally {
      many.remove();
    }
  });

  it('writes no GitHub output off GitHub Actions, and the JUnit file still', async () => {
    const local = new Fixture({ '.leakguardrc.json': config(), 'test/leaky.spec.js': LEAKY_SPEC });
    try {
      const summaryFile = path.join(local.dir, 'step-summary.md');
      const result = await local.run(['test'], { env: { GITHUB_ACTIONS: '', GITHUB_STEP_SUMMARY: summaryFile } });
      assert.equal(result.code, 0, result.stderr);
      assert.deepEqual(annotations(result), []);
      assert.equal(fs.existsSync(summaryFile), false);
      assert.equal(parseJunit(path.join(local.dir, 'reports', 'leakguard.xml')).root.tests, '2');
    } finally {
      local.remove();
    }
  });
});

/** The summary's hint lines: wrapped at 100 columns under `hint: `. */
function wrapLikeTheSummary(hint: string, indent: string): string[] {
  const prefix = `${indent}hint: `;
  const width = 100 - prefix.length;
  const lines: string[] = [];
  let line = '';
  for (const word of hint.split(' ')) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(line);
  return lines.map((text, index) => (index === 0 ? prefix : ' '.repeat(prefix.length)) + text);
}

interface ParsedJunit {
  root: { tag: string; name: string; tests: string; failures: string };
  suites: {
    name: string;
    tests: string;
    failures: string;
    cases: { classname: string; name: string; failureMessage: string; failureType: string; failureText: string }[];
  }[];
}

/** The file through Python's XML parser (expat), which rejects a document that is not well-formed. */
function parseJunit(file: string): ParsedJunit {
  const script = `
import json, sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
def case(c):
    failures = c.findall('failure')
    assert len(failures) == 1, 'one failure per testcase'
    f = failures[0]
    return {'classname': c.get('classname'), 'name': c.get('name'), 'failureMessage': f.get('message'), 'failureType': f.get('type'), 'failureText': f.text}
print(json.dumps({
  'root': {'tag': root.tag, 'name': root.get('name'), 'tests': root.get('tests'), 'failures': root.get('failures')},
  'suites': [{'name': s.get('name'), 'tests': s.get('tests'), 'failures': s.get('failures'), 'cases': [case(c) for c in s.findall('testcase')]} for s in root.findall('testsuite')],
}))
`;
  return JSON.parse(execFileSync('python3', ['-c', script, file], { encoding: 'utf8' })) as ParsedJunit;
}
