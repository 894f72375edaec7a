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
import { handlesProbe } from '../../src/probes/handles';

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
  return LeakEngine.create({ probes, rootDir: process.cwd(), sampleTimeoutMs: 5000, gcPolicy: 'adaptive', warn: () => {} });
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
