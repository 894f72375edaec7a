/**
 * Credentials out of what leakguard prints and writes. A child process left running is
 * reported with its command line, and a command line may carry a secret
 * (`--token=abc`, `--password hunter2`, `API_KEY=abc`, `https://user:pass@host`): the
 * summary goes to CI logs, the JSON report and the baseline file to disk and into commits.
 * The value is replaced by `***`; the flag, the variable name or the user stays, so the
 * line still says what ran.
 */

export const REDACTED = '***';

/** Flag and variable names that say their value is a secret. */
const SECRET_WORD = String.raw`(?:token|secret|pass(?:word|wd|phrase)?|pwd|api[-_]?key|access[-_]?key|private[-_]?key|auth(?:orization)?|credentials?|session[-_]?key|client[-_]?secret)`;

/** A value as a command line shows it: one quoted string, or a run of non-blank characters. */
const VALUE = String.raw`(?:"(?:[^"\\]|\\.)*"|'[^']*'|[^\s"']+)`;

const RULES: readonly [RegExp, string][] = [
  // scheme://user:password@host: the password.
  [/\b([a-z][a-z0-9+.-]*:\/\/[^\s:@/]*):([^\s@/]+)@/gi, `$1:${REDACTED}@`],
  // A quoted `--token=a b` (an argument with a space, as children.ts quotes it).
  [new RegExp(String.raw`"(--?[\w-]*${SECRET_WORD}[\w-]*=)(?:[^"\\]|\\.)*"`, 'gi'), `"$1${REDACTED}"`],
  // --token=abc, -token=abc, --db-password=abc
  [new RegExp(String.raw`(^|[\s"'])(--?[\w-]*${SECRET_WORD}[\w-]*=)${VALUE}`, 'gi'), `$1$2${REDACTED}`],
  // --token abc, --password abc (the next word, unless it is another flag)
  [new RegExp(String.raw`(^|[\s"'])(--?[\w-]*${SECRET_WORD}[\w-]*)(\s+)(?!-)${VALUE}`, 'gi'), `$1$2$3${REDACTED}`],
  // -p abc, -pabc is left alone (too many tools use -p for a port or a path): -p and a value.
  [new RegExp(String.raw`(^|\s)(-p)(\s+|=)(?!-)${VALUE}`, 'g'), `$1$2$3${REDACTED}`],
  // API_KEY=abc, GITHUB_TOKEN=abc, DB_PASSWORD=abc (environment style, not a flag)
  [new RegExp(String.raw`(^|[\s"'])([A-Za-z_][\w]*${SECRET_WORD}[\w]*|${SECRET_WORD}[\w]*)=${VALUE}`, 'gi'), `$1$2=${REDACTED}`],
];

/** Whether `text` may hold something to redact: a cheap test before the regular expressions. */
const MAY_HOLD_SECRET = new RegExp(String.raw`://|-p\b|${SECRET_WORD}`, 'i');

/** `text` with the values of secret-looking flags, variables and URL passwords replaced by `***`. */
export function redactSecrets(text: string): string {
  if (!MAY_HOLD_SECRET.test(text)) return text;
  let redacted = text;
  for (const [pattern, replacement] of RULES) redacted = redacted.replace(pattern, replacement);
  return redacted;
}
