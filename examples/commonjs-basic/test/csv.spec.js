'use strict';
const assert = require('node:assert/strict');
const path = require('node:path');
const { openCsv } = require('../lib/csv');

const ORDERS = path.join(__dirname, 'fixtures', 'orders.csv');

describe('orders.csv reader', () => {
  const forgotten = [];
  after(() => forgotten.forEach((csv) => csv.close()));

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
