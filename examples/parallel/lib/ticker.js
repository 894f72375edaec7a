'use strict';

/** Calls `onTick(price)` every `intervalMs` with a made-up price, until `stop()` is called. */
function startTicker(onTick, intervalMs = 1000) {
  let price = 100;
  const timer = setInterval(() => {
    price += 1;
    onTick(price);
  }, intervalMs);
  return { stop: () => clearInterval(timer) };
}

module.exports = { startTicker };
