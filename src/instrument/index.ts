/**
 * What wraps Node's creation points, so that a leaked resource names the line that made
 * it: timers, servers, sockets, child processes, fs watchers and file opens. Installed
 * once, when leakguard loads, before any test file keeps its own reference to one of them.
 */
import * as dgram from 'node:dgram';
import fs = require('node:fs');
import * as net from 'node:net';
import { syncBuiltinESMExports } from 'node:module';
import { wrapChildSpawn } from './child-processes';
import { mark, wrapMethod } from './creation-sites';
import { wrapFileOpening } from './file-opens';
import { wrapTimer } from './timers';

let installed = false;

/**
 * A server is open while it listens, while connections it accepted are (their labels name
 * it), and while a listen() still looks up its host (no handle yet). Node moves
 * `_listeningId` on at every listen() and close() (to drop a lookup that a close
 * overtook), so it is odd once the server has closed; where it is not a number, a server
 * with no handle counts as open.
 */
function serverIsOpen(server: net.Server): boolean {
  const internals = server as net.Server & { _handle?: unknown; _connections?: number; _listeningId?: unknown };
  if (server.listening || internals._handle || (internals._connections ?? 0) > 0) return true;
  return typeof internals._listeningId !== 'number' || internals._listeningId % 2 === 0;
}

/** Wrap the creation points once per process. Safe to call again. */
export function trackCreationSites(): void {
  if (installed) return;
  installed = true;
  wrapTimer('setTimeout');
  wrapTimer('setInterval');
  // Most servers and client sockets are closed by the end of the test that made them:
  // their stacks are then never formatted (see captureCreationStack).
  wrapMethod(net.Server.prototype, 'listen', serverIsOpen);
  wrapMethod(net.Socket.prototype, 'connect', (socket) => !socket.destroyed);
  wrapMethod(dgram.Socket.prototype, 'bind');
  wrapChildSpawn();
  const watch = fs.watch;
  (fs as { watch: typeof fs.watch }).watch = function watchTracked(this: unknown, ...args: Parameters<typeof fs.watch>) {
    const watcher = watch.apply(this, args);
    mark(watcher, watchTracked);
    return watcher;
  } as typeof fs.watch;
  wrapFileOpening();
  // ESM `import { watch } from 'node:fs'` sees the wrapped functions too.
  syncBuiltinESMExports();
}
