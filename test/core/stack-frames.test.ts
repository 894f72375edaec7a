import { strict as assert } from 'node:assert';
import { fullGc } from '../../src/core/gc';
import { captureCreationStack, creationFrames, frameLocation, settleCapturedStacks, wasDropped, type CapturedStack } from '../../src/core/stack-frames';

describe('creationFrames: the frame to name as where a resource was created', () => {
  const TEST = '/p/test/websocket.test.js';

  it("names the test's own frame when the stack went through the project's library code first, with that frame beside it", () => {
    assert.deepEqual(creationFrames(['/p/lib/websocket.js:1073:5', '/p/lib/websocket.js:90:3', `${TEST}:42:7`], TEST), {
      at: `${TEST}:42:7`,
      via: '/p/lib/websocket.js:1073:5',
    });
    // A vendored build the user did not write.
    assert.deepEqual(creationFrames(['/p/build/engine.io.js:88:12', `${TEST}:9:1`], TEST), { at: `${TEST}:9:1`, via: '/p/build/engine.io.js:88:12' });
  });

  it("names the test's frame alone when dependencies in node_modules are all it went through", () => {
    assert.deepEqual(creationFrames(['/p/node_modules/express/lib/application.js:635:24', `${TEST}:36:18`], TEST), { at: `${TEST}:36:18` });
  });

  it('names the first frame outside node_modules when the stack does not pass through the unit file (a hook in a setup file, a timer of background work)', () => {
    assert.deepEqual(creationFrames(['/p/node_modules/x/index.js:1:1', '/p/lib/pool.js:12:3', '/p/test/setup.js:4:1'], TEST), { at: '/p/lib/pool.js:12:3' });
    assert.deepEqual(creationFrames(['/p/lib/pool.js:12:3'], undefined), { at: '/p/lib/pool.js:12:3' });
    assert.equal(creationFrames([], TEST), undefined);
  });

  it('matches the unit file in the forms reports hold: relative to the project, V8 frames, file:// URLs', () => {
    assert.deepEqual(creationFrames(['lib/websocket.js:10:2', 'test/websocket.test.js:42:7'], 'test/websocket.test.js'), {
      at: 'test/websocket.test.js:42:7',
      via: 'lib/websocket.js:10:2',
    });
    assert.deepEqual(creationFrames(['    at connect (/p/lib/ws.js:1:1)', `    at Context.<anonymous> (${TEST}:42:7)`], TEST), {
      at: `    at Context.<anonymous> (${TEST}:42:7)`,
      via: '    at connect (/p/lib/ws.js:1:1)',
    });
    assert.deepEqual(creationFrames(['file:///p/lib/ws.mjs:1:1', `file://${TEST}:3:4`], TEST), { at: `file://${TEST}:3:4`, via: 'file:///p/lib/ws.mjs:1:1' });
    // Another file that ends the same way is not the unit's.
    assert.deepEqual(creationFrames(['/p/lib/a.js:1:1', '/p/other-test/websocket.test.js:2:2'], 'test/websocket.test.js'), { at: '/p/lib/a.js:1:1' });
  });

  it('frameLocation takes the location out of a V8 frame', () => {
    assert.equal(frameLocation('    at Context.<anonymous> (/p/test/a.js:1:2)'), '/p/test/a.js:1:2');
    assert.equal(frameLocation('/p/test/a.js:1:2'), '/p/test/a.js:1:2');
  });
});

describe('captured stacks: formatted when read or settled, dropped where their object closed first', () => {
  interface Resource {
    closed: boolean;
  }
  const isOpen = (resource: Resource): boolean => !resource.closed;

  function openResource(resource: Resource): CapturedStack {
    return captureCreationStack(openResource, { object: resource, isOpen });
  }

  it("formats an open object's stack when settled, and drops a closed one's unformatted", () => {
    const open: Resource = { closed: false };
    const closed: Resource = { closed: false };
    const kept = openResource(open);
    const dropped = openResource(closed);
    closed.closed = true;
    settleCapturedStacks();
    assert.match(kept.stack ?? '', /stack-frames\.test\.ts:\d+:\d+/);
    assert.equal(wasDropped(kept), false);
    assert.equal(dropped.stack, undefined);
    assert.equal(wasDropped(dropped), true);
  });

  it('keeps a stack that was read before the settle, whatever became of its object', () => {
    const resource: Resource = { closed: false };
    const captured = openResource(resource);
    const text = captured.stack;
    resource.closed = true;
    settleCapturedStacks();
    assert.equal(captured.stack, text);
    assert.equal(wasDropped(captured), false);
  });

  /** A stack from its caller on. */
  function captureHere(owner?: { object: object; isOpen: (object: object) => boolean }): CapturedStack {
    return captureCreationStack(captureHere, owner);
  }

  it('formats a stack with no object at the settle, and keeps an object whose check throws', () => {
    const plain = captureHere();
    const unsure = captureHere({ object: {}, isOpen: () => { throw new Error('no telling'); } });
    settleCapturedStacks();
    assert.match(plain.stack ?? '', /stack-frames\.test\.ts/);
    assert.match(unsure.stack ?? '', /stack-frames\.test\.ts/);
  });

  it("leaves a stack unknown where the user's Error.prepareStackTrace throws, and settles the rest", () => {
    // Stacks earlier tests left unsettled are formatted first, with the formatter as it is.
    settleCapturedStacks();
    const failing = captureHere();
    const after = captureHere();
    const installed = Error.prepareStackTrace;
    let calls = 0;
    Error.prepareStackTrace = () => {
      if (calls++ === 0) throw new Error('a broken formatter');
      return 'formatted';
    };
    try {
      settleCapturedStacks();
    } finally {
      Error.prepareStackTrace = installed;
    }
    assert.equal(failing.stack, undefined);
    assert.equal(after.stack, 'formatted');
  });

  it("holds none of its frames' objects once settled: a receiver only the stack referenced is collected", () => {
    let captured: CapturedStack | undefined;
    // Its method's frame is in the stack, with the object as its receiver.
    const receiver = {
      payload: new Array(1000).fill('x'),
      capture(): void {
        captured = captureHere();
      },
    };
    const collected = new WeakRef(receiver);
    receiver.capture();
    settleCapturedStacks();
    // Nothing but the (formatted) stack refers to the receiver any more.
    (receiver as { payload?: unknown }).payload = undefined;
    return new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
      fullGc();
      assert.match(captured?.stack ?? '', /capture/);
      assert.equal(collected.deref(), undefined, 'the settled stack still holds its receiver');
    });
  });
});
