/**
 * What an open file descriptor refers to, from its `/proc/self/fd/N` link target:
 * `/tmp/x.log`, `socket:[12345]`, `pipe:[678]`, `anon_inode:[eventpoll]`, ...
 */
import type { Stats } from 'node:fs';
import type { LeakItem } from '../../core/probe';
import type { SocketInfo } from './proc-net';

export type FdType = 'file' | 'socket' | 'pipe' | 'anon_inode' | 'other';

/** An item of the fds probe, as its newItems() makes it. */
export interface FdItem extends LeakItem {
  id: string;
  type: FdType;
  fd: number;
  /** The link target (`/tmp/x.log`, `socket:[123]`); absent where fds are not links (macOS). */
  target?: string;
}

export function classifyTarget(target: string): FdType {
  if (target.startsWith('/')) return 'file';
  if (target.startsWith('socket:')) return 'socket';
  if (target.startsWith('pipe:')) return 'pipe';
  if (target.startsWith('anon_inode:')) return 'anon_inode';
  return 'other';
}

/**
 * The type of a descriptor whose target cannot be read: /dev/fd entries are not links
 * on macOS and the BSDs, but fstat still tells a socket from a pipe.
 */
export function classifyStats(stats: Stats): FdType {
  if (stats.isFile() || stats.isDirectory() || stats.isCharacterDevice() || stats.isBlockDevice()) return 'file';
  if (stats.isSocket()) return 'socket';
  if (stats.isFIFO()) return 'pipe';
  return 'other';
}

/** `socket:[12345]` -> `12345`. */
export function socketInode(target: string): string | undefined {
  return /^socket:\[(\d+)\]$/.exec(target)?.[1];
}

/** The path of a file target, without the ` (deleted)` the kernel appends once it is unlinked. */
export function targetPath(target: string): string {
  return target.endsWith(' (deleted)') ? target.slice(0, -' (deleted)'.length) : target;
}

/** `TCP 127.0.0.1:41234 -> 127.0.0.1:8080 (ESTABLISHED)`, `TCP listening 127.0.0.1:8080`, `unix socket /run/x.sock (listening)`. */
export function socketLabel(info: SocketInfo): string {
  if (info.kind === 'unix') {
    return `unix socket ${info.path ?? 'unnamed'} (${info.listening ? 'listening' : info.state.toLowerCase()})`;
  }
  if (info.state === 'LISTEN') return `${info.protocol} listening ${info.local}`;
  if (info.remote) return `${info.protocol} ${info.local} -> ${info.remote} (${info.state})`;
  // UDP sockets that are bound but not connected stay in CLOSE, which would mislead.
  return info.protocol === 'UDP' ? `UDP bound ${info.local}` : `TCP ${info.local} (${info.state})`;
}
