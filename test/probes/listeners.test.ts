import { strict as assert } from 'node:assert';
import { EventEmitter } from 'node:events';
import { toReading, type ProbeInstance, type Reading } from '../../src/core/probe';
import { holdingUncaught } from '../../src/mocha/uncaught';
import { listenersProbe, type ListenersOptions } from '../../src/probes/listeners';
import { changedBy, sample } from '../helpers/probe-harness';

const THIS_FILE = /test\/probes\/listeners\.test\.ts:\d+:\d+$/;

describe('listeners probe', function () {
  let warnings: string[];
  /** Listeners a test added, removed in afterEach. */
  let added: Array<{ emitter: EventEmitter | NodeJS.Process; event: string | symbol; listener: (...args: any[]) => void }>;
  let instances: ProbeInstance[];

  beforeEach(function () {
    warnings = [];
    added = [];
    instances = [];
  });

  afterEach(async function () {
    for (const { emitter, event, listener } of added) emitter.removeListener(event, listener);
    for (const instance of instances) await instance.dispose?.();
    delete (globalThis as Record<string, unknown>)['leakguardTestBus'];
    delete (globalThis as Record<string, unknown>)['leakguardTestApp'];
  });

  async function probe(options: ListenersOptions = {}, { partOfRun = false } = {}): Promise<ProbeInstance> {
    const instance = await listenersProbe.create({ options, rootDir: process.cwd(), warn: (message) => warnings.push(message), partOfRun });
    assert.ok(instance);
    instances.push(instance);
    return instance;
  }

  /** Add a listener the way a test would, and remember it for afterEach. */
  function listen(emitter: EventEmitter | NodeJS.Process, event: string | symbol, listener = function onEvent() {}, method: 'on' | 'once' | 'prependListener' = 'on') {
    (emitter[method] as (event: string | symbol, listener: () => void) => unknown)(event, listener);
    added.push({ emitter, event, listener });
    return listener;
  }

  it('reports a listener added to process and not removed: the event and where it was added', async function () {
    const instance = await probe();
    const items = await changedBy(instance, () => {
      listen(process, 'SIGUSR2', function onSignal() {});
    });
    assert.equal(items.length, 1);
    const [item] = items;
    assert.equal(item!.label, '"SIGUSR2" listener on process (onSignal)');
    assert.equal(item!.type, 'SIGUSR2');
    assert.match(item!.stack![0]!, THIS_FILE);
    assert.match(String(listenersProbe.hint instanceof Function ? listenersProbe.hint(item) : ''), /process\.off\('SIGUSR2', listener\)/);
  });

  it('names a bound function as its name says, and a bound anonymous one in words (not "(bound )")', async function () {
    const instance = await probe();
    const items = await changedBy(instance, () => {
      listen(process, 'SIGUSR2', function onSignal() {}.bind(null));
      listen(process, 'SIGUSR2', (() => () => {})().bind(null));
    });
    assert.deepEqual(items.map((item) => item.label), [
      '"SIGUSR2" listener on process (bound onSignal)',
      '"SIGUSR2" listener on process (a bound anonymous function)',
    ]);
  });

  it('does not report a listener the test removed again, nor a once listener that fired', async function () {
    const instance = await probe();
    const items = await changedBy(instance, () => {
      const listener = () => {};
      process.on('exit', listener);
      process.addListener('beforeExit', listener);
      process.off('exit', listener);
      process.removeListener('beforeExit', listener);
      process.once('leakguard-test-event', () => {});
      process.emit('leakguard-test-event' as 'exit', 0);
    });
    assert.deepEqual(items, []);
  });

  it('reports once and prepended listeners, and the same function added twice as two listeners', async function () {
    const instance = await probe();
    const shared = function shared() {};
    const items = await changedBy(instance, () => {
      listen(process, 'leakguard-test-once', function onceOnly() {}, 'once');
      listen(process, 'leakguard-test-prepend', function first() {}, 'prependListener');
      listen(process, 'leakguard-test-twice', shared);
      listen(process, 'leakguard-test-twice', shared);
    });
    const labels = items.map((item) => item.label).sort();
    assert.deepEqual(labels, [
      '"leakguard-test-prepend" listener on process (first)',
      '"leakguard-test-twice" listener on process (shared)',
      '"leakguard-test-twice" listener on process (shared)',
      'once "leakguard-test-once" listener on process (onceOnly)',
    ]);
    assert.equal(new Set(items.map((item) => item.id)).size, 4, 'ids are unique');
    for (const item of items) assert.match(item.stack![0]!, THIS_FILE, item.label);
  });

  it('sees a listener added around the wrapped methods (EventEmitter.prototype.on.call), after samples that found nothing new', async function () {
    const instance = await probe();
    // Samples that find nothing added hand back the last reading; an addition by any path must end that.
    assert.deepEqual(await changedBy(instance, () => {}), []);
    const items = await changedBy(instance, () => {
      const listener = function aroundTheWrapper() {};
      EventEmitter.prototype.on.call(process, 'leakguard-test-around', listener);
      added.push({ emitter: process, event: 'leakguard-test-around', listener });
    });
    assert.deepEqual(
      items.map((item) => item.label),
      ['"leakguard-test-around" listener on process (aroundTheWrapper)'],
    );
  });

  it('still sees additions after its own newListener listener was taken off with the others', async function () {
    const instance = await probe();
    const counting = process.rawListeners('newListener');
    process.removeAllListeners('newListener');
    try {
      const items = await changedBy(instance, () => {
        listen(process, 'leakguard-test-after-removal', function afterRemoval() {});
      });
      assert.deepEqual(
        items.map((item) => item.label),
        ['"leakguard-test-after-removal" listener on process (afterRemoval)'],
      );
    } finally {
      for (const listener of counting) process.on('newListener', listener as () => void);
    }
  });

  it('compares listeners by identity, not order: taking them off and putting them back is no change', async function () {
    const instance = await probe();
    listen(process, 'leakguard-test-order', function a() {});
    listen(process, 'leakguard-test-order', function b() {});
    const items = await changedBy(instance, () => {
      const listeners = process.rawListeners('leakguard-test-order') as Array<() => void>;
      process.removeAllListeners('leakguard-test-order');
      for (const listener of listeners.reverse()) process.on('leakguard-test-order', listener);
    });
    assert.deepEqual(items, []);
  });

  /**
   * leakguard's hold around every sample, as src/mocha/uncaught.ts has it (one listener for
   * all holds, through EventEmitter.prototype's methods), and another way of writing it (a
   * new listener per hold, through process's own methods): the probe must see through each.
   */
  const holds: Record<string, (work: () => Promise<void>) => Promise<void>> = {
    'src/mocha/uncaught.ts': holdingUncaught,
    'a new stand-in per hold, through process.on/removeListener': async (work) => {
      const listeners = process.listeners('uncaughtException');
      const hold = () => {};
      for (const listener of listeners) process.removeListener('uncaughtException', listener);
      process.on('uncaughtException', hold);
      try {
        await work();
      } finally {
        process.removeListener('uncaughtException', hold);
        for (const listener of listeners) process.on('uncaughtException', listener);
      }
    },
  };

  for (const [name, hold] of Object.entries(holds)) {
    describe(`while leakguard holds uncaughtException listeners (${name})`, function () {
      async function sampleHeld(instance: ProbeInstance): Promise<Reading> {
        let reading!: Reading;
        await hold(async () => {
          reading = await sample(instance);
        });
        return reading;
      }

      it("sees the test's listeners, and not leakguard's", async function () {
        const instance = await probe();
        const before = await sampleHeld(instance);
        const mine = listen(process, 'uncaughtException', function onUncaught() {});
        const after = await sampleHeld(instance);
        const items = instance.newItems!(before, after);
        assert.deepEqual(
          items.map((item) => item.label),
          ['"uncaughtException" listener on process (onUncaught)'],
        );
        assert.match(items[0]!.stack![0]!, THIS_FILE);
        assert.ok(process.listeners('uncaughtException').includes(mine), 'put back as it was');

        // A unit that adds nothing is clean; samples outside a hold see the same.
        const again = await sampleHeld(instance);
        assert.deepEqual(instance.newItems!(after, again), []);
        const outside = await sample(instance);
        assert.deepEqual(instance.newItems!(after, outside), []);
        assert.deepEqual(instance.newItems!(outside, again), []);
        assert.equal(toReading(outside).value, toReading(again).value);
      });

      it('sees through nested holds, and sees a listener the test removed as gone', async function () {
        const instance = await probe();
        const mine = listen(process, 'uncaughtException', function onUncaught() {});
        let before!: Reading;
        let nested!: Reading;
        await hold(async () => {
          before = await sample(instance);
          await hold(async () => {
            nested = await sample(instance);
          });
        });
        assert.deepEqual(instance.newItems!(before, nested), []);
        assert.equal(toReading(nested).value, toReading(before).value);
        process.removeListener('uncaughtException', mine);
        const after = await sampleHeld(instance);
        assert.deepEqual(instance.newItems!(before, after), []);
        assert.equal(toReading(after).value, toReading(before).value - 1, 'the removed listener is no longer counted');
      });
    });
  }

  it('watches the emitters named in config (paths from globalThis), without touching EventEmitter.prototype', async function () {
    const globals = globalThis as Record<string, unknown>;
    globals['leakguardTestBus'] = new EventEmitter();
    const instance = await probe({ emitters: ['leakguardTestBus', 'leakguardTestApp.events'] });
    const bus = globals['leakguardTestBus'] as EventEmitter;
    // Created after the probe: found at the next sample.
    globals['leakguardTestApp'] = { events: new EventEmitter() };
    const appEvents = (globals['leakguardTestApp'] as { events: EventEmitter }).events;
    await sample(instance);
    const items = await changedBy(instance, () => {
      listen(bus, 'message', function onMessage() {});
      listen(appEvents, 'ready', function onReady() {});
      listen(new EventEmitter(), 'unwatched');
    });
    assert.deepEqual(items.map((item) => item.label).sort(), [
      '"message" listener on leakguardTestBus (onMessage)',
      '"ready" listener on leakguardTestApp.events (onReady)',
    ]);
    for (const item of items) assert.match(item.stack![0]!, THIS_FILE, item.label);
    const plain = new EventEmitter();
    assert.equal(plain.on, EventEmitter.prototype.on, 'other emitters keep the prototype methods');
    assert.equal(Object.hasOwn(plain, 'on'), false);
    await instance.dispose!();
    assert.deepEqual(warnings, []);
  });

  it('warns at the end when a configured emitter was never found', async function () {
    const instance = await probe({ emitters: ['leakguardNoSuchBus', 'process'] });
    await sample(instance);
    await instance.dispose!();
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /emitter "leakguardNoSuchBus" .* was never found/);
  });

  it('says nothing of an emitter never found where it runs a part of the run (a --parallel worker\'s one file)', async function () {
    const instance = await probe({ emitters: ['leakguardNoSuchBus'] }, { partOfRun: true });
    await sample(instance);
    await instance.dispose!();
    assert.deepEqual(warnings, []);
  });

  // Why a sample costs microseconds between two tests that change nothing (the time itself
  // is the benchmark's to measure, not a test's: it depends on the machine's load).
  it('hands back its last reading itself while nothing changed: no copy, nothing to compare', async function () {
    const instance = await probe();
    const first = await sample(instance);
    const again = await sample(instance);
    assert.equal(again, first);
    assert.deepEqual(instance.newItems!(first, again), []);
  });
});
