/**
 * `ignoreCreatedBy`: items whose creation stack says a given library or helper made them
 * are not counted (goleak's IgnoreTopFunction / IgnoreCreatedBy, by file instead of
 * function). A pattern is a glob over file paths (picomatch), already made absolute by
 * the config (see config/created-by-patterns.ts).
 *
 * Which frames are looked at: those a creation went through on its way out of the user's
 * code, innermost first, up to and including the first frame outside node_modules (the
 * project's own line). A server made by `test/helpers/server.js` is that helper's, and so
 * ignored by `test/helpers/**`; a server that the test's own callback makes inside a
 * helper's `withServer(callback)` has the test's line first, and stays the test's.
 */
import type { LeakItem } from './probe';

/** Whether an item's creation stack (`file:line:col` frames, innermost first) names an ignored creator. */
export type CreationMatcher = (stack: readonly string[]) => boolean;

/** The matcher for `patterns`; undefined when there are none (nothing to check, nothing to pay). */
export function creationMatcher(patterns: readonly string[] | undefined): CreationMatcher | undefined {
  if (!patterns || patterns.length === 0) return undefined;
  // Loaded only by a config that uses the option.
  const picomatch = require('picomatch') as typeof import('picomatch');
  const matches = picomatch([...patterns], { dot: true });
  return (stack) => creatingFrames(stack).some((frame) => matches(fileOf(frame)));
}

/** The frames a creation went through: innermost first, up to the first one outside node_modules. */
export function creatingFrames(stack: readonly string[]): string[] {
  const frames: string[] = [];
  for (const frame of stack) {
    frames.push(frame);
    if (!IN_NODE_MODULES.test(frame)) break;
  }
  return frames;
}

const IN_NODE_MODULES = /(^|[\\/])node_modules[\\/]/;

/** `/p/x.js:12:3` -> `/p/x.js`. */
function fileOf(frame: string): string {
  return frame.replace(/:\d+:\d+$/, '');
}

/** Whether `item` carries a creation stack that `matcher` ignores. Never throws: items may come from plugins. */
export function createdByIgnored(item: LeakItem, matcher: CreationMatcher): boolean {
  try {
    const stack = item.stack;
    return Array.isArray(stack) && stack.length > 0 && stack.every((frame) => typeof frame === 'string') && matcher(stack);
  } catch {
    return false;
  }
}

/** Whether `item` carries a creation stack (as its probe listed it). */
export function hasStack(item: LeakItem): boolean {
  try {
    return Array.isArray(item.stack) && item.stack.length > 0;
  } catch {
    return false;
  }
}

/**
 * The second look, for items listed without a stack that their probe adds when it
 * describes them (a descriptor's owner: fds): at the verdict, those of a probe that grew
 * past its threshold are described, and the ones an ignored frame made are dropped from
 * its growth. At most this many are described per probe and unit.
 */
export const MAX_DESCRIBED_FOR_IGNORE = 200;

/** A probe with `ignoreCreatedBy`, as the engine holds it (see GuardedProbe). */
interface IgnoringProbe {
  readonly threshold: number;
  readonly ignoreCreatedBy: CreationMatcher | undefined;
  describe(items: LeakItem[]): Promise<LeakItem[]>;
}

/**
 * Drop, from each growth past its threshold, the items that describing them shows an
 * ignored frame made (see MAX_DESCRIBED_FOR_IGNORE). `growths` is the engine's, changed in place.
 */
export async function dropIgnoredOnDescribe<Probe extends IgnoringProbe>(growths: Map<Probe, { delta: number; items: LeakItem[] | undefined }>): Promise<void> {
  for (const [probe, growth] of growths) {
    const matcher = probe.ignoreCreatedBy;
    const items = growth.items;
    if (!matcher || !items || growth.delta <= probe.threshold) continue;
    const unstacked = items.filter((item) => !hasStack(item)).slice(0, MAX_DESCRIBED_FOR_IGNORE);
    if (unstacked.length === 0) continue;
    const described = await probe.describe(unstacked);
    // describe() keeps the order and the number of items; one that does not cannot be matched up.
    if (described.length !== unstacked.length) continue;
    const ignored = new Set(unstacked.filter((_, index) => createdByIgnored(described[index]!, matcher)));
    if (ignored.size === 0) continue;
    growth.items = items.filter((item) => !ignored.has(item));
    growth.delta = growth.items.length;
  }
}
