/**
 * Who allocated the memory a test kept: V8's sampling heap profiler, over the inspector
 * protocol of this very process. Sampling starts just before a repeat of a suspect test
 * and the profile is read after a full GC, when V8 has dropped the samples of everything
 * collected: what is left was allocated during the repeat and is still reachable. Each
 * sample has the allocating stack; the user's frame names the line.
 */
import * as path from 'node:path';
import { fullGc } from '../core/gc';
import type { LeakItem } from '../core/probe';
import { sleep } from '../core/real-timers';
import { isForeign } from '../core/stack-frames';
import { post } from './inspector-session';

/** Bytes between samples, on average: fine enough to see a 1 MiB leak in detail. */
const SAMPLING_INTERVAL = 8 * 1024;
const MAX_SITES = 5;

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children: ProfileNode[];
}

interface SamplingProfile {
  head: ProfileNode;
  samples: { size: number; nodeId: number }[];
}

/** Start sampling allocations; the returned function lists the live allocation sites. */
export async function trackAllocations(): Promise<(options?: { discard?: boolean }) => Promise<LeakItem[]>> {
  await post('HeapProfiler.startSampling', { samplingInterval: SAMPLING_INTERVAL });
  return async ({ discard = false } = {}) => {
    try {
      if (discard) return [];
      // V8 drops a collected object's sample in a weak callback that may run a turn
      // later; let it, then collect again.
      fullGc();
      await sleep(0);
      fullGc();
      const { profile } = await post<{ profile: SamplingProfile }>('HeapProfiler.getSamplingProfile');
      return allocationSites(profile);
    } finally {
      await post('HeapProfiler.stopSampling').catch(() => undefined);
    }
  };
}

/** The live samples grouped by the user's allocating line, largest first. */
export function allocationSites(profile: SamplingProfile): LeakItem[] {
  const userFrameOf = userFramesByNode(profile.head);
  const sites = new Map<string, { bytes: number; samples: number; stack: string[]; fn: string }>();
  for (const sample of profile.samples) {
    const frames = userFrameOf.get(sample.nodeId);
    if (!frames || frames.length === 0) continue;
    const key = frames[0]!.location;
    const site = sites.get(key) ?? { bytes: 0, samples: 0, stack: frames.map((frame) => frame.location), fn: frames[0]!.fn };
    // The protocol reports each sample's size already scaled to the bytes it stands for.
    site.bytes += sample.size;
    site.samples++;
    sites.set(key, site);
  }
  return [...sites.values()]
    .sort((a, b) => b.bytes - a.bytes)
    .slice(0, MAX_SITES)
    .map((site) => ({
      id: site.stack[0]!,
      type: 'allocation site',
      label: `allocated in ${site.fn || '(anonymous)'}`,
      size: Math.round(site.bytes),
      stack: site.stack,
      samples: site.samples,
    }));
}

interface UserFrame {
  location: string;
  fn: string;
}

/** For every node of the call tree, the user's frames on its stack, innermost first. */
function userFramesByNode(head: ProfileNode): Map<number, UserFrame[]> {
  const result = new Map<number, UserFrame[]>();
  const walk = (node: ProfileNode, outer: UserFrame[]): void => {
    const frame = toUserFrame(node.callFrame);
    const frames = frame ? [frame, ...outer].slice(0, 5) : outer;
    result.set(node.id, frames);
    for (const child of node.children) walk(child, frames);
  };
  walk(head, []);
  return result;
}

function toUserFrame(callFrame: CallFrame): UserFrame | undefined {
  const url = callFrame.url;
  if (!url) return undefined;
  const file = url.startsWith('file://') ? decodeURIComponent(new URL(url).pathname) : url;
  if (!path.isAbsolute(file) || isForeign(file)) return undefined;
  return { location: `${file}:${callFrame.lineNumber + 1}:${callFrame.columnNumber + 1}`, fn: callFrame.functionName };
}
