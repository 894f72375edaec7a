/**
 * The small glob dialect of probe `ignore` options: `*` stands for any run of characters
 * (slashes included) and everything else is literal. Deliberately smaller than shell
 * globs: the things matched (fd targets like `socket:[123]`, temp entry names) are full of
 * `[`, `]` and `?`, which would otherwise need escaping.
 */

/** Does `text` match `glob` as a whole? */
export type Matcher = (text: string) => boolean;

export function globMatcher(glob: string): Matcher {
  const source = glob.split('*').map(escapeRegExp).join('.*');
  const pattern = new RegExp(`^${source}$`, 's');
  return (text) => pattern.test(text);
}

/** A matcher that accepts what any of `matchers` accepts. */
export function anyOf(matchers: readonly Matcher[]): Matcher {
  return (text) => matchers.some((matches) => matches(text));
}

function escapeRegExp(literal: string): string {
  return literal.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
