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

/** Wrap the creation points once per process. Safe to call again. */
export function trackCreationSites(): void {
  if (installed) return;
  installed = true;
  wrapTimer('setTimeout');
  wrapTimer('setInterval');
  wrapMethod(net.Server.prototype, 'listen');
  wrapMethod(net.Socket.prototype, 'connect');
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
