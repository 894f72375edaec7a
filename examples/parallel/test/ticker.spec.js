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

// Closed when the run ends (a root after(), outside the describe), so that Mocha can exit.
// leakguard judges what a test left when its suite ends: what the suite's own after()
// closed would count as cleaned up.
const forgotten = [];
after(() => forgotten.forEach((ticker) => ticker.stop()));

describe('ticker', () => {
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
