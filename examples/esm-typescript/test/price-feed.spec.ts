import assert from 'node:assert/strict';
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
// `.js`, as TypeScript's NodeNext resolution wants: tsx finds src/price-feed.ts.
import { formatQuote, PriceFeed, type Quote } from '../src/price-feed.js';

// Top-level await: this file is an ES module, not TypeScript compiled to CommonJS.
const quotes: Quote[] = JSON.parse(await readFile(new URL('./fixtures/quotes.json', import.meta.url), 'utf8'));

// Closed when the run ends (a root after(), outside the describe), so that Mocha can exit.
// leakguard judges what a test left when its suite ends: what the suite's own after()
// closed would count as cleaned up.
const forgotten: PriceFeed[] = [];
after(() => forgotten.forEach((feed) => feed.stop()));

describe('price feed', () => {
  it('formats a quote', () => {
    assert.equal(formatQuote(quotes[0]!), 'ACME 101.50');
  });

  it('emits the first quote and is stopped', async () => {
    const feed = new PriceFeed(quotes, 5).start();
    try {
      const [quote] = await once(feed, 'quote');
      assert.deepEqual(quote, quotes[0]);
    } finally {
      feed.stop();
    }
  });

  it('emits the first quote but is never stopped', async () => {
    const feed = new PriceFeed(quotes, 5).start();
    forgotten.push(feed);
    const [quote] = await once(feed, 'quote');
    assert.deepEqual(quote, quotes[0]);
  });
});
