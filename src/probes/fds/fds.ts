import { fstatSync, readlinkSync } from 'node:fs';
import { Socket } from 'node:net';
import { join, resolve } from 'node:path';
import { DEFAULT_SETTLE, defineProbe, type LeakItem, type ProbeContext, type ProbeInstance, type Reading } from '../../core/probe';
import { trackCreationSites } from '../../instrument';
import { creationSite } from '../../instrument/creation-sites';
import { timerId } from '../../instrument/timers';
import { openedSince } from '../../instrument/file-opens';
import { idleFetchFds } from '../fetch-pool';
import { connectionsWaitingOnCode, idleAgentSockets, UNREAD_RESPONSE_HINT } from '../keep-alive';
import { kindOf, type ItemKind } from '../item-kinds';
import { anyOf, globMatcher, type Matcher } from '../patterns';
import { describeFds, findSockets, handlesByFd, inodeOf, isListening, serverSocket } from './describe';
import { classifyStats, classifyTarget, targetPath, type FdItem, type FdType } from './fd-targets';
import { errorCode, fdSampler, listOpenFds, TABLE_FULL_ID, type FdListing } from './listing';
import type { SocketTables } from './proc-net';

export interface FdsOptions {
  ignore?: string[];
  fdDir?: string;
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
 * Open file descriptors. A sample lists the fd directory, numbers only, when something
 * may have changed (listing.ts); the few numbers that are new at the end of a test are
 * then resolved to what they point at, and described (socket addresses, file sizes,
 * describe.ts) only when they leaked.
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
  const sampler = fdSampler(fdDir);
  // The /proc/net tables as read since the last sample (see proc-net.ts).
  const tables: SocketTables = new Map();
  return {
    sample: () => {
      tables.clear();
      return sampler();
    },
    newItems: (before, after) => withoutIdleFetchConnections(newFds(fdDir, before, after, ignored)),
    mayEndByItself: (items) => mayEndByItself(items as FdItem[], tables),
    describe: (items) => describeFds(fdDir, items as FdItem[], tables),
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
 * when code closes it, and so does a keep-alive connection between two ends in this
 * process (see keep-alive.ts). Node's own handles say which socket is which; /proc/net is
 * read only for sockets no handle owns.
 */
function mayEndByItself(items: FdItem[], tables: SocketTables): boolean {
  // A full table empties only when code closes descriptors.
  if (items.some((item) => item.type === 'pipe' || item.type === 'file' || (item.type === 'other' && item.id !== TABLE_FULL_ID))) return true;
  const sockets = items.filter((item) => item.type === 'socket');
  if (sockets.length === 0) return false;
  const pooled = idleAgentSockets();
  const owners = handlesByFd(pooled);
  let waiting: Set<Socket> | undefined;
  const inodes = new Set<string>();
  for (const socket of sockets) {
    const owner = owners.get(socket.fd);
    if (owner instanceof Socket) {
      if ((waiting ??= connectionsWaitingOnCode(DEFAULT_SETTLE.maxWaitMs, pooled.keys())).has(owner)) continue;
      return true;
    }
    if (serverSocket(owner)) continue;
    const inode = inodeOf(socket);
    // No inode to look up (fds that are not links, on macOS): unknown, so it may.
    if (inode === undefined) return true;
    inodes.add(inode);
  }
  if (inodes.size === 0) return false;
  const found = findSockets(inodes, tables);
  // A socket not found in /proc/net (another namespace, netlink): unknown, so it may.
  if (found.size < inodes.size) return true;
  return [...found.values()].some((info) => !isListening(info));
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
  return asTheirHandles(items, since);
}

/**
 * A socket's descriptor goes where its server or socket goes in the handles probe. One
 * whose handle was created before the unit began (creation sequence `since`) is not the
 * unit's: a socket connects, and gets its descriptor, only once its host name is looked up,
 * which may answer after the test that created it ended (engine.io's clients of
 * `localhost`: the descriptor was the next test's in some runs, the creating test's in
 * others). One whose handle a timer's callback created (background work a test started)
 * carries that timer's lineage, as the handle does: both go to the test that started the
 * work (see Candidates.withoutDescendants), not one to it and the other to the test running
 * when the callback ran.
 */
function asTheirHandles(items: FdItem[], since: number): FdItem[] {
  if (!items.some((item) => item.type === 'socket')) return items;
  const owners = handlesByFd();
  const theirs: FdItem[] = [];
  for (const item of items) {
    const owner = item.type === 'socket' ? owners.get(item.fd) : undefined;
    // Its own site only, as in the handles probe: a socket a server accepted has none.
    const site = owner && creationSite(owner);
    if (site && site.sequence <= since) continue;
    theirs.push(site?.createdBy ? { ...item, createdBy: timerId(site.createdBy) } : item);
  }
  return theirs;
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
  // By number and target: a number closed and taken again by something else (the next
  // test's server on a socket's old number) is another descriptor, not the first still open.
  const item: FdItem = { id: `${name} ${target}`, label: `fd ${fd} -> ${target}`, type, fd, target };
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

function fdHint(item: LeakItem | undefined): string {
  if (item?.id === TABLE_FULL_ID) return TABLE_FULL_HINT;
  if (typeof item?.pooledBy === 'string') return pooledConnectionHint(item.pooledBy);
  if (item?.unreadResponse) return UNREAD_RESPONSE_HINT;
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
