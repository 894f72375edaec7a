/** Where the commands write: results on stdout, everything said to the user on stderr. */
import * as fs from 'node:fs';

export function say(text: string): void {
  fs.writeSync(2, text.endsWith('\n') ? text : `${text}\n`);
}

/** Colors as the plugin decides them: a terminal, unless NO_COLOR; or FORCE_COLOR. */
export function useColor(): boolean {
  if (process.env.NO_COLOR !== undefined || process.env.FORCE_COLOR === '0') return false;
  return process.stderr.isTTY === true || (process.env.FORCE_COLOR !== undefined && process.env.FORCE_COLOR !== '');
}
