'use strict';
const assert = require('node:assert/strict');
const { startTicker } = require('../lib/ticker');

/** Start a ticker every 5 ms; resolves with it and its first price once it has ticked. */
function firstTick() {
  return new Promise((resolve) => {
    const state = { ticker: undefined };
    state.ticker = startTicker((price) => resolve({ ticker: state.ticker, price }), 5);
  });
}

describe('ticker', () => {
  // Stopped once this suite is done so that the worker can finish (an interval keeps Node alive).
  const forgotten = [];
  after(() => forgotten.forEach((ticker) => ticker.stop()));

  it('ticks but is never stopped', async () => {
    const { ticker, price } = await firstTick();
    forgotten.push(ticker);
    assert.equal(price, 101);
  });

  it('ticks and is stopped', async () => {
    const { ticker, price } = await firstTick();
    ticker.stop();
    assert.equal(price, 101);
  });
});
