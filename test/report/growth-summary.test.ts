/**
 * How a heap leak's growth by type and retainer path are shown: one `grew:` line with the
 * types that matter, a `retained by:` line wrapped at its arrows, paths relative to the
 * project, in the summary and in the JSON report.
 */
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { toJsonReport } from '../../src/report/json';
import { formatSummary } from '../../src/report/summary';
import { makeLeak, makeReport } from './fixtures';

const cwd = path.resolve('/home/ci/project');
const spec = path.join(cwd, 'test', 'cache.spec.js');

const heapLeak = makeLeak({
  test: 'cache keeps users',
  file: spec,
  probe: 'heap',
  delta: 3 * 1024 * 1024,
  unit: 'bytes',
  threshold: 1024 * 1024,
  repeats: [3 * 1024 * 1024, 3 * 1024 * 1024],
  growthByType: [
    { type: 'Object', count: 30000, bytes: 1.5 * 1024 * 1024 },
    { type: 'string', count: 30012, bytes: 960 * 1024 },
    { type: 'Map', count: 1, bytes: 200 * 1024 },
    // Below 5% of the growth: left out of the summary, kept in the report.
    { type: 'Function', count: 8, bytes: 448 },
  ],
  retainerPath: [`(module scope) ${spec}`, 'cache (Map)', 'get("user-17") (Object)'],
});

describe('growth by type and retainer path', () => {
  it('one line for what grew (counts with separators, the types that matter), one for the path', () => {
    const lines = formatSummary(makeReport({ leaks: [heapLeak] }), { cwd }).split('\n');
    const at = lines.indexOf('  heap  +3.0 MiB, then +3.0 MiB, +3.0 MiB when run again (threshold 1.0 MiB)');
    assert.ok(at >= 0, lines.join('\n'));
    assert.deepEqual(lines.slice(at + 1, at + 3), [
      '    grew: +30,000 Object (1.5 MiB), +30,012 string (960 KiB), +1 Map (200 KiB)',
      '    retained by: (module scope) test/cache.spec.js -> cache (Map) -> get("user-17") (Object)',
    ]);
  });

  it('wraps a long path at its arrows, under the first step', () => {
    const long = {
      ...heapLeak,
      growthByType: [{ type: 'Object', count: 1, bytes: 2048 }],
      retainerPath: [`(module scope) ${spec}`, '…', 'registry (Registry)', 'handlers (Map)', 'get("a-rather-long-handler-name") (Handler)', 'state (Object)', 'history (Array)', '[41] (Entry)'],
    };
    const lines = formatSummary(makeReport({ leaks: [long] }), { cwd }).split('\n');
    const first = lines.findIndex((line) => line.startsWith('    retained by: '));
    const path = lines.slice(first, first + 3);
    assert.ok(path.every((line) => line.length <= 100), path.join('\n'));
    assert.match(path[0]!, / ->$/);
    assert.match(path[1]!, /^ {17}\S/);
    assert.equal(
      path.map((line) => line.slice(17).trim()).join(' '),
      '(module scope) test/cache.spec.js -> … -> registry (Registry) -> handlers (Map) -> get("a-rather-long-handler-name") (Handler) -> state (Object) -> history (Array) -> [41] (Entry)',
    );
  });

  it('shows nothing more for leaks without them', () => {
    const summary = formatSummary(makeReport({ leaks: [makeLeak({ probe: 'fds' })] }), { cwd });
    assert.doesNotMatch(summary, /grew:|retained by:/);
  });

  it('the JSON report carries all types and the path, relative to the project', () => {
    const json = toJsonReport(makeReport({ leaks: [heapLeak] }), cwd);
    const leak = json.leaks[0]!;
    assert.deepEqual(leak.growthByType, heapLeak.growthByType);
    assert.notEqual(leak.growthByType, heapLeak.growthByType, 'a copy');
    assert.deepEqual(leak.retainerPath, ['(module scope) test/cache.spec.js', 'cache (Map)', 'get("user-17") (Object)']);
    assert.equal(heapLeak.retainerPath![0], `(module scope) ${spec}`, 'the input is not changed');
  });
});
