'use strict';

/** Calls `beat` every `intervalMs` until `stop()` is called. */
function startHeartbeat(beat, intervalMs = 1000) {
  const timer = setInterval(beat, intervalMs);
  return { stop: () => clearInterval(timer) };
}

module.exports = { startHeartbeat };
