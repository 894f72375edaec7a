/**
 * What a probe says about a leak, made safe to keep, print and write. A plugin is plain
 * JavaScript: its items may be Proxies, have throwing getters, cycles, a 60 MB label, a
 * number for a label. One such item must cost the run nothing but itself: every item that
 * goes into a leak is copied here into plain data (strings capped, no cycles, no getters
 * left to run), with credentials redacted (see redact.ts). Only leaked items come here,
 * so the copy costs nothing on the clean tests.
 */
import type { LeakItem } from './probe';
import { redactSecrets } from './redact';

/** The longest label, id or other string kept from an item; longer ones end with an ellipsis. */
export const MAX_ITEM_STRING = 1000;
/** The longest hint kept (a few sentences). */
export const MAX_HINT_LENGTH = 2000;
/** How deep extra fields are copied (an item is shallow; anything deeper is the probe's own data). */
const MAX_DEPTH = 4;
/** How many entries of an array or keys of an object are copied at most. */
const MAX_ENTRIES = 100;

/** `text` cut to `max` characters, the cut marked with an ellipsis. */
export function capLength(text: string, max = MAX_ITEM_STRING): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** A string a probe gave, safe to show: redacted and capped. */
export function safeString(text: string, max = MAX_ITEM_STRING): string {
  // Capped first: a 60 MB label is not worth running the redaction's expressions over.
  return capLength(redactSecrets(capLength(text, max * 4)), max);
}

/** Items copied by {@link safeItems}, and what was wrong with the first bad one. */
export interface SafeItems {
  items: LeakItem[];
  /** `an item whose label is number 3`, `an unreadable item (...)`: the item is kept, labelled as well as it can be. */
  problem?: string;
}

/**
 * A plain copy of the items a probe returned, or undefined when `raw` is not an array.
 * An item that cannot be read at all becomes `{ label: "(unreadable item: ...)" }`.
 */
export function safeItems(raw: unknown): SafeItems | undefined {
  let entries: unknown[];
  try {
    if (!Array.isArray(raw)) return undefined;
    entries = Array.prototype.slice.call(raw) as unknown[];
  } catch {
    return undefined;
  }
  const problems: string[] = [];
  const items = entries.map((entry) => safeItem(entry, problems));
  return problems.length === 0 ? { items } : { items, problem: problems[0] };
}

function safeItem(raw: unknown, problems: string[]): LeakItem {
  try {
    if (typeof raw !== 'object' || raw === null) {
      problems.push(`an item that is not an object (${describeValue(raw)})`);
      return { label: safeString(describeLabel(raw)) };
    }
    const copy = plainCopy(raw, 0, new Set()) as Record<string, unknown>;
    const label = copy.label;
    if (typeof label !== 'string') problems.push(`an item whose label is ${describeValue(label)}, not a string`);
    const item: LeakItem = { ...copy, label: typeof label === 'string' ? label : safeString(describeLabel(label)) };
    if (item.id !== undefined && typeof item.id !== 'string') item.id = safeString(describeLabel(item.id));
    if (item.stack !== undefined && (!Array.isArray(item.stack) || item.stack.some((frame) => typeof frame !== 'string'))) delete item.stack;
    if (item.path !== undefined && typeof item.path !== 'string') delete item.path;
    if (item.size !== undefined && (typeof item.size !== 'number' || !Number.isFinite(item.size))) delete item.size;
    if (item.type !== undefined && typeof item.type !== 'string') delete item.type;
    return item;
  } catch (error) {
    const message = safeString(messageOf(error), 200);
    problems.push(`an unreadable item (${message})`);
    return { label: `(unreadable item: ${message})` };
  }
}

/** How a value that should have been a string is named in a message: `number 3`, `an object`, ... */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  switch (typeof value) {
    case 'string':
      return `string ${JSON.stringify(capLength(value, 60))}`;
    case 'number':
    case 'boolean':
    case 'bigint':
      return `${typeof value} ${String(value)}`;
    case 'undefined':
      return 'undefined';
    case 'function':
      return 'a function';
    default:
      return 'an object';
  }
}

/** A hint a probe gave: a capped, redacted string, or undefined when it is not a non-empty string. */
export function safeHint(raw: unknown): string | undefined {
  return typeof raw === 'string' && raw !== '' ? safeString(raw, MAX_HINT_LENGTH) : undefined;
}

/**
 * JSON-safe plain data: strings redacted and capped, numbers finite, cycles and what is
 * too deep or not data (functions, symbols) left out. Getters run once, here.
 */
function plainCopy(value: unknown, depth: number, seen: Set<object>): unknown {
  switch (typeof value) {
    case 'string':
      return safeString(value);
    case 'number':
      return Number.isFinite(value) ? value : String(value);
    case 'boolean':
      return value;
    case 'bigint':
      return value.toString();
    case 'object':
      break;
    default:
      return undefined;
  }
  if (value === null) return null;
  if (seen.has(value) || depth >= MAX_DEPTH) return '(omitted)';
  seen.add(value);
  try {
    if (Array.isArray(value)) {
      const length = Math.min(value.length, MAX_ENTRIES);
      const copy: unknown[] = [];
      for (let i = 0; i < length; i++) copy.push(plainCopy(value[i], depth + 1, seen) ?? null);
      return copy;
    }
    const copy: Record<string, unknown> = {};
    for (const key of Object.keys(value).slice(0, MAX_ENTRIES)) {
      const field = plainCopy((value as Record<string, unknown>)[key], depth + 1, seen);
      if (field !== undefined) copy[key] = field;
    }
    return copy;
  } finally {
    seen.delete(value);
  }
}

function describeLabel(value: unknown): string {
  if (value === undefined) return '(no label)';
  try {
    return typeof value === 'object' && value !== null ? JSON.stringify(value) ?? String(value) : String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}

function messageOf(error: unknown): string {
  try {
    return error instanceof Error ? error.message : String(error);
  } catch {
    return Object.prototype.toString.call(error);
  }
}
