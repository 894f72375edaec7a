import { strict as assert } from 'node:assert';
import * as vm from 'node:vm';
import type { LeakItem } from '../../src/core/probe';
import { trackCreationSites } from '../../src/instrument';
import { unwrapGlobal } from '../../src/instrument/timers';
import { globalsProbe, type GlobalsOptions } from '../../src/probes/globals';
import { changedBy, createProbe, sample } from '../helpers/probe-harness';

const global = globalThis as unknown as Record<PropertyKey, unknown>;

describe('globals probe', function () {
  /** Global keys a test created, deleted in afterEach; and values it replaced, put back. */
  let created: PropertyKey[];
  let replaced: Map<PropertyKey, PropertyDescriptor>;
  /** Accessor globals a test assigned, assigned back (putting back a descriptor would not reset what Node's getter returns). */
  let assigned: Map<PropertyKey, unknown>;

  beforeEach(function () {
    created = [];
    replaced = new Map();
    assigned = new Map();
  });

  afterEach(function () {
    for (const key of created) delete global[key];
    for (const [key, descriptor] of replaced) Object.defineProperty(globalThis, key, descriptor);
    for (const [key, value] of assigned) global[key] = value;
  });

  const probe = (options: GlobalsOptions = {}) => createProbe(globalsProbe, options);

  /** Keep a global's descriptor to put it back in afterEach. */
  function saving(key: PropertyKey): void {
    if (!replaced.has(key)) replaced.set(key, Object.getOwnPropertyDescriptor(globalThis, key)!);
  }

  /** Keep an accessor global's value (read as a stubbing library reads it) to assign it back in afterEach. */
  function assigning(key: PropertyKey): unknown {
    if (!assigned.has(key)) assigned.set(key, global[key]);
    return assigned.get(key);
  }

  const labels = (items: LeakItem[]) => items.map((item) => item.label).sort();

  it('reports globals added and not removed: implicit globals, assignments, definitions, symbols', async function () {
    const instance = await probe();
    const symbol = Symbol('leakguardTestSymbol');
    created.push('leakguardImplicit', 'leakguardAssigned', 'leakguardDefined', symbol);
    const items = await changedBy(instance, () => {
      // An assignment to an undeclared variable in sloppy-mode code.
      vm.runInThisContext('leakguardImplicit = 1');
      global['leakguardAssigned'] = {};
      Object.defineProperty(globalThis, 'leakguardDefined', { value: 1, configurable: true, enumerable: false });
      Reflect.defineProperty(globalThis, symbol, { value: 2, configurable: true });
    });
    assert.deepEqual(labels(items), [
      'global "leakguardAssigned" added',
      'global "leakguardDefined" added',
      'global "leakguardImplicit" added',
      'global Symbol(leakguardTestSymbol) added',
    ]);
    assert.deepEqual(
      items.map((item) => item.type),
      ['added', 'added', 'added', 'added'],
    );
    assert.match(String(globalsProbe.hint instanceof Function && globalsProbe.hint(items[0])), /undeclared variable/);
  });

  it('does not report a global the test removed again', async function () {
    const instance = await probe();
    const items = await changedBy(instance, () => {
      global['leakguardTemporary'] = 1;
      Object.defineProperties(globalThis, { leakguardHidden: { value: 1, configurable: true } });
      delete global['leakguardTemporary'];
      delete global['leakguardHidden'];
    });
    assert.deepEqual(items, []);
  });

  it('reports data properties replaced and not put back, and originals deleted', async function () {
    const instance = await probe();
    saving('structuredClone');
    saving('fetch');
    saving('queueMicrotask');
    const items = await changedBy(instance, () => {
      global['structuredClone'] = (value: unknown) => value;
      Object.defineProperty(globalThis, 'fetch', { value: async () => ({}), configurable: true, writable: true });
      delete global['queueMicrotask'];
    });
    assert.deepEqual(labels(items), ['global "fetch" replaced', 'global "queueMicrotask" removed', 'global "structuredClone" replaced']);
    const replacedItem = items.find((item) => item.type === 'replaced');
    assert.match(String(globalsProbe.hint instanceof Function && globalsProbe.hint(replacedItem)), /restore it in afterEach/);
  });

  it('compares globals by any key: a symbol, a name that is no identifier, one with quotes and a line break', async function () {
    const keys: PropertyKey[] = [Symbol('leakguard-test-symbol'), 'leakguard-test name', 'leakguard "test"\nname'];
    for (const key of keys) {
      global[key] = 'before';
      created.push(key);
    }
    const instance = await probe();
    assert.deepEqual(await changedBy(instance, () => {}), []);
    const items = await changedBy(instance, () => {
      for (const key of keys) global[key] = 'after';
    });
    assert.equal(items.length, 3, labels(items).join('\n'));
    assert.ok(items.every((item) => item.type === 'replaced'), labels(items).join('\n'));
  });

  it('compares as well once a key list has served many samples (then through a function compiled for it): each kind of key, and NaN', async function () {
    const keys: PropertyKey[] = ['leakguardTestNamed', Symbol('leakguard-test-symbol'), 'leakguard-test name', 'leakguard "test"\nname', 'leakguardTestNaN'];
    for (const key of keys) {
      global[key] = key === 'leakguardTestNaN' ? NaN : 'before';
      created.push(key);
    }
    const instance = await probe();
    // Far past the compares after which the key list is compiled; NaN stays equal to NaN.
    for (let n = 0; n < 40; n++) assert.deepEqual(await changedBy(instance, () => {}), []);
    for (const key of keys) {
      const items = await changedBy(instance, () => {
        global[key] = 'after';
      });
      assert.deepEqual(labels(items), [`global ${typeof key === 'symbol' ? key.toString() : JSON.stringify(key)} replaced`]);
    }
  });

  it('does not report a stub that the test put back, nor putting back what an earlier test replaced', async function () {
    const instance = await probe();
    const real = global['structuredClone'];
    saving('structuredClone');
    assert.deepEqual(
      await changedBy(instance, () => {
        global['structuredClone'] = () => 1;
        global['structuredClone'] = real;
      }),
      [],
    );
    assert.deepEqual(labels(await changedBy(instance, () => (global['structuredClone'] = () => 2))), ['global "structuredClone" replaced']);
    // A later unit that restores the original is clean.
    assert.deepEqual(await changedBy(instance, () => (global['structuredClone'] = real)), []);
  });

  it("takes leakguard's timer wrappers for the timers they wrap", async function () {
    // Wrapped first, so that afterEach puts back the wrapper (later tests' timers are tracked).
    trackCreationSites();
    saving('setTimeout');
    const instance = await probe();
    const original = unwrapGlobal(global['setTimeout']);
    assert.notEqual(original, global['setTimeout'], 'setTimeout is wrapped');
    // A fake-timer library that kept setTimeout from before leakguard wrapped it, restoring it.
    assert.deepEqual(await changedBy(instance, () => (global['setTimeout'] = original)), []);
    assert.deepEqual(labels(await changedBy(instance, () => (global['setTimeout'] = () => 0))), ['global "setTimeout" replaced']);
  });

  it("is not fooled by Node's lazily loaded globals, which turn from accessors into data properties", async function () {
    const lazy = ['BroadcastChannel', 'Blob', 'MessageChannel', 'CompressionStream', 'FormData', 'File'].filter(
      (name) => typeof Object.getOwnPropertyDescriptor(globalThis, name)?.get === 'function',
    );
    const instance = await probe();
    const items = await changedBy(instance, () => {
      for (const name of lazy) void global[name];
    });
    assert.deepEqual(items, []);
  });

  // sinon's fake timers assign globalThis.performance; Node keeps it an accessor whose getter
  // returns the fake. The lazily loaded ones (Request, Headers, ...) turn into data
  // properties, defined by Node where the definition count does not see it.
  // Node 24 defines the fetch classes as data properties from the start: only `performance`
  // (and `crypto`, `navigator`) stay accessors there.
  const ACCESSORS = ['performance', 'Request', 'Response', 'Headers', 'FormData', 'Blob', 'AbortController'];

  it('reports accessor globals replaced by assignment and not put back', async function () {
    // (Blob and FormData were read by an earlier test, which made them data properties.)
    assert.equal(typeof Object.getOwnPropertyDescriptor(globalThis, 'performance')?.get, 'function', 'performance is an accessor');
    const instance = await probe();
    for (const key of ACCESSORS) assigning(key);
    const items = await changedBy(instance, () => {
      for (const key of ACCESSORS) global[key] = { fake: key };
    });
    // Mocha's reporter runs before afterEach: it gets the real globals back now.
    for (const [key, value] of assigned) global[key] = value;
    assert.deepEqual(labels(items), ACCESSORS.map((key) => `global "${key}" replaced`).sort());
    assert.deepEqual(
      items.map((item) => item.type),
      ACCESSORS.map(() => 'replaced'),
    );
    // `performance` is still an accessor.
    assert.equal(typeof Object.getOwnPropertyDescriptor(globalThis, 'performance')?.get, 'function');
    // Replaced again by a later unit: that unit's finding too.
    assert.deepEqual(labels(await changedBy(instance, () => (global['performance'] = { fake: 'again' }))), ['global "performance" replaced']);
    assert.deepEqual((global['performance'] as { fake?: string }).fake, 'again');
  });

  it('reports a lazily loaded global read and then assigned in the same unit (as a stubbing library does)', async function () {
    const lazy = ['ByteLengthQueuingStrategy', 'CountQueuingStrategy', 'TextDecoderStream', 'DecompressionStream', 'PerformanceMark'].filter(
      (name) => typeof Object.getOwnPropertyDescriptor(globalThis, name)?.get === 'function',
    );
    // Node 24 defines them as data properties from the start: nothing is loaded lazily there.
    if (lazy.length < 2 && Number(process.versions.node.split('.')[0]) >= 22) this.skip();
    assert.ok(lazy.length >= 2, 'lazy globals not read yet');
    const [stubbed, onlyRead] = lazy as [string, string];
    const instance = await probe();
    const items = await changedBy(instance, () => {
      assigning(stubbed);
      global[stubbed] = class Fake {};
      void global[onlyRead];
    });
    assert.deepEqual(labels(items), [`global "${stubbed}" replaced`]);
    assert.equal(Object.getOwnPropertyDescriptor(globalThis, onlyRead)?.get, undefined, `${onlyRead} was loaded`);
  });

  it('does not report an accessor global put back in the same unit, nor a later unit putting it back', async function () {
    const instance = await probe();
    const real = assigning('performance');
    const realHeaders = assigning('Headers');
    assert.deepEqual(
      await changedBy(instance, () => {
        global['performance'] = { now: () => 0 };
        global['Headers'] = class {};
        global['performance'] = real;
        global['Headers'] = realHeaders;
      }),
      [],
    );
    assert.deepEqual(labels(await changedBy(instance, () => (global['performance'] = { now: () => 1 }))), ['global "performance" replaced']);
    assert.deepEqual(await changedBy(instance, () => (global['performance'] = real)), []);
    assert.equal(global['performance'], real);
  });

  it('reports an accessor global redefined (crypto has no setter), and not its original descriptor put back', async function () {
    const instance = await probe();
    saving('crypto');
    const original = Object.getOwnPropertyDescriptor(globalThis, 'crypto')!;
    assert.deepEqual(labels(await changedBy(instance, () => Object.defineProperty(globalThis, 'crypto', { value: {}, configurable: true }))), [
      'global "crypto" replaced',
    ]);
    assert.deepEqual(await changedBy(instance, () => Object.defineProperty(globalThis, 'crypto', original)), []);
    assert.deepEqual(labels(await changedBy(instance, () => Object.defineProperty(globalThis, 'crypto', { get: () => ({}), configurable: true }))), [
      'global "crypto" replaced',
    ]);
  });

  it('ignores what the option names (globs with *) and what Node creates on first use', async function () {
    const instance = await probe({ ignore: ['leakguardIgnored*'] });
    const dispatcher = Symbol.for('undici.globalDispatcher.99');
    created.push('leakguardIgnoredOne', 'leakguardIgnoredTwo', 'leakguardKept', dispatcher, '__coverage__');
    const items = await changedBy(instance, () => {
      global['leakguardIgnoredOne'] = 1;
      global['leakguardIgnoredTwo'] = 1;
      global['leakguardKept'] = 1;
      global['__coverage__'] = {};
      Object.defineProperty(globalThis, dispatcher, { value: {}, configurable: true });
    });
    assert.deepEqual(labels(items), ['global "leakguardKept" added']);
  });

  it('judges a unit against its own begin, also when the key list is reused between samples', async function () {
    const instance = await probe();
    const begin = await sample(instance);
    const middle = await sample(instance);
    created.push('leakguardLate');
    global['leakguardLate'] = 1;
    const end = await sample(instance);
    assert.deepEqual(labels(instance.newItems!(begin, end)), ['global "leakguardLate" added']);
    assert.deepEqual(labels(instance.newItems!(middle, end)), ['global "leakguardLate" added']);
    assert.deepEqual(instance.newItems!(end, await sample(instance)), []);
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
