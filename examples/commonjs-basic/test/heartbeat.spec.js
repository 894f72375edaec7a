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

describe('heartbeat', () => {
  // Stopped once this suite is done so that Mocha can exit (an interval keeps Node alive).
  const forgotten = [];
  after(() => forgotten.forEach((heartbeat) => heartbeat.stop()));

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
