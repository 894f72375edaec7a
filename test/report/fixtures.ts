import type { Leak, LeakReport } from '../../src/core/report-model';

/** A report with nothing in it; tests add what they are about. */
export function makeReport(overrides: Partial<LeakReport> = {}): LeakReport {
  return {
    version: 1,
    tool: { name: 'leakguard', version: '0.1.0' },
    mode: 'warn',
    tests: 120,
    hooks: 0,
    leaks: [],
    retainedOnce: [],
    known: [],
    probes: [
      { name: 'heap', unit: 'bytes', threshold: 1024 * 1024 },
      { name: 'fds', unit: 'count', threshold: 0 },
      { name: 'handles', unit: 'count', threshold: 0 },
      { name: 'tmpdir', unit: 'bytes', threshold: 0 },
    ],
    faults: [],
    startedAt: '2025-01-01T00:00:00.000Z',
    endedAt: '2025-01-01T00:00:05.000Z',
    ...overrides,
  };
}

/** A count leak of one item-less test; tests add what they are about. */
export function makeLeak(overrides: Partial<Leak> = {}): Leak {
  return {
    test: 'suite does something',
    kind: 'test',
    probe: 'fds',
    delta: 1,
    unit: 'count',
    threshold: 0,
    items: [],
    ...overrides,
  };
}
