'use strict';
const assert = require('node:assert/strict');
const { ConnectionPool } = require('../lib/connection-pool');
const { findOrder, OrderNotFound } = require('../lib/orders');

// Closed when the run ends (a root after(), outside the describe), so that Mocha can exit.
// leakguard judges what a test left when its suite ends: what the suite's own after()
// closed would count as cleaned up.
const pool = new ConnectionPool('orders', {
  size: 5,
  tables: { orders: [{ id: 1, customer: 'ada', total: 42 }] },
});
after(() => pool.end());

describe('orders', () => {
  it('finds an existing order', async () => {
    assert.deepEqual(await findOrder(pool, 1), { id: 1, customer: 'ada', total: 42 });
  });

  // Passes: the error is the right one. But findOrder() forgot to release its connection.
  it('rejects an unknown order', async () => {
    await assert.rejects(findOrder(pool, 404), OrderNotFound);
  });

  it('runs a query on a connection it releases', async () => {
    const connection = pool.acquire('orders test');
    try {
      assert.equal((await connection.select('orders')).length, 1);
    } finally {
      connection.release();
    }
  });

  // Kept for the whole run on purpose; the config lists this owner under ignoreOwners.
  it('keeps a connection for the metrics reporter', () => {
    pool.acquire('metrics-reporter');
  });
});
