'use strict';

class OrderNotFound extends Error {
  constructor(id) {
    super(`no order ${id}`);
    this.name = 'OrderNotFound';
  }
}

/** The order with this id; rejects with OrderNotFound when there is none. */
async function findOrder(pool, id) {
  const connection = pool.acquire('orders.findOrder');
  const [order] = await connection.select('orders', { id });
  // The bug this example is about: the error path returns before release(). It should be
  // `try { ... } finally { connection.release(); }`.
  if (!order) throw new OrderNotFound(id);
  connection.release();
  return order;
}

module.exports = { findOrder, OrderNotFound };
