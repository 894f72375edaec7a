/**
 * The title tag that allows a probe's findings for a test, a hook or a whole `describe`:
 * `it('keeps the pool open @leakguard-allow(handles)', ...)`,
 * `describe('db @leakguard-allow(handles, fds)', ...)`. Names are separated by commas or
 * spaces. The tag stays in the title Mocha shows (and `--grep` can select on it).
 */

/** One tag found in a title. */
export interface TitleTag {
  /** The tag as written: `@leakguard-allow(handles, fds)`. */
  text: string;
  /** The probe names it lists. */
  probes: string[];
}

const TAG = /@leakguard-allow\(([^)]*)\)/g;
/** Anything that looks meant for leakguard but is not the tag: `@leakguard-allow handles`, `@leakguard-allows(fds)`. */
const NEAR_MISS = /@leakguard\S*/g;

/** The tags of `title`, and the near misses (written for leakguard, but not in the tag's syntax). */
export function titleTags(title: string): { tags: TitleTag[]; nearMisses: string[] } {
  // Most titles have no tag: one search for the prefix before any regular expression runs.
  if (!title.includes('@leakguard')) return { tags: [], nearMisses: [] };
  const tags: TitleTag[] = [];
  for (const match of title.matchAll(TAG)) {
    tags.push({ text: match[0], probes: (match[1] ?? '').split(/[\s,]+/).filter((name) => name !== '') });
  }
  const rest = title.replace(TAG, '');
  const nearMisses = [...rest.matchAll(NEAR_MISS)].map((match) => match[0]);
  return { tags, nearMisses };
}
