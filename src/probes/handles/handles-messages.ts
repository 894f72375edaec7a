/**
 * What the handles probe says about each resource type (libuv's names, as
 * `process.getActiveResourcesInfo()` gives them): its label, its hint, and whether it can
 * end without code closing it. Labels of the handle objects themselves (addresses, pids)
 * are made in handle-labels.ts.
 */
import { kindOf, type ItemKind } from '../item-kinds';

interface HandleKind extends ItemKind {
  endsByItself: boolean;
}

/** Hints shared by several types (a TCP and a pipe server are fixed alike). */
const HINTS = {
  timer:
    'A timer was started in this test and never cleared. Clear it with clearInterval()/clearTimeout() in the test or in afterEach, or unref() it if it must outlive the test.',
  immediate: 'A setImmediate callback was still pending after the test. Await it in the test, or clearImmediate() it in afterEach.',
  server:
    'A server was started in this test and never closed. Call server.close() in afterEach (and close its open connections: server.closeAllConnections()).',
  socket:
    'A socket opened in this test is still open. End it with socket.end()/socket.destroy() (or agent.destroy() for HTTP keep-alive) in afterEach.',
  child: 'A child process started in this test is still running. Wait for it to exit, or kill it in afterEach (child.kill()).',
  watcher: 'A file watcher was started in this test and never closed. Call watcher.close() (or fs.unwatchFile()) in afterEach.',
  udp: 'A UDP socket opened in this test is still open. Call socket.close() in afterEach.',
  inFlight:
    'An operation this test started (a file read or write, a DNS lookup, a socket write) was still in flight when the test ended. Await it (or its stream\'s "close"/"finish") in the test, or cancel it in afterEach.',
  other: 'Something this test started is still keeping the event loop alive. Close or cancel it in the test or in afterEach.',
} as const;

/**
 * Each type leakguard knows. `endsByItself: false` for what stays until code closes it:
 * the settle wait gains nothing by waiting for those. (A server with connections still
 * closing has those sockets as items too.)
 */
const HANDLE_TYPES: Readonly<Record<string, HandleKind>> = {
  Timeout: { label: 'a timer (setTimeout or setInterval) still pending', hint: HINTS.timer, endsByItself: true },
  Immediate: { label: 'a setImmediate callback still pending', hint: HINTS.immediate, endsByItself: true },
  FSReqCallback: { label: 'a file system request still in flight', hint: HINTS.inFlight, endsByItself: true },
  FSReqPromise: { label: 'a file system request (fs.promises) still in flight', hint: HINTS.inFlight, endsByItself: true },
  GetAddrInfoReqWrap: { label: 'a DNS lookup still in flight', hint: HINTS.inFlight, endsByItself: true },
  GetNameInfoReqWrap: { label: 'a reverse DNS lookup still in flight', hint: HINTS.inFlight, endsByItself: true },
  QueryReqWrap: { label: 'a DNS query (dns.resolve*) still in flight', hint: HINTS.inFlight, endsByItself: true },
  FileHandleReadWrap: { label: 'a read through a FileHandle (fs.promises) still in flight', hint: HINTS.inFlight, endsByItself: true },
  WriteWrap: { label: 'a socket or pipe write still in flight', hint: HINTS.inFlight, endsByItself: true },
  ShutdownWrap: { label: 'a socket or pipe end() still in flight', hint: HINTS.inFlight, endsByItself: true },
  TCPConnectWrap: { label: 'a TCP connect still in flight', hint: HINTS.inFlight, endsByItself: true },
  PipeConnectWrap: { label: 'a pipe or Unix socket connect still in flight', hint: HINTS.inFlight, endsByItself: true },
  TCPServerWrap: { label: 'a TCP server', hint: HINTS.server, endsByItself: false },
  PipeServerWrap: { hint: HINTS.server, endsByItself: false },
  TCPSocketWrap: { label: 'a TCP socket', hint: HINTS.socket, endsByItself: true },
  PipeWrap: { label: 'a pipe or Unix socket', hint: HINTS.socket, endsByItself: true },
  ProcessWrap: { label: 'a child process', hint: HINTS.child, endsByItself: true },
  FSEventWrap: { label: 'a file system watcher (fs.watch)', hint: HINTS.watcher, endsByItself: false },
  StatWatcher: { label: 'a file poller (fs.watchFile)', hint: HINTS.watcher, endsByItself: false },
  UDPWrap: { label: 'a UDP socket', hint: HINTS.udp, endsByItself: false },
  TTYWrap: { label: 'a terminal stream', hint: HINTS.other, endsByItself: false },
  SignalWrap: { label: 'a signal listener', hint: HINTS.other, endsByItself: false },
};

/**
 * Other libuv requests (FileHandleReadWrap, WriteWrap, ...) are operations still in
 * flight, not something that holds the loop for good.
 */
const IN_FLIGHT = /Req|ReadWrap|WriteWrap|ShutdownWrap|ConnectWrap/;
const IN_FLIGHT_KIND: HandleKind = { hint: HINTS.inFlight, endsByItself: true };
const UNKNOWN_KIND: HandleKind = { hint: HINTS.other, endsByItself: true };

export function handleKind(type: string | undefined): HandleKind {
  return kindOf(HANDLE_TYPES, type, type && IN_FLIGHT.test(type) ? IN_FLIGHT_KIND : UNKNOWN_KIND);
}

/** The label of an item known only by its type: `Immediate: a setImmediate callback still pending`. */
export function labelForType(type: string): string {
  const { label } = handleKind(type);
  return label ? `${type}: ${label}` : type;
}

/** A pending timer's label. */
export function timerLabel(kind: 'setTimeout' | 'setInterval', delayMs: number): string {
  return kind === 'setInterval' ? `setInterval() every ${delayMs} ms` : `setTimeout() due after ${delayMs} ms`;
}

/** A handle created before the test, active again in it: its creation line is another test's. */
export function labelAsReused(label: string): string {
  return `${label} (reused: created before this test, e.g. kept in a keep-alive pool)`;
}
