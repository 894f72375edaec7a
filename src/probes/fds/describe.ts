/**
 * What a leaked descriptor is, for the report: a socket's addresses and state, the handle
 * that owns it and where that was created, a file's size and where it was opened.
 */
import { fstatSync, readlinkSync } from 'node:fs';
import { Server, Socket } from 'node:net';
import { join } from 'node:path';
import type { LeakItem } from '../../core/probe';
import { stackLocations } from '../../core/stack-frames';
import { creationSite, creationSiteOfServer } from '../../instrument/creation-sites';
import { openSiteOf } from '../../instrument/file-opens';
import { activeHandles, formatEndpoint } from '../handle-labels';
import { idleAgentSockets, withUnreadResponse } from '../keep-alive';
import { socketInode, socketLabel, type FdItem } from './fd-targets';
import type { SocketInfo, SocketTables } from './proc-net';

/**
 * A listening server's socket as Node knows it. It spares a read of /proc/net, whose
 * tables list every connection in TIME_WAIT too: thousands of rows after an HTTP suite's
 * requests. Connections are still looked up there: their state (CLOSE_WAIT: the peer has
 * closed) is the kernel's.
 */
export function serverSocket(owner: object | undefined): SocketInfo | undefined {
  if (!(owner instanceof Server) || !owner.listening) return undefined;
  const address = owner.address();
  if (typeof address === 'string') {
    // An abstract socket's name starts with a NUL byte, which /proc/net/unix prints as `@`.
    return { kind: 'unix', path: address.replace(/^\0/, '@'), socketType: 'stream', listening: true, state: 'UNCONNECTED' };
  }
  return address ? { kind: 'inet', protocol: 'TCP', local: formatEndpoint(address.address, address.port), state: 'LISTEN' } : undefined;
}

export function isListening(info: SocketInfo): boolean {
  return 'listening' in info ? info.listening : info.state === 'LISTEN' || (info.protocol === 'UDP' && !info.remote);
}

/** Sockets get their protocol, addresses and state; regular files their size. */
export function describeFds(fdDir: string, items: FdItem[], tables: SocketTables): LeakItem[] {
  const idle = idleAgentSockets();
  const owners = handlesByFd(idle);
  const inodes = new Set<string>();
  for (const item of items) {
    const inode = inodeOf(item);
    if (inode !== undefined && !serverSocket(owners.get(item.fd))) inodes.add(inode);
  }
  const sockets = inodes.size > 0 ? findSockets(inodes, tables) : new Map<string, SocketInfo>();
  return items.map((item) => {
    const owner = owners.get(item.fd);
    const described = item.type === 'file' ? withOpenSite(withFileSize(item)) : withSocket(fdDir, item, sockets, owner);
    return withOwner(described, owner, idle);
  });
}

function withSocket(fdDir: string, item: FdItem, sockets: Map<string, SocketInfo>, owner: object | undefined): FdItem {
  const inode = inodeOf(item);
  if (inode === undefined) return item;
  const socket = serverSocket(owner) ?? sockets.get(inode);
  if (socket) return { ...item, label: `fd ${item.fd} -> ${socketLabel(socket)}`, socket };
  return { ...item, label: `fd ${item.fd} -> ${unlistedSocket(fdDir, item, inode, owner)}` };
}

/**
 * What is known of a socket that no /proc/net table lists (`socket:[79440]` said nothing):
 * closed since it was listed (its descriptor is gone or is another file now); else a TCP
 * connection its peer reset or closed and Node has not read since (the kernel then drops
 * it from the tables), with the addresses its handle still knows; else a kind or a
 * network namespace leakguard does not read.
 */
function unlistedSocket(fdDir: string, item: FdItem, inode: string, owner: object | undefined): string {
  let now: string | undefined;
  try {
    now = readlinkSync(join(fdDir, String(item.fd)));
  } catch {
    now = undefined;
  }
  if (now !== item.target) return `socket (inode ${inode}, closed before it could be read)`;
  if (owner instanceof Socket && !owner.connecting && owner.localAddress && !owner.remoteAddress) {
    return `TCP ${formatEndpoint(owner.localAddress, owner.localPort)}, peer gone (reset or closed by the other end)`;
  }
  return `socket (inode ${inode}, in no /proc/net table: not connected, or another network namespace)`;
}

/**
 * The handle that owns the descriptor (a server, a socket, a child's stdio pipe) and where
 * it was created, so a socket fd leads to the line that opened it.
 */
function withOwner(item: FdItem, owner: object | undefined, idle: Map<object, string>): FdItem {
  if (!owner) return item;
  const site = creationSite(owner) ?? creationSiteOfServer(owner);
  const stack = site ? stackLocations(site.stack) : [];
  const described: FdItem = withUnreadResponse({ ...item, owner: owner.constructor?.name ?? 'handle', ...(stack.length > 0 ? { stack } : {}) }, owner);
  const agent = idle.get(owner);
  return agent ? { ...described, label: `${item.label}, idle in ${agent}`, pooledBy: agent } : described;
}

/** Where the file was opened, when it was opened through fs. */
function withOpenSite(item: FdItem): FdItem {
  const stack = stackLocations(openSiteOf(item.fd));
  return stack.length > 0 ? { ...item, stack } : item;
}

/** Node's servers and sockets by descriptor: the active ones, and the `idle` keep-alive sockets given. */
export function handlesByFd(idle: ReadonlyMap<object, string> = new Map()): Map<number, object> {
  const byFd = new Map<number, object>();
  // Idle keep-alive sockets are unref'd, so not among the active handles.
  for (const socket of idle.keys()) {
    const fd = (socket as { _handle?: { fd?: unknown } | null })._handle?.fd;
    if (typeof fd === 'number' && fd >= 0) byFd.set(fd, socket);
  }
  for (const handle of activeHandles()) {
    // Only net's own classes: dgram's _handle getter prints a deprecation warning.
    if (!(handle instanceof Socket || handle instanceof Server)) continue;
    const fd = (handle as { _handle?: { fd?: unknown } | null })._handle?.fd;
    if (typeof fd === 'number' && fd >= 0) byFd.set(fd, handle);
  }
  return byFd;
}

export function inodeOf(item: FdItem): string | undefined {
  return item.target === undefined ? undefined : socketInode(item.target);
}

function withFileSize(item: FdItem): FdItem {
  try {
    // fstat rather than stat of the path: the file may have been renamed or unlinked.
    const stats = fstatSync(item.fd);
    return stats.isFile() ? { ...item, size: stats.size } : item;
  } catch {
    return item;
  }
}

/** Sockets by inode from /proc/net, through ./proc-net, which only a unit that left sockets needs loaded. */
export function findSockets(inodes: ReadonlySet<string>, tables: SocketTables): Map<string, SocketInfo> {
  return (require('./proc-net') as typeof import('./proc-net')).findSockets(inodes, tables);
}
