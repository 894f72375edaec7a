import type { ProbeDefinition } from '../core/probe';
import { childrenProbe } from './children/children';
import { envProbe } from './env';
import { fdsProbe } from './fds/fds';
import { globalsProbe } from './globals';
import { handlesProbe } from './handles/handles';
import { heapProbe } from './heap/heap';
import { listenersProbe } from './listeners';
import { rssProbe } from './rss';
import { tmpdirProbe } from './tmpdir/tmpdir';

/** The probes that ship with leakguard, in the order they are sampled and reported. */
export const builtinProbes: readonly ProbeDefinition<any>[] = [
  heapProbe,
  rssProbe,
  fdsProbe,
  handlesProbe,
  tmpdirProbe,
  listenersProbe,
  globalsProbe,
  childrenProbe,
  envProbe,
];

/** The built-in probes whose items say where they were created (LeakItem.stack): what `ignoreCreatedBy` applies to. */
export const probesWithCreationStacks: ReadonlySet<string> = new Set([fdsProbe.name, handlesProbe.name, listenersProbe.name, childrenProbe.name]);

export { childrenProbe, envProbe, fdsProbe, globalsProbe, handlesProbe, heapProbe, listenersProbe, rssProbe, tmpdirProbe };
