/**
 * leakguard's per-test root hooks run with a context of their own (see
 * src/mocha/own-context.ts): Mocha adds and deletes `currentTest` on a hook's context
 * around every run, and on the root context, which every suite's context inherits from,
 * that slowed every test. Through a real Mocha subprocess: the hooks' contexts are their
 * own and inherit from the root one, and what users keep on contexts works as before.
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
    let root = this.test.parent;
    while (root.parent) root = root.parent;
    const own = [...root._beforeEach, ...root._afterEach].filter((hook) => (hook.originalTitle || hook.title).includes('leakguard'));
    assert.ok(own.length >= 1, 'leakguard has a per-test root hook in place');
    for (const hook of own) {
      assert.notStrictEqual(hook.ctx, root.ctx, hook.title + ': not the root context');
      assert.strictEqual(Object.getPrototypeOf(hook.ctx), root.ctx, hook.title + ': inherits from the root context');
    }
    console.log('CHECKED ' + own.length);
  });
});
`;

describe("leakguard's per-test hooks: a context of their own", function () {
  this.timeout(60_000);
  let fixture: Fixture;
  let run: RunResult;

  before(async () => {
    fixture = new Fixture({ 'test/contexts.spec.js': SPEC });
    run = await fixture.run(['--reporter', 'dot', 'test']);
  });

  after(() => fixture?.remove());

  it('the hooks get contexts that inherit from the root one; the tests and the user\'s hooks see theirs as before', () => {
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /2 passing/);
    assert.match(run.stdout, /CHECKED [1-9]/);
  });
});
