import * as path from 'node:path';

/** Where in the config a problem is. */
export { describeValue } from '../core/safe-item';

export interface ConfigErrorLocation {
  /** The config file (or plugin's config file) the problem is in. */
  filepath?: string | undefined;
  /** Dotted path of the offending key: `probes.heap.threshold`, `plugins[0]`. */
  key?: string | undefined;
  /**
   * The path printed before the detail, when it is not `key`. An unknown key is shown
   * under its parent (`probes.heap: unknown key "mdoe"`), as the key itself means nothing.
   */
  shownKey?: string | undefined;
  cause?: unknown;
}

/**
 * A config that cannot be used. Any such problem stops the run: a typo in a threshold
 * that silently fell back to a default would hide leaks. The message is one line so that
 * it reads well at the top of a Mocha run:
 * `leakguard: invalid config in .leakguardrc.json: probes.heap.threshold: "1XB": unknown unit ...`
 */
export class ConfigError extends Error {
  override name = 'ConfigError';
  readonly filepath: string | undefined;
  readonly key: string | undefined;
  /** The message without the `leakguard: invalid config in <file>: <key>: ` prefix. */
  readonly detail: string;

  constructor(detail: string, location: ConfigErrorLocation = {}) {
    super(formatMessage(detail, location), location.cause === undefined ? undefined : { cause: location.cause });
    this.filepath = location.filepath;
    this.key = location.key;
    this.detail = detail;
  }
}

function formatMessage(detail: string, location: ConfigErrorLocation): string {
  const { filepath } = location;
  const where = filepath === undefined ? 'invalid config' : `invalid config in ${displayPath(filepath)}`;
  // An explicit `shownKey: undefined` shows no key (an unknown key at the top level).
  const shownKey = 'shownKey' in location ? location.shownKey : location.key;
  const at = shownKey ? `${shownKey}: ` : '';
  return `leakguard: ${where}: ${at}${oneLine(detail)}`;
}

/** Relative to the working directory when the file is under it (short), else absolute (unambiguous). */
export function displayPath(filepath: string): string {
  const relative = path.relative(process.cwd(), filepath);
  return relative === '' || relative.startsWith('..') || path.isAbsolute(relative) ? filepath : relative;
}

/** Collapse whitespace runs (including newlines) so that any message stays on one line. */
export function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}


/**
 * One line for anything code threw: `Error: message` for an Error, the string itself,
 * `undefined`, and never a throw of its own (`String(Object.create(null))` throws).
 */
export function thrownText(error: unknown): string {
  try {
    if (error instanceof Error) return oneLine(`${error.name}: ${error.message}`);
    if (typeof error === 'object' && error !== null) {
      const message = (error as { message?: unknown }).message;
      if (typeof message === 'string') return oneLine(message);
      const json = JSON.stringify(error);
      if (json !== undefined) return `a thrown object ${oneLine(json).slice(0, 200)}`;
    }
    return oneLine(String(error));
  } catch {
    return `a thrown ${Object.prototype.toString.call(error)}`;
  }
}
