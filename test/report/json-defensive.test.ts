import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { jsonText, writeJsonFileSync } from '../../src/report/json';

describe('JSON report: written whatever a value holds', () => {
  it('is plain JSON.stringify for plain data', () => {
    const value = { a: [1, { b: 'c' }], shared: 'x' };
    assert.equal(jsonText(value), JSON.stringify(value, null, 2));
  });

  it('replaces a cycle and a bigint instead of losing the whole report', () => {
    const item: Record<string, unknown> = { label: 'cyclic', size: 10n };
    item.self = item;
    const shared = { label: 'twice' };
    const report = { leaks: [{ probe: 'custom', items: [item, shared, shared] }], faults: [] };
    const parsed = JSON.parse(jsonText(report)) as { leaks: { items: Record<string, unknown>[] }[] };
    assert.deepEqual(parsed.leaks[0]!.items, [{ label: 'cyclic', size: '10', self: '(cycle)' }, { label: 'twice' }, { label: 'twice' }]);
  });

  it('writes such a report to disk', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'leakguard-json-'));
    try {
      const value: Record<string, unknown> = { version: 1 };
      value.again = value;
      const file = path.join(dir, 'report.json');
      writeJsonFileSync(file, value);
      assert.deepEqual(JSON.parse(fs.readFileSync(file, 'utf8')), { version: 1, again: '(cycle)' });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
