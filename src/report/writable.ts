import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * Why the JSON report could not be written to `file`, or undefined when it can: tried at
 * the start of a run the way the report is written at its end (a new file in the same
 * directory, then renamed over `file`), so that a path that cannot take it stops the run
 * before any test, not after all of them. Creates the directory, as the write would.
 */
export function reportWriteProblem(file: string): string | undefined {
  const directory = path.dirname(file);
  const probe = path.join(directory, `.${path.basename(file)}.${process.pid}.check.tmp`);
  try {
    if (fs.statSync(file, { throwIfNoEntry: false })?.isDirectory()) return 'it is a directory';
    fs.mkdirSync(directory, { recursive: true });
    fs.closeSync(fs.openSync(probe, 'wx'));
    fs.rmSync(probe, { force: true });
    return undefined;
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    return code ? `${code} (${message})` : String(message);
  }
}
