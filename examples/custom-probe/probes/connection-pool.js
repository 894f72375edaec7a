'use strict';
// @ts-check
const { defineProbe } = require('leakguard');
const { checkedOutConnections } = require('../lib/connection-pool');

/**
 * Database connections checked out and not released. Each one is an item, so a leak says
 * which connection, who acquired it and where:
 *
 *   connection orders#2 acquired by orders.findOrder
 *     created at test/orders.spec.js:19:26 (Context.<anonymous>), via lib/orders.js:12:27 (findOrder)
 *
 * leakguard loads this file with require(), like the tests load lib/connection-pool.js, so
 * both see the same module and the same pools.
 */
module.exports = defineProbe({
  name: 'connection-pool',
  unit: 'count',
  description: 'database connections checked out of a pool and not released',
  defaultThreshold: 0,
  // Declared options are checked: a typo under probes.connection-pool stops the run.
  options: {
    ignoreOwners: {
      type: 'string[]',
      default: [],
      description: 'owners whose connections are meant to stay checked out (long-lived ones)',
    },
  },
  hint: (item) =>
    item
      ? `Connection ${item.id} was acquired by ${item.owner} and never released. Release it in a finally block ` +
        '(try { ... } finally { connection.release(); }), so that errors release it too.'
      : 'A connection was acquired and never released. Release it in a finally block.',
  create({ options }) {
    const ignored = new Set(/** @type {string[]} */ (options.ignoreOwners));
    return {
      sample() {
        const items = checkedOutConnections()
          .filter((connection) => !ignored.has(connection.owner))
          .map((connection) => ({
            // The identity: a connection open before and after a test is the same one.
            id: connection.id,
            label: `connection ${connection.id} acquired by ${connection.owner}`,
            type: connection.pool.name,
            owner: connection.owner,
            stack: connection.stack,
          }));
        return { value: items.length, items };
      },
    };
  },
});
