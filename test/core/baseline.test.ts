import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { KnownLeaks } from '../../src/core/baseline';
import { baselineOf } from '../../src/report/baseline-file';
import { makeLeak } from '../report/fixtures';

describe('baseline of known leaks', () => {
  const project = path.resolve('/project');
  const spec = path.join(project, 'test', 'orders.spec.js');

  it('lists each unit and probe once, sorted, with files and frames relative to the baseline file', () => {
    const leaks = [
      makeLeak({ test: 'orders polls', file: spec, probe: 'handles', items: [{ label: 'setInterval() every 1000 ms', stack: [`${spec}:8:18`] }] }),
      makeLeak({ test: 'orders fails', file: spec, probe: 'fds', items: [] }),
      // A retry's leak of the same unit and probe: one entry.
      makeLeak({ test: 'orders polls', file: spec, probe: 'handles' }),
      makeLeak({ test: '"before all" hook in orders', kind: 'hook', file: spec, probe: 'handles' }),
    ];
    const baseline = baselineOf(leaks, project);
    assert.equal(baseline.version, 1);
    assert.deepEqual(
      baseline.leaks.map(({ kind, test, probe, file }) => [kind, test, probe, file]),
      [
        ['hook', '"before all" hook in orders', 'handles', 'test/orders.spec.js'],
        ['test', 'orders fails', 'fds', 'test/orders.spec.js'],
        ['test', 'orders polls', 'handles', 'test/orders.spec.js'],
      ],
    );
    assert.equal(baseline.leaks[1]!.what, undefined);
  });

  it('knows a leak by kind, file, full title and probe, not by how much or which items', () => {
    const baseline = baselineOf([makeLeak({ test: 'orders polls', file: spec, probe: 'handles', delta: 1 })], project);
    const known = new KnownLeaks(baseline.leaks, project);
    const same = makeLeak({ test: 'orders polls', file: spec, probe: 'handles', delta: 3, items: [{ label: 'another timer' }] });
    const otherProbe = makeLeak({ test: 'orders polls', file: spec, probe: 'fds' });
    const otherFile = makeLeak({ test: 'orders polls', file: path.join(project, 'test', 'other.spec.js'), probe: 'handles' });
    const otherKind = makeLeak({ test: 'orders polls', file: spec, probe: 'handles', kind: 'hook' });
    const { fresh, known: listed } = known.split([same, otherProbe, otherFile, otherKind]);
    assert.deepEqual(listed, [same]);
    assert.deepEqual(fresh, [otherProbe, otherFile, otherKind]);
  });

  it('resolves the entries\' files against the baseline file\'s directory, not the working directory', () => {
    const known = new KnownLeaks([{ kind: 'test', test: 't', probe: 'heap', file: 'test/orders.spec.js' }], project);
    assert.ok(known.isKnown(makeLeak({ test: 't', probe: 'heap', file: spec })));
    assert.ok(!new KnownLeaks([], project).isKnown(makeLeak({ test: 't', probe: 'heap', file: spec })));
  });
});
