'use strict';

/** A module-level cache of price quotes: it lives as long as the process, and only `clear()` empties it. */
const quotes = [];

function remember(quote) {
  quotes.push(quote);
}

function latest(symbol) {
  for (let i = quotes.length - 1; i >= 0; i--) if (quotes[i].symbol === symbol) return quotes[i];
  return undefined;
}

function clear() {
  quotes.length = 0;
}

module.exports = { remember, latest, clear };
