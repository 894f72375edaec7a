/**
 * A child process left running with credentials in its command line: the summary, the
 * failure message Mocha prints, the JSON report and the baseline file all show it with
 * the secrets replaced by `***`, never the secrets. Real Mocha runs, a real child process
 * (killed by the spec's own `after` hook, and again by this test in case the run failed).
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Fixture, type RunResult } from '../helpers/fixture';

const SECRETS = ['abc123', 'hunter2', 's3cret', 'k3y-value', 'PASS'];

const SPEC = String.raw`
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
let child;
after(() => child?.kill('SIGKILL'));

describe('secrets', () => {
  it('leaves a child process running', () => {
    child = spawn(process.execPath, [
      '-e', 'setInterval(() => {}, 1000)', '--',
      '--token=abc123', '--password', 'hunter2', '-p', 's3cret', 'API_KEY=k3y-value', 'https://user:PASS@example.invalid/db',
    ], { stdio: 'ignore' });
    fs.appendFileSync(path.join(__dirname, '..', 'children.pids'), child.pid + '\n');
  });
});
`;

describe('secrets in what leakguard prints and writes', function () {
  this.timeout(120_000);
  let fixture: Fixture;
  let failing: RunResult;
  let baselineRun: RunResult;

  before(async () => {
    fixture = new Fixture({
      'test/secrets.spec.js': SPEC,
      '.leakguardrc.json': JSON.stringify({
        mode: 'fail',
        report: { json: 'leakguard-report.json' },
        baseline: 'leakguard-baseline.json',
        probes: { heap: { enabled: false } },
      }),
    });
    failing = await fixture.run(['test']);
    baselineRun = await fixture.run(['test'], { env: { LEAKGUARD_UPDATE_BASELINE: '1' } });
  });

  after(() => {
    const pids = fixture.exists('children.pids') ? fs.readFileSync(path.join(fixture.dir, 'children.pids'), 'utf8') : '';
    for (const pid of pids.split('\n').filter(Boolean)) {
      try {
        process.kill(Number(pid), 'SIGKILL');
      } catch {
        // Already gone: the spec's after hook killed it.
      }
    }
    fixture.remove();
  });

  /** No secret; the redacted forms where the whole command line is written (printed lines are cut in the middle). */
  const assertRedacted = (text: string, where: string, { whole = true } = {}) => {
    for (const secret of SECRETS) assert.ok(!text.includes(secret), `${where} holds "${secret}":\n${text}`);
    assert.ok(text.includes('https://user:***@example.invalid/db'), `${where} does not show the redacted URL:\n${text}`);
    if (!whole) return;
    for (const shown of ['--token=***', '--password ***', '-p ***', 'API_KEY=***']) {
      assert.ok(text.includes(shown), `${where} does not show ${shown}:\n${text}`);
    }
  };

  it('the child is found: the test fails with it (mode fail)', () => {
    assert.equal(failing.code, 1, failing.stderr);
    assert.match(failing.stdout, /child process pid \d+/);
    // One resource: the process, its handle a facet (see core/shared-resources.ts).
    assert.deepEqual(failing.report?.leaks.map((leak) => leak.probe), ['children']);
    const facets = (failing.report?.leaks[0]?.items[0]?.facets ?? []) as { probe: string }[];
    assert.ok(facets.some((facet) => facet.probe === 'handles'), JSON.stringify(failing.report?.leaks));
  });

  it("Mocha's failure message (stdout) shows the command line redacted", () => assertRedacted(failing.stdout, 'stdout', { whole: false }));

  it('the summary (stderr) too', () => assertRedacted(failing.stderr, 'stderr', { whole: false }));

  it('the JSON report too', () => assertRedacted(failing.reportText!, 'the JSON report'));

  it('the baseline file too', () => {
    assert.equal(baselineRun.code, 0, baselineRun.stderr);
    const baseline = fs.readFileSync(path.join(fixture.dir, 'leakguard-baseline.json'), 'utf8');
    assertRedacted(baseline, 'the baseline');
    assertRedacted(baselineRun.stderr, 'stderr of the baseline run', { whole: false });
  });
});
