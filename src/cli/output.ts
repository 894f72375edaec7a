/** Where the commands write: results on stdout, everything said to the user on stderr. */

/** A line on stderr. Through the stream: the command never exits before it is flushed. */
export function say(text: string): void {
  process.stderr.write(text.endsWith('\n') ? text : `${text}\n`);
}

/** Colors as the plugin decides them: a terminal, unless NO_COLOR; or FORCE_COLOR. */
export function useColor(): boolean {
  if (process.env.NO_COLOR !== undefined || process.env.FORCE_COLOR === '0') return false;
  return process.stderr.isTTY === true || (process.env.FORCE_COLOR !== undefined && process.env.FORCE_COLOR !== '');
}
