'use strict';

/** A price in cents as a string with two decimals and a currency: formatPrice(10150, 'EUR') is "101.50 EUR". */
function formatPrice(cents, currency) {
  const sign = cents < 0 ? '-' : '';
  const absolute = Math.abs(cents);
  return `${sign}${Math.floor(absolute / 100)}.${String(absolute % 100).padStart(2, '0')} ${currency}`;
}

module.exports = { formatPrice };
