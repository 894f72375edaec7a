'use strict';
/**
 * A stand-in for a database client's pool (pg.Pool, mysql2's createPool, ...), small enough
 * to read in one go: connections are acquired by an owner and must be released. The tables
 * are arrays in memory. Every pool is registered in `pools`, so that the connection-pool
 * probe can see every connection checked out in the process.
 */
const { callerFrames } = require('./caller-frames');

const pools = new Set();
let nextConnection = 1;

class ConnectionPool {
  constructor(name, { size = 10, tables = {} } = {}) {
    this.name = name;
    this.size = size;
    this.tables = tables;
    /** Connections checked out, by id. */
    this.checkedOut = new Map();
    pools.add(this);
  }

  /** Check out a connection for `owner` (a name for whoever uses it: shown when it leaks). */
  acquire(owner) {
    if (this.checkedOut.size >= this.size) {
      throw new Error(`pool "${this.name}" is exhausted: all ${this.size} connections are checked out`);
    }
    const connection = new Connection(this, `${this.name}#${nextConnection++}`, owner, callerFrames(__filename));
    this.checkedOut.set(connection.id, connection);
    return connection;
  }

  /** Close the pool: it no longer counts, whatever is still checked out. */
  end() {
    pools.delete(this);
  }
}

class Connection {
  constructor(pool, id, owner, stack) {
    this.pool = pool;
    this.id = id;
    this.owner = owner;
    /** Where it was acquired: `fn (file:line:col)` frames, the caller's first. */
    this.stack = stack;
  }

  /** The rows of `table` that match every field of `where`. */
  async select(table, where = {}) {
    if (!this.pool.checkedOut.has(this.id)) throw new Error(`connection ${this.id} was already released`);
    await new Promise((resolve) => setImmediate(resolve)); // a round trip to the "server"
    const rows = this.pool.tables[table] ?? [];
    return rows.filter((row) => Object.entries(where).every(([key, value]) => row[key] === value));
  }

  release() {
    this.pool.checkedOut.delete(this.id);
  }
}

/** Every connection checked out of any open pool. */
function checkedOutConnections() {
  return [...pools].flatMap((pool) => [...pool.checkedOut.values()]);
}

module.exports = { ConnectionPool, checkedOutConnections };
