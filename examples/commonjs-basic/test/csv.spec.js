'use strict';
const assert = require('node:assert/strict');
const path = require('node:path');
const { openCsv } = require('../lib/csv');

const ORDERS = path.join(__dirname, 'fixtures', 'orders.csv');

// Closed when the run ends (a root after(), outside the describe), so that Mocha can exit.
// leakguard judges what a test left when its suite ends: what the suite's own after()
// closed would count as cleaned up.
const forgotten = [];
after(() => forgotten.forEach((csv) => csv.close()));

describe('orders.csv reader', () => {
  it('reads the header but never closes the file', () => {
    const csv = openCsv(ORDERS);
    forgotten.push(csv);
    assert.deepEqual(csv.header(), ['id', 'customer', 'total']);
  });

  it('reads the header and closes the file', () => {
    const csv = openCsv(ORDERS);
    try {
      assert.deepEqual(csv.header(), ['id', 'customer', 'total']);
    } finally {
      csv.close();
    }
  });
});
