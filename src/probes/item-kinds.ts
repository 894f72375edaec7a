/**
 * The shape every built-in probe keeps its messages in: one table keyed by item type,
 * each entry saying what that kind of item is (label), how to fix it (hint) and, where the
 * probe settles, whether it can end without code closing it. (As Deno's test sanitizers
 * keep each resource kind's name and fix in one table.)
 */
export interface ItemKind {
  /** What one of these is, for an item known only by its type. */
  label?: string;
  /** The hint shown under a leak of this kind. */
  hint: string;
  /** Whether it can go away without code closing it (the settle wait may see it end). */
  endsByItself?: boolean;
}

/**
 * The entry of `type` in `kinds`, or `fallback` for a type it does not list. Own keys
 * only: a type named "constructor" is no entry.
 */
export function kindOf<Kind extends ItemKind>(kinds: Readonly<Record<string, Kind>>, type: string | undefined, fallback: Kind): Kind {
  return type !== undefined && Object.hasOwn(kinds, type) ? kinds[type]! : fallback;
}
