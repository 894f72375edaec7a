/**
 * The engine's contract with an adapter: begin and end are synchronous when nothing needs
 * waiting for (the adapter's hooks can then return nothing, which Mocha runs faster), and
 * return promises when a probe samples asynchronously or a unit must settle; the findings
 * are the same either way. Real probes, real timers.
 */
import { strict as assert } from 'node:assert';
import { LeakEngine, type Scope } from '../../src/core/engine';
import { defineProbe, type ConfiguredProbe } from '../../src/core/probe';
import { isPromise } from '../../src/core/real-timers';
import type { Leak } from '../../src/core/report-model';
import { handlesProbe } from '../../src/probes/handles/handles';
import { wasDropped } from '../../src/core/stack-frames';
import { creationSite } from '../../src/instrument/creation-sites';

/** A counter probe whose sample is a promise: some plugins read their value asynchronously. */
function asyncCounter(read: () => number): ConfiguredProbe {
  const definition = defineProbe({
    name: 'async-counter',
    unit: 'count',
    description: 'a count read asynchronously',
    defaultThreshold: 0,
    create: () => ({ sample: async () => read() }),
  });
  return { definition, threshold: 0, options: {} };
}

const handles: ConfiguredProbe = { definition: handlesProbe, threshold: 0, options: {} };

function createEngine(probes: ConfiguredProbe[]): Promise<LeakEngine> {
  return LeakEngine.create({ probes, rootDir: process.cwd(), sampleTimeoutMs: 5000, warn: () => {} });
}

const unit = { kind: 'test' as const, title: 'a unit', file: __filename };

describe('LeakEngine begin and end', () => {
  let engine: LeakEngine;
  afterEach(async () => {
    await engine?.dispose();
  });

  it('are synchronous for a clean unit when every probe samples synchronously', async () => {
    engine = await createEngine([handles]);
    const scope = engine.begin(unit);
    assert.ok(!isPromise(scope), 'begin returned a promise');
    const leaks = engine.end(scope as Scope);
    assert.deepEqual(leaks, []);
  });

  it('wait (a promise) when a unit left something, and name it', async () => {
    engine = await createEngine([handles]);
    const scope = engine.begin(unit) as Scope;
    const interval = setInterval(() => {}, 60_000);
    try {
      const ended = engine.end(scope);
      assert.ok(isPromise(ended), 'end of a leaking unit must wait for it to settle');
      const leaks: Leak[] = await ended;
      assert.deepEqual(
        leaks.map((leak) => [leak.probe, leak.delta]),
        [['handles', 1]],
      );
      assert.match(leaks[0]!.items[0]!.label, /setInterval\(\) every 60000 ms/);
    } finally {
      clearInterval(interval);
    }
  });

  it('let a timer that fires soon after the unit settle, and then find nothing', async () => {
    engine = await createEngine([handles]);
    const scope = engine.begin(unit) as Scope;
    setTimeout(() => {}, 5);
    const ended = engine.end(scope);
    assert.ok(isPromise(ended));
    assert.deepEqual(await ended, []);
  });

  it('wait for a probe whose sample is a promise, and judge it the same', async () => {
    let count = 0;
    engine = await createEngine([handles, asyncCounter(() => count)]);
    const clean = engine.begin(unit);
    assert.ok(isPromise(clean));
    assert.deepEqual(await engine.end(await clean), []);

    const scope = await engine.begin(unit);
    count += 2;
    const leaks = await engine.end(scope);
    assert.deepEqual(
      leaks.map((leak) => [leak.probe, leak.delta]),
      [['async-counter', 2]],
    );
  });
});

/** A synchronous counter probe that counts its own samples. */
function countingProbe(read: () => number): { probe: ConfiguredProbe; samples: () => number } {
  let samples = 0;
  const definition = defineProbe({
    name: 'counter',
    unit: 'count',
    description: 'a count read synchronously',
    defaultThreshold: 0,
    create: () => ({
      sample: () => {
        samples++;
        return read();
      },
    }),
  });
  return { probe: { definition, threshold: 0, options: {} }, samples: () => samples };
}

describe('LeakEngine scopes opened by next()', () => {
  let engine: LeakEngine;
  afterEach(async () => {
    await engine?.dispose();
  });

  const second = { kind: 'test' as const, title: 'the next unit', file: __filename };

  it('begin where a clean unit ended: its end readings are the begin readings, nothing is sampled again', async () => {
    const counter = countingProbe(() => 0);
    engine = await createEngine([counter.probe]);
    const first = engine.begin(unit) as Scope;
    assert.deepEqual(engine.end(first), []);
    assert.equal(counter.samples(), 2);
    const scope = engine.next();
    assert.ok(!isPromise(scope), 'next() after a clean unit must not wait');
    assert.equal(scope.unit, undefined);
    assert.equal(counter.samples(), 2, 'next() sampled again');
    assert.deepEqual(engine.end(scope, second), []);
    assert.equal(counter.samples(), 3);
  });

  it('give what happens between two units to the next one, named at its end', async () => {
    let count = 0;
    const counter = countingProbe(() => count);
    engine = await createEngine([counter.probe, handles]);
    assert.deepEqual(engine.end(engine.begin(unit) as Scope), []);
    const scope = engine.next() as Scope;
    // After the first unit's end, before the second runs: Mocha's turn between two tests.
    count += 1;
    const interval = setInterval(() => {}, 60_000);
    try {
      const leaks = await engine.end(scope, second);
      assert.deepEqual(
        leaks.map((leak) => [leak.test, leak.probe, leak.delta]),
        [
          ['the next unit', 'counter', 1],
          ['the next unit', 'handles', 1],
        ],
      );
    } finally {
      clearInterval(interval);
    }
  });

  it('sample afresh after a unit that had to wait: its end readings are not the next begin', async () => {
    let count = 0;
    const counter = countingProbe(() => count);
    engine = await createEngine([counter.probe]);
    const first = engine.begin(unit) as Scope;
    count += 1;
    const leaks = await engine.end(first);
    assert.equal(leaks.length, 1);
    const before = counter.samples();
    const scope = engine.next() as Scope;
    assert.equal(counter.samples(), before + 1, 'next() after a leaking unit must sample');
    // The leak stays where it is: the next unit starts from it, and is clean.
    assert.deepEqual(await engine.end(scope, second), []);
  });

  it('sample afresh when a turn passed after a clean end (a settle, a verdict, a read ran there)', async () => {
    const counter = countingProbe(() => 0);
    engine = await createEngine([counter.probe]);
    assert.deepEqual(engine.end(engine.begin(unit) as Scope), []);
    await new Promise<void>((resolve) => setImmediate(resolve));
    const before = counter.samples();
    const scope = engine.next() as Scope;
    assert.equal(counter.samples(), before + 1, 'next() a turn after the clean end must sample');
    assert.deepEqual(await engine.end(scope, second), []);
  });

  it('sample afresh when something sampled after a clean end in the same turn', async () => {
    const counter = countingProbe(() => 0);
    engine = await createEngine([counter.probe]);
    assert.deepEqual(engine.end(engine.begin(unit) as Scope), []);
    const other = engine.begin(second) as Scope;
    const before = counter.samples();
    engine.next();
    assert.equal(counter.samples(), before + 1, 'next() after a newer reading must sample');
    assert.deepEqual(engine.end(other), []);
  });

  it("settle the creation stacks before sampling: a unit's cleared timer keeps none, a pending one its text", async () => {
    engine = await createEngine([handles]);
    const scope = engine.begin(unit) as Scope;
    const cleared = setTimeout(() => {}, 60_000);
    clearTimeout(cleared);
    const pending = setTimeout(() => {}, 60_000);
    try {
      await engine.end(scope);
      assert.equal(wasDropped(creationSite(cleared)!.stack), true);
      assert.equal(wasDropped(creationSite(pending)!.stack), false);
      assert.match(creationSite(pending)!.stack.stack ?? '', /engine\.test\.ts/);
    } finally {
      clearTimeout(pending);
    }
  });

  it('refuse to end a scope opened by next() without its unit', async () => {
    engine = await createEngine([handles]);
    const scope = engine.next() as Scope;
    assert.throws(() => engine.end(scope), /needs its unit/);
  });
});
