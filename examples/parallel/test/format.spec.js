'use strict';
const assert = require('node:assert/strict');
const { formatPrice } = require('../lib/format');

describe('formatPrice', () => {
  it('formats cents with two decimals', () => {
    assert.equal(formatPrice(10150, 'EUR'), '101.50 EUR');
  });

  it('pads single-digit cents', () => {
    assert.equal(formatPrice(1005, 'USD'), '10.05 USD');
  });

  it('keeps the sign of a negative price', () => {
    assert.equal(formatPrice(-250, 'GBP'), '-2.50 GBP');
  });
});
