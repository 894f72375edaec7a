'use strict';
const assert = require('node:assert/strict');
const { startHeartbeat } = require('../lib/heartbeat');

/** Start a heartbeat every 5 ms; resolves with it, and its beat count, once it has beaten twice. */
function beatingHeartbeat() {
  return new Promise((resolve) => {
    const state = { heartbeat: undefined, beats: 0 };
    state.heartbeat = startHeartbeat(() => {
      if (++state.beats === 2) resolve(state);
    }, 5);
  });
}

// Closed when the run ends (a root after(), outside the describe), so that Mocha can exit.
// leakguard judges what a test left when its suite ends: what the suite's own after()
// closed would count as cleaned up.
const forgotten = [];
after(() => forgotten.forEach((heartbeat) => heartbeat.stop()));

describe('heartbeat', () => {
  it('beats but is never stopped', async () => {
    const { heartbeat, beats } = await beatingHeartbeat();
    forgotten.push(heartbeat);
    assert.equal(beats, 2);
  });

  it('beats and is stopped', async () => {
    const { heartbeat, beats } = await beatingHeartbeat();
    heartbeat.stop();
    assert.equal(beats, 2);
  });
});
