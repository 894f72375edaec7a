'use strict';
// @ts-check
const { defineProbe } = require('leakguard');
const pages = require('../lib/pages');

/**
 * Browser pages left open. Closing a page is asynchronous in a real browser, so `settle`
 * lets pages that are already closing finish: when the count grew, leakguard samples again
 * after 0, 2, 4, 8, 16, 32, ... ms (at most 8 more samples, 200 ms in all) and reports only
 * what is still open then.
 */
module.exports = defineProbe({
  name: 'browser-pages',
  unit: 'count',
  description: 'browser pages opened and not closed',
  defaultThreshold: 0,
  settle: { attempts: 8, maxWaitMs: 200 },
  hint: 'A page opened in this test is still open. Close it (await page.close()) in the test or in afterEach.',
  create: () => ({
    sample() {
      const items = pages.list().map((page) => ({
        id: `page ${page.id}`,
        label: `page ${page.id}: ${page.url}`,
        url: page.url,
        stack: page.stack,
      }));
      return { value: items.length, items };
    },
  }),
});
