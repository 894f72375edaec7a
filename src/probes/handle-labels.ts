/**
 * Names and describes the objects `process._getActiveHandles()` returns, in the terms of
 * `process.getActiveResourcesInfo()` (libuv wrap names), so the handles probe can pair
 * the two sources.
 */
import { ChildProcess } from 'node:child_process';
import * as dgram from 'node:dgram';
import * as net from 'node:net';
import type { LeakItem } from '../core/probe';

type Described = Pick<LeakItem, 'label'> & Partial<LeakItem>;

/** The handle objects keeping the loop alive (undocumented, present from Node 0.x to 24); none where absent. */
export function activeHandles(): object[] {
  const getter = (process as unknown as { _getActiveHandles?: () => object[] })._getActiveHandles;
  return typeof getter === 'function' ? getter.call(process) : [];
}

/** The wrap type getActiveResourcesInfo() reports for this handle object, if known. */
export function wrapTypeOf(handle: object): string | undefined {
  if (handle instanceof net.Server) return isPipe(handle) ? 'PipeServerWrap' : 'TCPServerWrap';
  if (handle instanceof net.Socket) {
    const kind = innerHandleName(handle);
    if (kind === 'TTY') return 'TTYWrap';
    return kind === 'Pipe' ? 'PipeWrap' : 'TCPSocketWrap';
  }
  if (handle instanceof ChildProcess) return 'ProcessWrap';
  if (handle instanceof dgram.Socket) return 'UDPWrap';
  // fs does not export its watcher classes; their names are stable.
  const name = handle.constructor?.name;
  if (name === 'FSWatcher') return 'FSEventWrap';
  return name === 'StatWatcher' ? 'StatWatcher' : undefined;
}

/** A label that says which one it is: its address, pid, command line. */
export function describeHandle(handle: object): Described {
  try {
    if (handle instanceof net.Server) return describeServer(handle);
    if (handle instanceof net.Socket) return describeSocket(handle);
    if (handle instanceof ChildProcess) {
      const command = handle.spawnargs.join(' ');
      return { label: `child process pid ${handle.pid ?? '?'}: ${command}`, pid: handle.pid, command, ...withDescriptors(childDescriptors(handle)) };
    }
    if (handle instanceof dgram.Socket) {
      const address = handle.address();
      return { label: `UDP socket ${address.address}:${address.port}` };
    }
    if (handle.constructor?.name === 'FSWatcher') return { label: 'fs.watch() watcher' };
  } catch {
    // A handle mid-close can throw on address(); fall through to its class name.
  }
  return { label: handle.constructor?.name ?? 'handle' };
}

function describeServer(server: net.Server): Described {
  const address = server.address();
  const fd = withDescriptor(server);
  if (typeof address === 'string') return { label: `server listening on ${address}`, path: address, ...fd };
  if (address) return { label: `server listening on ${formatHost(address.address)}:${address.port}`, port: address.port, ...fd };
  return { label: 'server (not yet listening)', ...fd };
}

function describeSocket(socket: net.Socket): Described {
  if (innerHandleName(socket) === 'TTY') return { label: 'terminal stream' };
  const fd = withDescriptor(socket);
  const local = socket.localAddress ? formatEndpoint(socket.localAddress, socket.localPort) : undefined;
  const remote = socket.remoteAddress ? formatEndpoint(socket.remoteAddress, socket.remotePort) : undefined;
  if (local && remote) return { label: `socket ${local} -> ${remote}`, ...fd };
  // What is known, never a `?`: a peer the kernel no longer has (it reset or closed the
  // connection, and Node has not read since), or a connection under way.
  if (socket.connecting) return { label: local ? `socket ${local} (connecting)` : 'socket (connecting)', ...fd };
  if (local) return { label: `socket ${local}, peer gone (reset or closed by the other end)`, ...fd };
  if (remote) return { label: `socket to ${remote}`, ...fd };
  return { label: innerHandleName(socket) === 'Pipe' ? 'pipe or Unix socket' : 'socket (not connected)', ...fd };
}

/**
 * The descriptor a net server or socket holds (libuv's, on Unix): what the fds probe sees
 * of it. Only net's own classes: dgram's `_handle` getter prints a deprecation warning.
 */
export function descriptorOf(owner: net.Server | net.Socket): number | undefined {
  const fd = (owner as unknown as { _handle?: { fd?: unknown } | null })._handle?.fd;
  return typeof fd === 'number' && fd >= 0 ? fd : undefined;
}

/**
 * The descriptors a child process holds in this process: its stdio pipes and its IPC
 * channel (fork), as the fds probe sees them.
 */
export function childDescriptors(child: ChildProcess): number[] {
  const fds: number[] = [];
  for (const stream of child.stdio ?? []) {
    const fd = stream instanceof net.Socket ? descriptorOf(stream) : undefined;
    if (fd !== undefined) fds.push(fd);
  }
  const channelFd = (child.channel as { fd?: unknown } | null | undefined)?.fd;
  if (typeof channelFd === 'number' && channelFd >= 0) fds.push(channelFd);
  return fds;
}

function withDescriptor(owner: net.Server | net.Socket): Pick<LeakItem, 'fd'> {
  const fd = descriptorOf(owner);
  return fd === undefined ? {} : { fd };
}

function withDescriptors(fds: number[]): Pick<LeakItem, 'fds'> {
  return fds.length > 0 ? { fds } : {};
}

/** `127.0.0.1:8080`, `[::1]:8080`. */
export function formatEndpoint(host: string, port: number | undefined): string {
  return `${formatHost(host)}:${port}`;
}

function formatHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

function isPipe(server: net.Server): boolean {
  return innerHandleName(server) === 'Pipe';
}

function innerHandleName(owner: object): string | undefined {
  const inner = (owner as { _handle?: { constructor?: { name?: string } } | null })._handle;
  return inner?.constructor?.name;
}
