'use strict';
const assert = require('node:assert/strict');
const pages = require('../lib/pages');

describe('checkout pages', () => {
  it('shows the cart and closes the page', () => {
    const page = pages.open('https://shop.test/cart');
    try {
      assert.equal(page.title(), 'Shop: cart');
    } finally {
      page.close();
    }
  });

  it('shows the cart but never closes the page', () => {
    const page = pages.open('https://shop.test/cart');
    assert.equal(page.title(), 'Shop: cart');
  });

  // Not a leak: the page is gone 20 ms after the test, and the probe's settle rule waits for it.
  it('shows the receipt and lets the browser close the page', () => {
    const page = pages.open('https://shop.test/receipt');
    assert.equal(page.title(), 'Shop: receipt');
    page.closeSoon(20);
  });
});
