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
 * The tables as read at one moment, each one's sockets by inode, read again only at the
 * next (see the fds probe's sample): a suite's end describes the sockets of many tests at
 * once, and a table that lists thousands of connections in TIME_WAIT (an HTTP suite's)
 * takes the kernel ~10 ms to write out and leakguard ~1 ms to split each time. Rows of
 * no socket (inode 0: TIME_WAIT) are left out.
 */
export type SocketTables = Map<string, ReadonlyMap<string, SocketInfo>>;

/**
 * Look up sockets by inode. Tables are read one after the other until every inode is
 * found (or taken from `tables`, where read before); an inode in none of them (netlink,
 * raw, another network namespace) is absent from the result.
 */
export function findSockets(inodes: ReadonlySet<string>, tables: SocketTables = new Map()): Map<string, SocketInfo> {
  const found = new Map<string, SocketInfo>();
  for (const file of [...INET_TABLES.map((table) => table.file), 'unix']) {
    if (found.size === inodes.size) break;
    const sockets = tableSockets(file, tables);
    for (const inode of inodes) {
      const info = sockets.get(inode);
      if (info && !found.has(inode)) found.set(inode, info);
    }
  }
  return found;
}

/** The rows of sockets: a connection in TIME_WAIT has none (inode 0). */
const HELD = { has: (inode: string) => inode !== '0' };

function tableSockets(file: string, tables: SocketTables): ReadonlyMap<string, SocketInfo> {
  let sockets = tables.get(file);
  if (!sockets) {
    const text = readTable(`${PROC_NET}/${file}`);
    const inet = INET_TABLES.find((table) => table.file === file);
    sockets = new Map<string, SocketInfo>(inet ? parseInetTable(text, inet.protocol, HELD) : [...parseUnixTable(text)].filter(([inode]) => HELD.has(inode)));
    tables.set(file, sockets);
  }
  return sockets;
}

/** A table's text; empty when the kernel has none (no IPv6, a /proc without net). */
function readTable(path: string): string {
  try {
    return readFileSync(path, 'latin1');
  } catch {
    return '';
  }
}

/**
 * Rows of /proc/net/{tcp,tcp6,udp,udp6}: `sl local rem st tx:rx tr:when retrnsmt uid timeout inode ...`,
 * addresses as `HEXADDR:HEXPORT`; where `only` is given, the rows of the inodes it has.
 */
export function* parseInetTable(text: string, protocol: InetSocket['protocol'], only?: { has(inode: string): boolean }): Generator<[string, InetSocket]> {
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
