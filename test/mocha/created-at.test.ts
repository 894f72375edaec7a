/**
 * "created at" when the first frame outside node_modules is library code the user did not
 * write in the test (the package under test's `lib/`, a vendored `build/` file), through a
 * real Mocha run: the summary and the JSON report name the test's own line, with the
 * library's line beside it ("via"); a resource the test file creates itself is named as before.
 * Several tests that leaked from one library line are one block, which names that line.
 */
import { strict as assert } from 'node:assert';
import { Fixture, type RunResult } from '../helpers/fixture';

/** The package under test: its client keeps a timer (as ws keeps a socket). */
const LIB = String.raw`
exports.connect = function connect() {
  return setInterval(() => {}, 1000);
};
exports.subscribe = function subscribe() {
  return setInterval(() => {}, 4000);
};
`;

/** A vendored build, as engine.io's build/engine.io.js. */
const BUILD = String.raw`
module.exports = function startHeartbeat() {
  return setInterval(() => {}, 2000);
};
`;

const SPEC = String.raw`
const { connect, subscribe } = require('../lib/client');
const startHeartbeat = require('../build/engine.io');

const timers = [];
after(() => timers.splice(0).forEach(clearInterval));

describe('client', () => {
  it('connects through the library', () => {
    timers.push(connect());
  });
  it('starts a heartbeat through the vendored build', () => {
    timers.push(startHeartbeat());
  });
  it('starts its own timer', () => {
    timers.push(setInterval(() => {}, 3000));
  });
  it('subscribes through the library', () => {
    timers.push(subscribe());
  });
  it('subscribes again through the library', () => {
    timers.push(subscribe());
  });
});
`;

describe('"created at": the test\'s own line, with the library line beside it, end to end', function () {
  this.timeout(120_000);
  let fixture: Fixture;
  let run: RunResult;

  before(async () => {
    fixture = new Fixture({
      'lib/client.js': LIB,
      'build/engine.io.js': BUILD,
      'test/client.spec.js': SPEC,
      '.leakguardrc.json': JSON.stringify({ report: { json: 'leakguard-report.json' } }),
    });
    run = await fixture.run(['test']);
  });

  after(() => fixture.remove());

  /** The item of the handles leak of `test`. */
  function itemOf(test: string) {
    const leak = run.report?.leaks.find((candidate) => candidate.probe === 'handles' && candidate.test === test);
    assert.ok(leak, `no handles leak for "${test}"\n${run.stderr}`);
    assert.equal(leak.items.length, 1);
    return leak.items[0]! as { createdAt?: string; createdVia?: string; stack?: string[] };
  }

  it('the summary names the line in the test file, and the library line it went through', () => {
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /setInterval\(\) every 1000 ms, created at test\/client\.spec\.js:10:17, via lib\/client\.js:3:10$/m, run.stderr);
    assert.match(run.stderr, /every 2000 ms, created at test\/client\.spec\.js:13:17, via build\/engine\.io\.js:3:10$/m, run.stderr);
    assert.match(run.stderr, /every 3000 ms, created at test\/client\.spec\.js:16:17$/m, run.stderr);
  });

  it('names the library line that several tests leaked from once, in their block', () => {
    assert.match(run.stderr, /^2 tests leaked handles created at lib\/client\.js:6:10$/m, run.stderr);
    assert.match(run.stderr, /^ {4}setInterval\(\) every 4000 ms$/m, run.stderr);
  });

  it('the JSON report says the same in createdAt and createdVia, and keeps the stack as it was', () => {
    const library = itemOf('client connects through the library');
    assert.equal(library.createdAt, 'test/client.spec.js:10:17');
    assert.equal(library.createdVia, 'lib/client.js:3:10');
    assert.deepEqual(library.stack!.slice(0, 2), ['lib/client.js:3:10', 'test/client.spec.js:10:17']);
    const vendored = itemOf('client starts a heartbeat through the vendored build');
    assert.equal(vendored.createdAt, 'test/client.spec.js:13:17');
    assert.equal(vendored.createdVia, 'build/engine.io.js:3:10');
    const own = itemOf('client starts its own timer');
    assert.equal(own.createdAt, 'test/client.spec.js:16:17');
    assert.equal(own.createdVia, undefined);
    // Each test's own line in the JSON, also where the summary shows their shared block.
    assert.equal(itemOf('client subscribes through the library').createdAt, 'test/client.spec.js:19:17');
    assert.equal(itemOf('client subscribes again through the library').createdAt, 'test/client.spec.js:22:17');
    assert.equal(itemOf('client subscribes again through the library').createdVia, 'lib/client.js:6:10');
  });
});
