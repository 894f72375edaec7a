import { strict as assert } from 'node:assert';
import { formatBytes, parseThreshold, ThresholdError } from '../../src/core/thresholds';

describe('thresholds', () => {
  it('reads numbers in the probe unit and sizes with SI or IEC units', () => {
    assert.equal(parseThreshold(0, 'count'), 0);
    assert.equal(parseThreshold(1048576, 'bytes'), 1048576);
    assert.equal(parseThreshold('1MB', 'bytes'), 1_000_000);
    assert.equal(parseThreshold('512KiB', 'bytes'), 512 * 1024);
    assert.equal(parseThreshold('1.5 mib', 'bytes'), 1.5 * 1024 * 1024);
    assert.equal(parseThreshold('10B', 'bytes'), 10);
  });

  it('rejects what is not a threshold, saying why', () => {
    assert.throws(() => parseThreshold(-1, 'bytes'), /finite number >= 0/);
    assert.throws(() => parseThreshold(Number.NaN, 'bytes'), /finite number >= 0/);
    assert.throws(() => parseThreshold('100', 'bytes'), /has no unit/);
    assert.throws(() => parseThreshold('1XB', 'bytes'), /unknown unit "XB"/);
    assert.throws(() => parseThreshold('lots', 'bytes'), /not a size/);
    assert.throws(() => parseThreshold('1MB', 'count'), /counts things/);
    assert.throws(() => parseThreshold(true, 'count'), ThresholdError);
  });

  it('formats bytes in binary units', () => {
    assert.equal(formatBytes(512), '512 B');
    assert.equal(formatBytes(1536), '1.5 KiB');
    assert.equal(formatBytes(2 * 1024 * 1024), '2.0 MiB');
    assert.equal(formatBytes(-300 * 1024 * 1024), '-300 MiB');
  });
});
