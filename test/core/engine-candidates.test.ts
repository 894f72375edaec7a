/**
 * The engine used directly, no Mocha: a unit ended with a suite token leaves its new items
 * as candidates and returns at once; the verdict comes when the adapter says the suite has
 * ended. Real handles (timers), a real item probe, real time.
 */
import { strict as assert } from 'node:assert';
import { LeakEngine, type Scope, type UnitLeaks } from '../../src/core/engine';
import { defineProbe, type ConfiguredProbe, type SettleRule } from '../../src/core/probe';
import { isPromise } from '../../src/core/real-timers';
import type { UnitInfo } from '../../src/core/report-model';
import { handlesProbe } from '../../src/probes/handles/handles';

const handles: ConfiguredProbe = { definition: handlesProbe, threshold: 0, options: {} };

/** An item probe over a set of named slots, whose names (its ids) are used again once freed, like fd numbers. */
/** Slots named `peer-*` may be freed by their peer (may end by themselves); the others only by code. */
function slotsProbe(settle?: SettleRule): { probe: ConfiguredProbe; open: Set<string> } {
  const open = new Set<string>();
  const definition = defineProbe({
    name: 'slots',
    unit: 'count',
    description: 'named slots in use',
    defaultThreshold: 0,
    ...(settle ? { settle } : {}),
    create: () => ({
      mayEndByItself: (items) => items.some((item) => item.label.startsWith('slot peer-')),
      sample: () => ({ value: open.size, items: [...open].map((name) => ({ id: name, label: `slot ${name}` })) }),
    }),
  });
  return { probe: { definition, threshold: 0, options: {} }, open };
}

function createEngine(probes: ConfiguredProbe[]): Promise<LeakEngine> {
  return LeakEngine.create({ probes, rootDir: process.cwd(), sampleTimeoutMs: 5000, warn: () => {} });
}

const unit = (title: string): UnitInfo => ({ kind: 'test', title, file: __filename });

/** End a unit with its suite token: it must not wait. */
function endNow(engine: LeakEngine, scope: Scope, ended: UnitInfo, suite: object): void {
  const leaks = engine.end(scope, ended, { suite });
  assert.ok(!isPromise(leaks), `${ended.title}: end() waited`);
  assert.deepEqual(leaks, [], `${ended.title}: judged before its suite ended`);
}

/**
 * The verdicts once `suite` has ended: those given at once, and those whose settle ran in
 * the background (given by a later call; here, the run's end).
 */
async function judged(engine: LeakEngine, suite: object): Promise<string[]> {
  return verdicts([...(await engine.judgeCandidates(suite)), ...(await engine.judgeAllCandidates())]);
}

function verdicts(found: UnitLeaks[]): string[] {
  return found.flatMap(({ unit: judged, leaks }) => leaks.map((leak) => `${judged.title}: ${leak.probe} +${leak.delta} ${leak.items.map((item) => item.label).join(', ')}`));
}

describe('LeakEngine verdicts at the end of a suite', () => {
  let engine: LeakEngine;
  const cleanups: (() => void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) cleanup();
    await engine?.dispose();
  });

  it('let the run go on, and blame what is still there when the suite ends on the unit that left it', async () => {
    engine = await createEngine([handles]);
    const suite = {};
    const first = unit('leaves an interval');
    const scope = engine.begin(first) as Scope;
    const interval = setInterval(() => {}, 60_000);
    cleanups.push(() => clearInterval(interval));
    endNow(engine, scope, first, suite);
    // The next unit begins where the first ended: the interval is not new in it.
    const next = unit('the next unit');
    endNow(engine, engine.next() as Scope, next, suite);
    const found = await judged(engine, suite);
    assert.equal(found.length, 1, found.join('\n'));
    assert.match(found[0]!, /^leaves an interval: handles \+1 setInterval\(\) every 60000 ms/);
    // Judged once: nothing is left for the run's end.
    assert.deepEqual(await engine.judgeAllCandidates(), []);
  });

  it('find a unit clean whose items are released before its suite ends (an after hook closing them)', async () => {
    engine = await createEngine([handles]);
    const suite = {};
    const first = unit('starts an interval the suite clears');
    const scope = engine.begin(first) as Scope;
    const interval = setInterval(() => {}, 60_000);
    endNow(engine, scope, first, suite);
    clearInterval(interval);
    assert.deepEqual(await judged(engine, suite), []);
  });

  it('let what is still there settle when the suite ends: a timer due soon is no leak', async () => {
    engine = await createEngine([handles]);
    const suite = {};
    const first = unit('starts a short timer');
    const scope = engine.begin(first) as Scope;
    setTimeout(() => {}, 5);
    endNow(engine, scope, first, suite);
    assert.deepEqual(await judged(engine, suite), []);
  });

  it('judge only the suite that ended; the rest at the run end', async () => {
    engine = await createEngine([handles]);
    const inner = {};
    const outer = {};
    const a = unit('in the outer suite');
    let scope = engine.begin(a) as Scope;
    const kept = setInterval(() => {}, 60_000);
    cleanups.push(() => clearInterval(kept));
    endNow(engine, scope, a, outer);
    const b = unit('in the inner suite');
    scope = engine.next() as Scope;
    const innerKept = setInterval(() => {}, 30_000);
    cleanups.push(() => clearInterval(innerKept));
    endNow(engine, scope, b, inner);
    const atInnerEnd = verdicts(await engine.judgeCandidates(inner));
    // The outer suite's unit is not judged at the inner suite's end: released after it, it is clean.
    clearInterval(kept);
    const atRunEnd = verdicts(await engine.judgeAllCandidates());
    assert.deepEqual([...atInnerEnd, ...atRunEnd].map((line) => line.split(':')[0]), ['in the inner suite']);
  });

  it('take what a later unit reads as proof of release: an id freed and used again is the new user\'s only', async () => {
    const slots = slotsProbe();
    engine = await createEngine([slots.probe]);
    const suite = {};
    const first = unit('takes slot 7');
    let scope = engine.begin(first) as Scope;
    slots.open.add('7');
    endNow(engine, scope, first, suite);
    const second = unit('frees slot 7');
    scope = engine.next() as Scope;
    slots.open.delete('7');
    endNow(engine, scope, second, suite);
    const third = unit('takes slot 7 again');
    scope = engine.next() as Scope;
    slots.open.add('7');
    endNow(engine, scope, third, suite);
    assert.deepEqual(await judged(engine, suite), ['takes slot 7 again: slots +1 slot 7']);
  });

  it("blame what a unit's timer creates after the unit ended on that unit, not on the unit it appears in", async () => {
    engine = await createEngine([handles]);
    const suite = {};
    const first = unit('starts a timer that starts an interval');
    let scope = engine.begin(first) as Scope;
    let fired!: () => void;
    const firing = new Promise<void>((resolve) => (fired = resolve));
    setTimeout(() => {
      const interval = setInterval(() => {}, 60_000);
      cleanups.push(() => clearInterval(interval));
      fired();
    }, 1);
    endNow(engine, scope, first, suite);
    const second = unit('runs while the timer fires');
    scope = engine.next() as Scope;
    await firing;
    endNow(engine, scope, second, suite);
    const found = await judged(engine, suite);
    assert.equal(found.length, 1, found.join('\n'));
    assert.match(found[0]!, /^starts a timer that starts an interval: handles \+1 setInterval\(\) every 60000 ms/);
  });

  it("blame what a leaked unit's timer creates after its verdict on no one else: it is that unit's, reported already", async () => {
    engine = await createEngine([handles]);
    const first = unit('leaves an interval that starts another when it ticks');
    let scope = engine.begin(first) as Scope;
    let made!: () => void;
    const making = new Promise<void>((resolve) => (made = resolve));
    let started: NodeJS.Timeout | undefined;
    const origin = setInterval(() => {
      if (started) return;
      started = setInterval(() => {}, 60_000);
      made();
    }, 20);
    cleanups.push(() => {
      clearInterval(origin);
      clearInterval(started);
    });
    const suiteA = {};
    endNow(engine, scope, first, suiteA);
    // An interval goes only when code clears it: the verdict comes as its suite ends.
    assert.deepEqual(verdicts(await engine.judgeCandidates(suiteA)).map((line) => line.split(':')[0]), [first.title]);
    const second = unit('runs in the next suite while that interval ticks');
    scope = engine.next() as Scope;
    await making;
    const suiteB = {};
    endNow(engine, scope, second, suiteB);
    assert.deepEqual(verdicts([...(await engine.judgeCandidates(suiteB)), ...(await engine.judgeAllCandidates())]), []);
  });

  it('let a long settle wait run in the background: the suite\'s end returns at once, and a slot freed meanwhile is clean', async () => {
    // A minute of settle time: the test would time out if judgeCandidates waited for it.
    const slots = slotsProbe({ attempts: 1000, maxWaitMs: 60_000 });
    engine = await createEngine([slots.probe]);
    const suite = {};
    const first = unit('takes a slot its peer frees later');
    const scope = engine.begin(first) as Scope;
    slots.open.add('peer-3');
    endNow(engine, scope, first, suite);
    assert.deepEqual(await engine.judgeCandidates(suite), []);
    slots.open.delete('peer-3');
    assert.deepEqual(await engine.judgeAllCandidates(), []);
  });

  it('blame what cannot go by itself as the suite ends, even if later code frees it while the rest settles', async () => {
    const slots = slotsProbe({ attempts: 1000, maxWaitMs: 60_000 });
    engine = await createEngine([slots.probe]);
    const suite = {};
    const first = unit('takes a file slot and a peer slot');
    const scope = engine.begin(first) as Scope;
    slots.open.add('file-1');
    slots.open.add('peer-2');
    endNow(engine, scope, first, suite);
    assert.deepEqual(await engine.judgeCandidates(suite), []);
    // The next suite's code frees both, while the peer slot still has settle time.
    slots.open.delete('file-1');
    slots.open.delete('peer-2');
    assert.deepEqual(verdicts(await engine.judgeAllCandidates()), ['takes a file slot and a peer slot: slots +1 slot file-1']);
  });

  it('finish the background settle in the foreground before a hook runs: what the hook then frees was still a leak', async () => {
    const slots = slotsProbe({ attempts: 3, maxWaitMs: 50 });
    engine = await createEngine([slots.probe]);
    const suite = {};
    const first = unit('leaves a peer slot its peer never frees');
    const scope = engine.begin(first) as Scope;
    slots.open.add('peer-4');
    endNow(engine, scope, first, suite);
    assert.deepEqual(await engine.judgeCandidates(suite), []);
    // An adapter about to run a hook (a root after() that frees everything).
    await engine.settleNow();
    slots.open.delete('peer-4');
    assert.deepEqual(verdicts(await engine.judgeAllCandidates()), ['leaves a peer slot its peer never frees: slots +1 slot peer-4']);
  });

  it('compare a suite whose every unit leaks with a bounded number of probe calls, not one per earlier unit at each end', async () => {
    const open = new Set<string>();
    let comparisons = 0;
    const definition = defineProbe({
      name: 'counted',
      unit: 'count',
      defaultThreshold: 0,
      settle: { attempts: 3, maxWaitMs: 50 },
      create: () => ({
        sample: () => ({ value: open.size, items: [...open].map((name) => ({ id: name, label: name })) }),
        newItems: (before, after) => {
          comparisons++;
          const seen = new Set((before.items ?? []).map((item) => item.id));
          return (after.items ?? []).filter((item) => !seen.has(item.id));
        },
        mayEndByItself: () => false,
      }),
    });
    engine = await createEngine([{ definition, threshold: 0, options: {} }]);
    const suite = {};
    const units = 40;
    let scope = engine.begin(unit('leaks 0')) as Scope;
    for (let i = 0; i < units; i++) {
      open.add(`slot ${i}`);
      endNow(engine, scope, unit(`leaks ${i}`), suite);
      scope = engine.next() as Scope;
    }
    const found = await judged(engine, suite);
    assert.equal(found.length, units);
    assert.equal(found[units - 1], `leaks ${units - 1}: counted +1 slot ${units - 1}`);
    // One comparison per unit's end, and a few for the suite: not one per earlier unit at every end (820).
    assert.ok(comparisons <= units + 10, `${comparisons} comparisons`);
  });

  it('judge a value probe (no items) where the unit ends, as before', async () => {
    let count = 0;
    const counter = defineProbe({ name: 'counter', unit: 'count', defaultThreshold: 0, create: () => ({ sample: () => count }) });
    engine = await createEngine([{ definition: counter, threshold: 0, options: {} }]);
    const scope = engine.begin(unit('counts one more')) as Scope;
    count++;
    const leaks = await engine.end(scope, undefined, { suite: {} });
    assert.deepEqual(
      leaks.map((leak) => [leak.test, leak.probe, leak.delta]),
      [['counts one more', 'counter', 1]],
    );
  });

  it('without a suite token, judge at the end of the unit, waiting for it to settle (a test failed in its place)', async () => {
    engine = await createEngine([handles]);
    const scope = engine.begin(unit('leaves an interval')) as Scope;
    const interval = setInterval(() => {}, 60_000);
    cleanups.push(() => clearInterval(interval));
    const ended = engine.end(scope);
    assert.ok(isPromise(ended));
    assert.deepEqual(
      (await ended).map((leak) => [leak.probe, leak.delta]),
      [['handles', 1]],
    );
    assert.deepEqual(await engine.judgeAllCandidates(), []);
  });
});
