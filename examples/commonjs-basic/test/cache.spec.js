'use strict';
const assert = require('node:assert/strict');
const cache = require('../lib/cache');

/** 50,000 quotes: several MB of objects and strings (about 11 MB on Node 20). */
function rememberQuotes(symbol) {
  for (let i = 0; i < 50_000; i++) {
    cache.remember({ symbol, price: 100 + (i % 100) / 100, at: `2024-01-01T00:00:${String(i % 60).padStart(2, '0')}.${i}Z` });
  }
}

// No after() clears the cache: what its `after` hooks free is clean, and memory is judged
// once the file's suites have ended. The quotes stay until the process exits.
describe('price cache', () => {
  // The clean twin runs first: clear() empties the whole module-level cache.
  it('remembers 50,000 quotes and clears them', () => {
    try {
      rememberQuotes('ACME');
      assert.equal(cache.latest('ACME').price, 100.99);
    } finally {
      cache.clear();
    }
  });

  it('remembers 50,000 quotes and never clears them', () => {
    rememberQuotes('INITECH');
    assert.equal(cache.latest('INITECH').price, 100.99);
  });
});
