/**
 * Whether this process has loaded code that opens file descriptors where the tracked
 * functions (creation-sites.ts) do not see it: a native addon, whose C code opens files
 * and sockets itself (a SQLite or LevelDB binding), or a worker thread, whose fs and net
 * are its own, unwrapped. Until then, a descriptor that outlives a test was opened
 * through fs, net, dgram or child_process, and moved the descriptor activity: the fds probe
 * uses that to skip asking the kernel after most tests (see FdSampler).
 *
 * Addons are loaded through process.dlopen (require of a `.node` file calls it); those
 * loaded before leakguard are in the require cache. Workers are noted when constructed.
 */
import { syncBuiltinESMExports } from 'node:module';
import * as path from 'node:path';

let loaded = false;
let watching = false;

/** True once a native addon is loaded or a worker thread created (and from then on). */
export function untrackedOpenersLoaded(): boolean {
  return loaded;
}

/** Start noting addons and workers. Safe to call again. */
export function watchUntrackedOpeners(): void {
  if (watching) return;
  watching = true;
  if (Object.keys(require.cache).some((file) => path.extname(file) === '.node')) loaded = true;
  const dlopen = process.dlopen;
  process.dlopen = function dlopenNoted(this: unknown, ...args: Parameters<typeof process.dlopen>) {
    loaded = true;
    return dlopen.apply(this, args);
  };
  // Loaded here, with the fds probe: ~0.7 ms.
  const workerThreads = require('node:worker_threads') as typeof import('node:worker_threads');
  const { Worker: Original } = workerThreads;
  // A subclass, not a wrapper function: `new`, `instanceof Worker` and static members
  // work as before, and the class keeps its name.
  const Worker = class Worker extends Original {
    constructor(...args: ConstructorParameters<typeof Original>) {
      loaded = true;
      super(...args);
    }
  };
  (workerThreads as { Worker: typeof Original }).Worker = Worker;
  // ESM `import { Worker } from 'node:worker_threads'` gets the subclass too.
  syncBuiltinESMExports();
}
