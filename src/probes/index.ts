import type { ProbeDefinition } from '../core/probe';
import { fdsProbe } from './fds';
import { handlesProbe } from './handles';
import { heapProbe } from './heap';
import { rssProbe } from './rss';
import { tmpdirProbe } from './tmpdir';

/** The probes that ship with leakguard, in the order they are sampled and reported. */
export const builtinProbes: readonly ProbeDefinition<any>[] = [heapProbe, rssProbe, fdsProbe, handlesProbe, tmpdirProbe];

export { fdsProbe, handlesProbe, heapProbe, rssProbe, tmpdirProbe };
