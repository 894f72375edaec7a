/**
 * Findings that `this.leakguard.allow()` or a title tag allowed, in the outputs: the JSON
 * report (paths relative like the leaks'), merged reports (parallel workers, shards), the
 * summary's line, and memory sites without the allowed units. The runs that produce them
 * are in test/mocha/opt-outs.test.ts.
 */
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { mergeReports } from '../../src/core/report-merge';
import type { MemorySite } from '../../src/core/report-model';
import { Allowances } from '../../src/mocha/allowances';
import { unitKey } from '../../src/mocha/units';
import { toJsonReport } from '../../src/report/json';
import { formatSummary } from '../../src/report/summary';
import { makeLeak, makeReport } from './fixtures';

const cwd = path.join(path.parse(process.cwd()).root, 'project');
const allowedLeak = makeLeak({
  test: 'db keeps its pool',
  file: path.join(cwd, 'test', 'db.spec.js'),
  probe: 'handles',
  items: [{ label: 'server listening on 127.0.0.1:5432', stack: [`${path.join(cwd, 'test', 'db.spec.js')}:4:7`] }],
  allowed: { by: 'this.leakguard.allow() in the test', reason: 'closed in after()' },
});

describe('allowed findings in the outputs', () => {
  it('are in the JSON report with paths relative to the project, and the reason kept', () => {
    const json = toJsonReport(makeReport({ allowed: [allowedLeak] }), cwd);
    assert.equal(json.allowed?.[0]?.file, path.join('test', 'db.spec.js'));
    assert.deepEqual(json.allowed?.[0]?.items[0]?.stack, [`${path.join('test', 'db.spec.js')}:4:7`]);
    assert.deepEqual(json.allowed?.[0]?.allowed, { by: 'this.leakguard.allow() in the test', reason: 'closed in after()' });
    assert.equal('allowed' in toJsonReport(makeReport(), cwd), false);
  });

  it('are kept when reports are merged, from every part', () => {
    const other = { ...allowedLeak, test: 'db reconnects' };
    const merged = mergeReports(makeReport({ allowed: [allowedLeak] }), makeReport(), makeReport({ allowed: [other] }));
    assert.deepEqual(merged.allowed?.map((leak) => leak.test), ['db keeps its pool', 'db reconnects']);
    assert.equal('allowed' in mergeReports(makeReport(), makeReport()), false);
  });

  it('are counted by probe on one line of the summary, with or without leaks', () => {
    const report = makeReport({ allowed: [allowedLeak, makeLeak({ probe: 'fds', allowed: { by: 'a tag' } })] });
    const line =
      'leakguard: 2 findings allowed by this.leakguard.allow() or @leakguard-allow tags (handles: 1, fds: 1), not counted as leaks; listed under "allowed" in the JSON report';
    assert.deepEqual(formatSummary(report, { cwd }).split('\n'), ['leakguard: no leaks in 120 tests (heap, fds, handles, tmpdir)', line]);
    const leaking = formatSummary({ ...report, leaks: [makeLeak({ test: 'other test' })] }, { cwd }).split('\n');
    assert.equal(leaking.at(-2), line);
  });

  it('leave the memory sites they fed, and a site left without units is dropped', () => {
    const unit = (test: string, bytes: number) => ({ test, file: 'test/cache.spec.js', kind: 'test' as const, bytes });
    const site = (name: string, tests: MemorySite['tests']): MemorySite => ({ site: name, fn: 'fill', stack: [name], verdict: 'leak', bytes: 4096, tests });
    const sites = [site('lib/a.js:1:1', [unit('fills a', 2048), unit('fills b', 2048)]), site('lib/b.js:1:1', [unit('fills a', 1024)])];
    const allowedUnits = new Set([unitKey({ kind: 'test', title: 'fills a', file: 'test/cache.spec.js' })]);
    assert.deepEqual(Allowances.withoutUnits(sites, allowedUnits), [site('lib/a.js:1:1', [unit('fills b', 2048)])]);
    assert.deepEqual(Allowances.withoutUnits(sites, new Set()), sites);
  });
});
