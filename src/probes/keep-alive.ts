/**
 * HTTP keep-alive connections that wait on code: Node's global agents keep connections
 * open for the next request (by default since Node 19), a request whose response nobody
 * reads keeps its connection, and a server keeps the end it accepted open until its
 * keep-alive timeout (5 s and more). When both ends are in this process and neither has
 * anything in flight, nothing but code (`server.close()`, `agent.destroy()`,
 * `res.resume()`) or those timers closes them: the settle wait, a fraction of a second,
 * would wait for nothing. Where the other end is not found here (another process, a pool
 * leakguard cannot see), it may close at any time. A socket held by a response nothing
 * reads is said to be, in its label and its hint: `res.resume()` is the fix.
 *
 * Read from Node's own objects: a socket an agent made has an `agentRemove` listener (the
 * agent's own), one a server accepted has `server` and keeps its HTTP parser until it is
 * upgraded or closed, and either has `_httpMessage` only while a request or response is
 * on it.
 */
import type { ClientRequest, IncomingMessage, ServerResponse } from 'node:http';
import * as net from 'node:net';
import type { LeakItem } from '../core/probe';
import { activeHandles } from './handle-labels';

/**
 * Sockets the global HTTP(S) agents keep idle for the next request (keep-alive is on by
 * default since Node 19; they close after 5 s idle), by socket, with the agent's name.
 */
export function idleAgentSockets(): Map<net.Socket, string> {
  const idle = new Map<net.Socket, string>();
  for (const [name, module] of [['http.globalAgent', 'http'], ['https.globalAgent', 'https']] as const) {
    // Only a module the process has loaded already: loading https would read the CA
    // certificates (Node 24 does so in the background), an fd of leakguard's own making.
    if (!loadedBuiltin(module)) continue;
    const agent = (require(`node:${module}`) as typeof import('node:http')).globalAgent as { freeSockets?: Record<string, net.Socket[] | undefined> };
    for (const sockets of Object.values(agent.freeSockets ?? {})) for (const socket of sockets ?? []) idle.set(socket, name);
  }
  return idle;
}

/**
 * The keep-alive connections of which both ends are in this process (among the active
 * handles and the global agents' idle sockets) and wait on code, with no timer of theirs
 * due within `withinMs`: only code closes them that soon.
 */
export function connectionsWaitingOnCode(withinMs: number, pooled: Iterable<net.Socket> = idleAgentSockets().keys()): Set<net.Socket> {
  const byEnds = new Map<string, net.Socket>();
  for (const socket of [...activeHandles(), ...pooled]) {
    if (socket instanceof net.Socket && waitsOnCode(socket, withinMs)) byEnds.set(ends(socket), socket);
  }
  const found = new Set<net.Socket>();
  for (const socket of byEnds.values()) {
    const peer = byEnds.get(ends(socket, true));
    if (peer && peer !== socket) found.add(socket);
  }
  return found;
}

type HttpSocket = net.Socket & { server?: unknown; parser?: unknown; _httpMessage?: ClientRequest | ServerResponse | null };

/**
 * One end of an HTTP connection with nothing queued to write, and no idle timer due
 * within `withinMs`, that waits for code: a server's end between requests (it keeps its
 * parser until the connection is upgraded, and has a response only while it answers); a
 * client's end idle in its agent's pool, or holding a response that arrived in full and
 * that nothing reads (the agent frees the socket once the response is read).
 */
function waitsOnCode(socket: HttpSocket, withinMs: number): boolean {
  if (socket.destroyed || socket.connecting || socket.writableLength > 0) return false;
  const timeout = socket.timeout ?? 0;
  if (timeout > 0 && timeout <= withinMs) return false;
  const message = socket._httpMessage;
  if (socket.server) return Boolean(socket.parser) && !message;
  if (socket.listenerCount('agentRemove') === 0) return false;
  return !message || holdsUnreadResponse(socket);
}

/**
 * A client's socket whose request is sent and whose response arrived in full, but nothing
 * reads it (no `data` listener, no pipe, no resume()): its agent frees the socket only once
 * the response has been read, so the connection stays open until the server times it out.
 */
export function holdsUnreadResponse(socket: net.Socket): boolean {
  const request = (socket as HttpSocket)._httpMessage as (ClientRequest & { res?: IncomingMessage }) | null | undefined;
  const response = request?.res;
  return Boolean(request?.writableFinished) && response?.complete === true && !response.readableEnded && response.readableFlowing !== true;
}

/** `item`, a socket or its descriptor, said to be held by an unread response when `owner` is (see holdsUnreadResponse). */
export function withUnreadResponse<Item extends LeakItem>(item: Item, owner: unknown): Item {
  if (!(owner instanceof net.Socket) || !holdsUnreadResponse(owner)) return item;
  return { ...item, label: `${item.label}, held by a response nothing read`, unreadResponse: true };
}

/** The hint for such a socket and its descriptor. */
export const UNREAD_RESPONSE_HINT =
  'An HTTP response on this connection was never read, which holds the connection open (and out of its agent\'s pool) until the server times it out; a keep-alive connection may carry a later test\'s request too. Read every response to its end, or discard it with res.resume().';

/** Its addresses, local first (`reversed`: remote first), IPv4-mapped IPv6 addresses as IPv4. */
function ends(socket: net.Socket, reversed = false): string {
  const local = `${plain(socket.localAddress)} ${socket.localPort}`;
  const remote = `${plain(socket.remoteAddress)} ${socket.remotePort}`;
  return reversed ? `${remote} ${local}` : `${local} ${remote}`;
}

function plain(address: string | undefined): string {
  return address?.startsWith('::ffff:') ? address.slice(7) : String(address);
}

/** Whether Node's built-in module `name` is loaded (process.moduleLoadList: Node 0.x to 24). */
function loadedBuiltin(name: string): boolean {
  const loaded = (process as unknown as { moduleLoadList?: string[] }).moduleLoadList;
  return Array.isArray(loaded) && loaded.includes(`NativeModule ${name}`);
}
