/**
 * Reads Linux's socket tables (/proc/net/tcp, tcp6, udp, udp6, unix) to say what a
 * `socket:[inode]` file descriptor is: protocol, addresses, state. Only used to describe
 * leaks, so it reads whole tables and may take milliseconds.
 */
import { readFileSync } from 'node:fs';
import { SocketAddress } from 'node:net';
import { endianness } from 'node:os';

export interface InetSocket {
  kind: 'inet';
  protocol: 'TCP' | 'UDP';
  /** `127.0.0.1:8080`, `[::1]:8080`. */
  local: string;
  /** Absent when unconnected (all zeros in the table). */
  remote?: string;
  /** `ESTABLISHED`, `LISTEN`, ... (UDP: `ESTABLISHED` when connected, else `CLOSE`). */
  state: string;
}

export interface UnixSocket {
  kind: 'unix';
  /** The bound path (`@name` for an abstract socket); absent for unnamed sockets (socketpair, client ends). */
  path?: string;
  socketType: 'stream' | 'dgram' | 'seqpacket' | 'unknown';
  listening: boolean;
  /** `UNCONNECTED`, `CONNECTING`, `CONNECTED`, `DISCONNECTING`. */
  state: string;
}

export type SocketInfo = InetSocket | UnixSocket;

const PROC_NET = '/proc/net';

/** include/net/tcp_states.h */
const TCP_STATES: readonly string[] = [
  'UNKNOWN',
  'ESTABLISHED',
  'SYN_SENT',
  'SYN_RECV',
  'FIN_WAIT1',
  'FIN_WAIT2',
  'TIME_WAIT',
  'CLOSE',
  'CLOSE_WAIT',
  'LAST_ACK',
  'LISTEN',
  'CLOSING',
  'NEW_SYN_RECV',
];

const UNIX_STATES: readonly string[] = ['FREE', 'UNCONNECTED', 'CONNECTING', 'CONNECTED', 'DISCONNECTING'];
const UNIX_TYPES: Readonly<Record<string, UnixSocket['socketType']>> = { '0001': 'stream', '0002': 'dgram', '0005': 'seqpacket' };
/** __SO_ACCEPTCON in the Flags column: the socket is listening. */
const UNIX_ACCEPTCON = 0x10000;

const INET_TABLES = [
  { file: 'tcp', protocol: 'TCP' },
  { file: 'tcp6', protocol: 'TCP' },
  { file: 'udp', protocol: 'UDP' },
  { file: 'udp6', protocol: 'UDP' },
] as const;

/**
 * The tables' texts as read at one moment, by path, to be read again only at the next
 * (see the fds probe's sample): a suite's end describes the sockets of many tests at
 * once, and a table that lists thousands of connections in TIME_WAIT (an HTTP suite's)
 * takes the kernel ~10 ms to write out each time.
 */
export type TableTexts = Map<string, string>;

/**
 * Look up sockets by inode. Tables are read one after the other until every inode is
 * found (or taken from `texts`, where read before); an inode in none of them (netlink,
 * raw, another network namespace) is absent from the result.
 */
export function findSockets(inodes: ReadonlySet<string>, texts: TableTexts = new Map()): Map<string, SocketInfo> {
  const found = new Map<string, SocketInfo>();
  const pending = new Set(inodes);
  const take = (inode: string, info: SocketInfo): void => {
    if (!pending.delete(inode)) return;
    found.set(inode, info);
  };
  for (const { file, protocol } of INET_TABLES) {
    if (pending.size === 0) return found;
    for (const [inode, info] of parseInetTable(readTable(`${PROC_NET}/${file}`, texts), protocol, pending)) take(inode, info);
  }
  if (pending.size > 0) {
    for (const [inode, info] of parseUnixTable(readTable(`${PROC_NET}/unix`, texts))) take(inode, info);
  }
  return found;
}

/** A table's text, from `texts` where read before; empty when the kernel has none (no IPv6, a /proc without net). */
function readTable(path: string, texts: TableTexts): string {
  let text = texts.get(path);
  if (text !== undefined) return text;
  try {
    text = readFileSync(path, 'latin1');
  } catch {
    text = '';
  }
  texts.set(path, text);
  return text;
}

/**
 * Rows of /proc/net/{tcp,tcp6,udp,udp6}: `sl local rem st tx:rx tr:when retrnsmt uid timeout inode ...`,
 * addresses as `HEXADDR:HEXPORT`; `only` the rows of these inodes, where given.
 */
export function* parseInetTable(text: string, protocol: InetSocket['protocol'], only?: ReadonlySet<string>): Generator<[string, InetSocket]> {
  for (const line of dataLines(text)) {
    const fields = line.trim().split(/\s+/);
    const [, local, remote, state, , , , , , inode] = fields;
    if (!local || !remote || !state || !inode) continue;
    // Decoding addresses is most of the cost, and most rows are other sockets (TIME_WAIT: inode 0).
    if (only && !only.has(inode)) continue;
    const info: InetSocket = {
      kind: 'inet',
      protocol,
      local: decodeEndpoint(local),
      state: TCP_STATES[parseInt(state, 16)] ?? state,
    };
    if (!isUnspecified(remote)) info.remote = decodeEndpoint(remote);
    yield [inode, info];
  }
}

/** Rows of /proc/net/unix: `Num RefCount Protocol Flags Type St Inode [Path]`. */
export function* parseUnixTable(text: string): Generator<[string, UnixSocket]> {
  for (const line of dataLines(text)) {
    // The path is the rest of the line and may hold spaces.
    const match = /^\s*\S+\s+\S+\s+\S+\s+(\S+)\s+(\S+)\s+(\S+)\s+(\d+)(?: (.*))?$/.exec(line);
    if (!match) continue;
    const [, flags = '0', type = '', state = '0', inode = '', path] = match;
    const info: UnixSocket = {
      kind: 'unix',
      socketType: UNIX_TYPES[type] ?? 'unknown',
      listening: (parseInt(flags, 16) & UNIX_ACCEPTCON) !== 0,
      state: UNIX_STATES[parseInt(state, 16)] ?? state,
    };
    if (path) info.path = path;
    yield [inode, info];
  }
}

/** `0100007F:1F90` -> `127.0.0.1:8080`; 32 hex digits of address -> `[::1]:8080`. */
export function decodeEndpoint(hex: string): string {
  const [address = '', port = '0'] = hex.split(':');
  const portNumber = parseInt(port, 16);
  if (address.length === 8) return `${decodeAddress(address, 'ipv4')}:${portNumber}`;
  return `[${decodeAddress(address, 'ipv6')}]:${portNumber}`;
}

/**
 * The kernel prints an address as 32-bit words with `%08X`, each word read in host byte
 * order from the network-order bytes: on little-endian machines every word comes out
 * byte-reversed (`127.0.0.1` is `0100007F`).
 */
function decodeAddress(hex: string, family: 'ipv4' | 'ipv6'): string {
  const bytes = Buffer.from(hex, 'hex');
  if (endianness() === 'LE') {
    for (let word = 0; word < bytes.length; word += 4) bytes.subarray(word, word + 4).reverse();
  }
  if (family === 'ipv4') return bytes.join('.');
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(bytes.readUInt16BE(i).toString(16));
  // SocketAddress prints the canonical form: `::1`, `::ffff:127.0.0.1`.
  return new SocketAddress({ address: groups.join(':'), family: 'ipv6' }).address;
}

function isUnspecified(hexEndpoint: string): boolean {
  return /^0+:0+$/.test(hexEndpoint);
}

/** The rows after the header line. */
function dataLines(text: string): string[] {
  return text.split('\n').slice(1).filter((line) => line.trim() !== '');
}
