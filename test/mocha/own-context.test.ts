/**
 * leakguard's per-test root hooks run with a context of their own (see
 * src/mocha/own-context.ts): Mocha adds and deletes `currentTest` on a hook's context
 * around every run, and on the root context, which every suite's context inherits from,
 * that slowed every test. Through a real Mocha subprocess: the hooks' contexts are their
 * own and inherit from the root one, what users keep on contexts works as before, and the
 * root afterEach is in place for every test, in every mode (one measuring path).
 */
import { strict as assert } from 'node:assert';
import { Fixture, type RunResult } from '../helpers/fixture';

const SPEC = String.raw`
const assert = require('node:assert');
const seenInRootAfterEach = [];

// The user's own root hooks share the root context with the tests, as in plain Mocha.
before(function () {
  this.sharedByRootBefore = 'shared';
});
afterEach(function () {
  seenInRootAfterEach.push(this.currentTest.title);
});

/** leakguard's root afterEach hooks in place now, and whether each has a context of its own. */
function leakguardAfterEach(test) {
  let root = test.parent;
  while (root.parent) root = root.parent;
  const own = root._afterEach.filter((hook) => (hook.originalTitle || hook.title).includes('leakguard'));
  for (const hook of own) {
    assert.notStrictEqual(hook.ctx, root.ctx, hook.title + ': not the root context');
    assert.strictEqual(Object.getPrototypeOf(hook.ctx), root.ctx, hook.title + ': inherits from the root context');
  }
  return own.length;
}

describe('contexts', () => {
  beforeEach(function () {
    this.setBySuiteHook = this.currentTest.title;
  });

  it('first', function () {
    assert.strictEqual(this.sharedByRootBefore, 'shared');
    assert.strictEqual(this.setBySuiteHook, 'first');
  });

  it('second', function () {
    assert.strictEqual(this.setBySuiteHook, 'second');
    assert.deepStrictEqual(seenInRootAfterEach, ['first']);
    console.log('AFTER_EACH second ' + leakguardAfterEach(this.test));
  });

  it('last', function () {
    console.log('AFTER_EACH last ' + leakguardAfterEach(this.test));
  });
});
`;

describe("leakguard's per-test hooks: a context of their own, for every test", function () {
  this.timeout(60_000);
  let fixture: Fixture;
  let warn: RunResult;
  let failing: RunResult;

  before(async () => {
    fixture = new Fixture({
      'test/contexts.spec.js': SPEC,
      'fail.leakguardrc.json': JSON.stringify({ mode: 'fail' }),
    });
    [warn, failing] = await Promise.all([
      fixture.run(['--reporter', 'dot', 'test']),
      fixture.run(['--reporter', 'dot', 'test'], { env: { LEAKGUARD_CONFIG: 'fail.leakguardrc.json' } }),
    ]);
  });

  after(() => fixture?.remove());

  it("the tests and the user's hooks see their contexts as in plain Mocha; leakguard's hooks inherit from the root one", () => {
    for (const run of [warn, failing]) {
      assert.equal(run.code, 0, run.stdout + run.stderr);
      assert.match(run.stdout, /3 passing/);
    }
  });

  it('the root afterEach runs for every test, in mode "warn" and in mode "fail" (failAt "test")', () => {
    for (const run of [warn, failing]) {
      assert.match(run.stdout, /AFTER_EACH second 1\b/);
      assert.match(run.stdout, /AFTER_EACH last 1\b/);
    }
  });
});
