/**
 * Connections that `fetch()` keeps open for the next request: Node's fetch (undici) pools
 * them in its global dispatcher, idle, and closes them after a few seconds. A test that
 * fetched from a server started in `before()` leaves one open, and nothing in the test can
 * close it (the pool is the process's); the next test that fetches takes it again. Those
 * connections, while idle, are not a test's leak: both their ends (the pool's socket and,
 * when the server runs in this process, the socket it accepted) are left out by the fds
 * and handles probes.
 *
 * Read from undici's own objects: the global dispatcher (`Symbol.for('undici.globalDispatcher.1')`,
 * an Agent), its pools by origin and their clients, and each client's socket and number of
 * requests pending or running (`size`). Where any of that is not found (another undici),
 * nothing is left out.
 */
import * as net from 'node:net';
import { activeHandles } from './handle-labels';

const GLOBAL_DISPATCHER = Symbol.for('undici.globalDispatcher.1');

/**
 * The sockets of idle pooled fetch() connections (found through their clients: undici
 * unrefs an idle socket, so Node's list of active handles leaves it out), and their peers
 * among `handles` (a server in this process keeps the end it accepted referenced).
 */
export function idleFetchSockets(handles: readonly object[] = activeHandles()): Set<net.Socket> {
  const found = new Set<net.Socket>();
  for (const client of globalDispatcherClients()) {
    const socket = symbolValue(client, 'socket');
    if (!(socket instanceof net.Socket) || symbolValue(client, 'size') !== 0) continue;
    found.add(socket);
    for (const peer of handles) {
      if (peer instanceof net.Socket && peer !== socket && peer.localPort === socket.remotePort && peer.remotePort === socket.localPort && peer.localAddress === socket.remoteAddress) {
        found.add(peer);
      }
    }
  }
  return found;
}

/** The file descriptors of those sockets. */
export function idleFetchFds(handles?: readonly object[]): Set<number> {
  const fds = new Set<number>();
  for (const socket of idleFetchSockets(handles)) {
    const fd = (socket as unknown as { _handle?: { fd?: unknown } })._handle?.fd;
    if (typeof fd === 'number' && fd >= 0) fds.add(fd);
  }
  return fds;
}

/** The undici Clients of the global dispatcher's pools (none before the first fetch()). */
function globalDispatcherClients(): Set<object> {
  const clients = new Set<object>();
  const dispatcher = (globalThis as Record<symbol, unknown>)[GLOBAL_DISPATCHER];
  const byOrigin = dispatcher ? symbolValue(dispatcher, 'clients') : undefined;
  if (!(byOrigin instanceof Map)) return clients;
  for (const entry of byOrigin.values()) {
    // undici 6 (Node 20, 22) keeps a WeakRef per origin; undici 7 (Node 24) `{ count, dispatcher }`.
    const dispatcherOfOrigin = entry?.dispatcher ?? (typeof entry?.deref === 'function' ? entry.deref() : entry);
    if (!dispatcherOfOrigin || typeof dispatcherOfOrigin !== 'object') continue;
    const pooled = symbolValue(dispatcherOfOrigin, 'clients');
    // A Pool holds Clients; an Agent with one connection per origin holds the Client itself.
    if (Array.isArray(pooled)) for (const client of pooled) clients.add(client as object);
    else clients.add(dispatcherOfOrigin);
  }
  return clients;
}

/** The value of `object`'s own or inherited property keyed by a symbol with this description. */
function symbolValue(object: object, description: string): any {
  for (let current: object | null = object; current; current = Object.getPrototypeOf(current)) {
    const key = Object.getOwnPropertySymbols(current).find((symbol) => symbol.description === description);
    if (key) {
      try {
        return (object as Record<symbol, unknown>)[key];
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}
