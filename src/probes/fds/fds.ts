import { closeSync, fstatSync, readdirSync, readFileSync, readlinkSync, realpathSync, statSync } from 'node:fs';
import { idleFetchFds } from '../fetch-pool';
import { Server, Socket } from 'node:net';
import { join, resolve } from 'node:path';
import { defineProbe, type LeakItem, type ProbeContext, type ProbeInstance, type Reading } from '../../core/probe';
import { classifyStats, classifyTarget, socketInode, socketLabel, targetPath, type FdType } from './fd-targets';
import { kindOf, type ItemKind } from '../item-kinds';
import { anyOf, globMatcher, type Matcher } from '../patterns';
import { stackLocations } from '../../core/stack-frames';
import { trackCreationSites } from '../../instrument';
import { creationSequence, creationSite, creationSiteOfServer } from '../../instrument/creation-sites';
import { openedSince, openSiteOf, openSyncUntracked } from '../../instrument/file-opens';
import { activeHandles, formatEndpoint } from '../handle-labels';
import type { SocketInfo } from './proc-net';

export interface FdsOptions {
  ignore?: string[];
  fdDir?: string;
}

/** An item of this probe, as newItems() makes it. */
interface FdItem extends LeakItem {
  id: string;
  type: FdType;
  fd: number;
  /** The link target (`/tmp/x.log`, `socket:[123]`); absent where fds are not links (macOS). */
  target?: string;
}

/**
 * Descriptors that an event loop opens once, on first use, and keeps until it closes:
 * whichever test happens to use the feature first would be blamed for them.
 * - `/dev/null`: libuv reserves a descriptor on /dev/null when the loop's first socket,
 *   pipe or TTY stream is created, to recover from EMFILE in accept(). (A leaked
 *   /dev/null descriptor would be harmless besides.)
 * - `anon_inode:inotify`: libuv opens one inotify instance on the first fs.watch() and
 *   shares it among all watchers, so a leaked watcher adds no descriptor; the handles
 *   probe reports the watcher itself.
 */
const ALWAYS_IGNORED: readonly string[] = ['/dev/null', 'anon_inode:inotify'];

const DEFAULT_FD_DIRS: readonly string[] = ['/proc/self/fd', '/dev/fd'];

/** The hint for each type of descriptor. */
const FD_KINDS: Readonly<Record<FdType, ItemKind>> = {
  file: {
    hint: 'A file was opened in this test and never closed. Close it (fs.closeSync(fd), await filehandle.close(), stream.destroy()) in the test or in afterEach.',
  },
  socket: {
    hint: 'A socket was opened in this test and is still open. Close servers (server.close()), destroy client sockets and agents (socket.destroy(), agent.destroy()), close database and HTTP clients, and kill child processes (their stdio are sockets) in the test or in afterEach.',
  },
  pipe: {
    hint: 'An anonymous pipe was opened in this test and never closed, usually by a native addon or a library that talks to a process through pipes. Close it, or destroy the stream that wraps it, in the test or in afterEach.',
  },
  anon_inode: {
    hint: 'A kernel event object (epoll, eventfd, timerfd) was created in this test and never closed, usually by a worker thread or a native addon still running. Terminate workers (await worker.terminate()) and close what the addon opened in afterEach.',
  },
  other: {
    hint: 'A file descriptor was opened in this test and never closed. Close it in the test or in afterEach.',
  },
};

/** Items that are no one descriptor: a full table, and a connection idle in an HTTP agent's pool. */
const TABLE_FULL_HINT =
  'This test opened descriptors until none were left (EMFILE) and kept them open: nothing else in the process can open a file or a socket. Close them in the test or in afterEach.';
const pooledConnectionHint = (agent: string): string =>
  `An HTTP request in this test left its connection idle in ${agent}'s keep-alive pool (Node 19 and later keep connections; they close after 5 s idle). Pass an agent without keepAlive in tests, or call ${agent}.destroy() in after().`;

/**
 * Open file descriptors. A sample lists the fd directory, numbers only (~20 us with 20
 * fds); the few numbers that are new at the end of a test are then resolved to what they
 * point at, and described (socket addresses, file sizes) only when they leaked.
 */
export const fdsProbe = defineProbe<FdsOptions>({
  name: 'fds',
  unit: 'count',
  description: 'open file descriptors: files, sockets, pipes (from /proc/self/fd, or /dev/fd)',
  defaultThreshold: 0,
  settle: true,
  options: {
    ignore: {
      type: 'string[]',
      default: [],
      description:
        'descriptor targets not to report, as /proc/self/fd shows them: an exact target ("anon_inode:[eventpoll]"), a path and everything under it ("/var/log"), or a pattern in which * matches anything ("pipe:*", "*.log"); added to the built-in list',
    },
    fdDir: {
      type: 'string',
      description:
        'the directory that lists open descriptors (default: /proc/self/fd, else /dev/fd; the LEAKGUARD_FD_DIR environment variable overrides the default); the probe switches off if it cannot be listed',
    },
  },
  hint: fdHint,
  create: createFdsProbe,
});

function createFdsProbe(context: ProbeContext<FdsOptions>): ProbeInstance<FdListing> | null {
  trackCreationSites();
  const fdDir = findFdDir(context);
  if (fdDir === undefined) return null;
  openStdioStreams();
  const ignored = ignoreMatcher([...ALWAYS_IGNORED, ...(context.options.ignore ?? [])]);
  return {
    sample: fdSampler(fdDir),
    newItems: (before, after) => withoutIdleFetchConnections(newFds(fdDir, before, after, ignored)),
    mayEndByItself: (items) => mayEndByItself(items as FdItem[]),
    describe: (items) => describeFds(fdDir, items as FdItem[]),
  };
}

/** Sockets of connections fetch() keeps idle in its pool are no test's (see fetch-pool.ts). */
function withoutIdleFetchConnections(items: FdItem[]): FdItem[] {
  if (!items.some((item) => item.type === 'socket')) return items;
  const pooled = idleFetchFds();
  return pooled.size === 0 ? items : items.filter((item) => !pooled.has(item.fd));
}

/**
 * A connected socket may still be closed by its peer, a pipe when its process exits, and a
 * file by the code that opened it, a moment later (a stream closing the file it served
 * once the response is out: the test's suite may end first); a listening socket only goes
 * when code closes it. Node's own handles say which socket is which; /proc/net is read
 * only for sockets no handle owns.
 */
function mayEndByItself(items: FdItem[]): boolean {
  // A full table empties only when code closes descriptors.
  if (items.some((item) => item.type === 'pipe' || item.type === 'file' || (item.type === 'other' && item.id !== TABLE_FULL_ID))) return true;
  const sockets = items.filter((item) => item.type === 'socket');
  if (sockets.length === 0) return false;
  const owners = handlesByFd();
  const inodes = new Set<string>();
  for (const socket of sockets) {
    const owner = owners.get(socket.fd);
    if (owner instanceof Socket) return true;
    if (serverSocket(owner)) continue;
    const inode = inodeOf(socket);
    // No inode to look up (fds that are not links, on macOS): unknown, so it may.
    if (inode === undefined) return true;
    inodes.add(inode);
  }
  if (inodes.size === 0) return false;
  const found = findSockets(inodes);
  // A socket not found in /proc/net (another namespace, netlink): unknown, so it may.
  if (found.size < inodes.size) return true;
  return [...found.values()].some((info) => !isListening(info));
}

/**
 * A listening server's socket as Node knows it. It spares a read of /proc/net, whose
 * tables list every connection in TIME_WAIT too: thousands of rows after an HTTP suite's
 * requests. Connections are still looked up there: their state (CLOSE_WAIT: the peer has
 * closed) is the kernel's.
 */
function serverSocket(owner: object | undefined): SocketInfo | undefined {
  if (!(owner instanceof Server) || !owner.listening) return undefined;
  const address = owner.address();
  if (typeof address === 'string') {
    // An abstract socket's name starts with a NUL byte, which /proc/net/unix prints as `@`.
    return { kind: 'unix', path: address.replace(/^\0/, '@'), socketType: 'stream', listening: true, state: 'UNCONNECTED' };
  }
  return address ? { kind: 'inet', protocol: 'TCP', local: formatEndpoint(address.address, address.port), state: 'LISTEN' } : undefined;
}

function isListening(info: SocketInfo): boolean {
  return 'listening' in info ? info.listening : info.state === 'LISTEN' || (info.protocol === 'UDP' && !info.remote);
}

/** The configured fd directory, or the first default one that can be listed; warns when none can. */
function findFdDir({ options, rootDir, warn }: ProbeContext<FdsOptions>): string | undefined {
  const chosen = options.fdDir || process.env['LEAKGUARD_FD_DIR'];
  const candidates = chosen ? [resolve(rootDir, chosen)] : DEFAULT_FD_DIRS;
  const listable = candidates.find(canList);
  if (listable === undefined) {
    warn(`cannot list ${candidates.join(' or ')}${chosen ? '' : ' on this platform'}; probe switched off`);
  }
  return listable;
}

function canList(fdDir: string): boolean {
  try {
    listOpenFds(fdDir);
    return true;
  } catch {
    return false;
  }
}

/**
 * Node creates process.stdout and process.stderr on first use, and on a terminal that
 * opens a new descriptor (libuv reopens the TTY): the first test to print a warning would
 * be blamed for a leaked /dev/pts/N. Create them now, before any test runs.
 */
function openStdioStreams(): void {
  void process.stdout;
  void process.stderr;
}

/** What a reading of this probe holds. */
interface FdListing {
  /** The open descriptors, by number (see listOpenFds). */
  names: readonly string[];
  /** The creation sequence when they were listed (see openedSince). */
  sequence: number;
  /** The table was full (EMFILE): nothing could be listed; `names` are the last ones listed. */
  full?: true;
}

/** A reading of this probe. */
type FdReading = Reading<FdListing> & { state: FdListing };

/** The item of a unit that left the descriptor table full: no descriptor can be named then. */
const TABLE_FULL_ID = 'fd-table-full';

function isTableFull(error: unknown): boolean {
  const code = errorCode(error);
  return code === 'EMFILE' || code === 'ENFILE';
}

/**
 * A sample lists the fd directory only when something may have changed: the kernel's
 * count of open descriptors moved, or something tracked was created or opened through fs
 * (the creation sequence). Else, and when the listing and the sequence are those of the
 * last sample, that reading is handed back: the engine then knows that nothing changed
 * without comparing. So a sample costs the same however many descriptors are open. What
 * the count cannot see: within one test, a descriptor opened outside the wrapped
 * functions (a native addon's) while one that was open before is closed.
 */
function fdSampler(fdDir: string): () => FdReading {
  const limit = openFilesLimit();
  const counts = countsOpenFds(fdDir);
  let last: FdReading | undefined;
  /** The kernel's count when `last` was listed. */
  let listedCount: number | undefined;
  return () => {
    const sequence = creationSequence();
    const count = counts ? openCount(fdDir) : undefined;
    if (last && !last.state.full && count !== undefined && count === listedCount && last.state.sequence === sequence) return last;
    listedCount = count;
    let names: string[];
    try {
      names = listOpenFds(fdDir);
    } catch (error) {
      if (!isTableFull(error)) throw error;
      last = tableFull(last, limit, sequence);
      return last;
    }
    if (last && !last.state.full && last.state.sequence === sequence && sameNames(last.state.names, names)) return last;
    last = { value: names.length, state: { names, sequence } };
    return last;
  };
}

/**
 * No descriptor is left to list the table with (EMFILE): the count is the process's
 * limit (every number below it is taken), else 1 more than the last; the names are the
 * last ones listed. The unit that filled the table is the one whose reading goes from
 * listed to full: its leak is that (see newFds).
 */
function tableFull(last: FdReading | undefined, limit: number | undefined, sequence: number): FdReading {
  if (last?.state.full) return last;
  const names = last ? last.state.names : [];
  const value = limit ?? (last?.value ?? 0) + 1;
  return { value, state: { names, sequence, full: true } satisfies FdListing };
}

/**
 * The number of open descriptors, from the size Linux (6.2 and later) gives a process's
 * fd directory in /proc: a stat, ~5 us, where listing it costs ~30 us and more with every
 * open descriptor.
 */
function openCount(fdDir: string): number | undefined {
  try {
    return statSync(fdDir).size || undefined;
  } catch {
    return undefined;
  }
}

/** Whether `fdDir` is a /proc fd directory whose size counts what is open (not 0: an older kernel; not a plain directory). */
function countsOpenFds(fdDir: string): boolean {
  try {
    return /^\/proc\/\d+\/fd$/.test(realpathSync(fdDir)) && openCount(fdDir) !== undefined;
  } catch {
    return false;
  }
}

function sameNames(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The soft limit on open files, from /proc/self/limits (read while descriptors are left); undefined elsewhere. */
function openFilesLimit(): number | undefined {
  try {
    const limits = readFileSync('/proc/self/limits', 'utf8');
    const soft = /^Max open files\s+(\d+)/m.exec(limits)?.[1];
    return soft === undefined ? undefined : Number(soft);
  } catch {
    return undefined;
  }
}

/**
 * On Linux, O_PATH: a descriptor that only names a place, which the kernel makes without
 * opening the device. O_PATH is 010000000 on every architecture Node runs on.
 */
const LOWEST_FREE_PROBE: [string, number | string] = process.platform === 'linux' ? ['/', 0o10000000] : ['/dev/null', 'r'];

function lowestFreeFd(): number {
  const fd = openSyncUntracked(LOWEST_FREE_PROBE[0], LOWEST_FREE_PROBE[1]);
  closeSync(fd);
  return fd;
}

/**
 * The open descriptors, as their names in `fdDir` (numbers only: reading every link
 * would cost ~100 us per sample).
 *
 * readdirSync opens a descriptor on the directory, which shows up in its own listing and
 * is closed when it returns; a test that then opens a file gets that same number, and
 * the leak would hide behind it. open() returns the lowest free descriptor, which is the
 * one the listing used, so opening one right after finds it. Should another thread
 * close a lower descriptor in between, that one is dropped instead (rightly: it is
 * closed) and the listing's own stays in, so a test reusing its number is missed: a rare
 * miss, never a false report.
 */
function listOpenFds(fdDir: string): string[] {
  const names = readdirSync(fdDir);
  const own = names.indexOf(String(lowestFreeFd()));
  if (own !== -1) names.splice(own, 1);
  return names;
}

/**
 * Descriptors open in `after` whose number was free in `before`, or taken again by a file
 * opened through fs since, or by a server or socket created since. Only these few are
 * resolved (readlink), so a descriptor that was open at the start, closed, and whose
 * number an untracked open (a pipe, an addon's) took is not seen: numbers alone cannot
 * tell them apart, and reading every link on each sample is too slow.
 */
function newFds(fdDir: string, before: Reading<FdListing>, after: Reading<FdListing>, ignored: Matcher): FdItem[] {
  const { names: known, sequence: since, full: fullBefore } = before.state!;
  if (after.state!.full) {
    if (fullBefore) return [];
    const label = `the descriptor table is full (EMFILE): ${after.value} open, ${after.value - before.value} more than before`;
    return [{ id: TABLE_FULL_ID, label, type: 'other', fd: -1 }];
  }
  const listed = new Set(known);
  // Something was created since (a server, a socket): the descriptors of those still open,
  // whose numbers a descriptor closed meanwhile may have held (seen on a suite's first test).
  const createdSince = after.state!.sequence > since ? socketFdsCreatedSince(since) : undefined;
  const items: FdItem[] = [];
  for (const name of after.state!.names) {
    if (listed.has(name) && !openedSince(Number(name), since) && !createdSince?.has(Number(name))) continue;
    const item = readFd(fdDir, name);
    if (item && !(item.target !== undefined && ignored(item.target))) items.push(item);
  }
  return items;
}

/** The descriptors of the servers and sockets created after creation sequence `since` that Node still lists as active. */
function socketFdsCreatedSince(since: number): Set<number> {
  const fds = new Set<number>();
  for (const [fd, handle] of handlesByFd()) if ((creationSite(handle)?.sequence ?? 0) > since) fds.add(fd);
  return fds;
}

/** What descriptor `name` refers to now; undefined when it was closed since it was listed. */
function readFd(fdDir: string, name: string): FdItem | undefined {
  const fd = Number(name);
  let target: string;
  try {
    target = readlinkSync(join(fdDir, name));
  } catch (error) {
    // EINVAL: the entry is not a link (/dev/fd on macOS and the BSDs); anything else: closed.
    return errorCode(error) === 'EINVAL' ? statFd(fd) : undefined;
  }
  const type = classifyTarget(target);
  const item: FdItem = { id: name, label: `fd ${fd} -> ${target}`, type, fd, target };
  if (type === 'file') item.path = targetPath(target);
  return item;
}

/** An item for a descriptor whose target cannot be read: fstat still gives its type. */
function statFd(fd: number): FdItem | undefined {
  try {
    const type = classifyStats(fstatSync(fd));
    return { id: String(fd), label: `fd ${fd} (${type})`, type, fd };
  } catch {
    return undefined;
  }
}

/** Sockets get their protocol, addresses and state; regular files their size. */
function describeFds(fdDir: string, items: FdItem[]): LeakItem[] {
  const idle = idleAgentSockets();
  const owners = handlesByFd(idle);
  const inodes = new Set<string>();
  for (const item of items) {
    const inode = inodeOf(item);
    if (inode !== undefined && !serverSocket(owners.get(item.fd))) inodes.add(inode);
  }
  const sockets = inodes.size > 0 ? findSockets(inodes) : new Map<string, SocketInfo>();
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
  const described: FdItem = { ...item, owner: owner.constructor?.name ?? 'handle', ...(stack.length > 0 ? { stack } : {}) };
  const agent = idle.get(owner);
  return agent ? { ...described, label: `${item.label}, idle in ${agent}`, pooledBy: agent } : described;
}

/** Whether Node's built-in module `name` is loaded (process.moduleLoadList: Node 0.x to 24). */
function loadedBuiltin(name: string): boolean {
  const loaded = (process as unknown as { moduleLoadList?: string[] }).moduleLoadList;
  return Array.isArray(loaded) && loaded.includes(`NativeModule ${name}`);
}

/**
 * Sockets the global HTTP(S) agents keep idle for the next request (keep-alive is on by
 * default since Node 19; they close after 5 s idle), by socket, with the agent's name.
 */
function idleAgentSockets(): Map<object, string> {
  const idle = new Map<object, string>();
  for (const [name, module] of [['http.globalAgent', 'http'], ['https.globalAgent', 'https']] as const) {
    // Only a module the process has loaded already: loading https would read the CA
    // certificates (Node 24 does so in the background), an fd of leakguard's own making.
    if (!loadedBuiltin(module)) continue;
    const agent = (require(`node:${module}`) as typeof import('node:http')).globalAgent as { freeSockets?: Record<string, object[] | undefined> };
    for (const sockets of Object.values(agent.freeSockets ?? {})) for (const socket of sockets ?? []) idle.set(socket, name);
  }
  return idle;
}

/** Where the file was opened, when it was opened through fs. */
function withOpenSite(item: FdItem): FdItem {
  const stack = stackLocations(openSiteOf(item.fd));
  return stack.length > 0 ? { ...item, stack } : item;
}

/** Node's servers and sockets by descriptor: the active ones, and the `idle` keep-alive sockets given. */
function handlesByFd(idle: ReadonlyMap<object, string> = new Map()): Map<number, object> {
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

function inodeOf(item: FdItem): string | undefined {
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

function fdHint(item: LeakItem | undefined): string {
  if (item?.id === TABLE_FULL_ID) return TABLE_FULL_HINT;
  if (typeof item?.pooledBy === 'string') return pooledConnectionHint(item.pooledBy);
  return kindOf(FD_KINDS, item?.type, FD_KINDS.other).hint;
}

function ignoreMatcher(entries: readonly string[]): Matcher {
  return anyOf(entries.map((entry) => (entry.includes('*') ? globMatcher(entry) : exactOrUnder(entry))));
}

/** The target itself or, for a path, anything under it. */
function exactOrUnder(entry: string): Matcher {
  const prefix = entry.endsWith('/') ? entry : `${entry}/`;
  return (target) => target === entry || (entry.startsWith('/') && target.startsWith(prefix));
}

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | null)?.code;
}

/** Sockets by inode from /proc/net, through ./proc-net, which only a unit that left sockets needs loaded. */
function findSockets(inodes: ReadonlySet<string>): Map<string, SocketInfo> {
  return (require('./proc-net') as typeof import('./proc-net')).findSockets(inodes);
}
