/**
 * A failure the command explains in one line (bad usage, a file it cannot use): printed
 * as `leakguard: <message>`, without a stack, and the command exits with `exitCode`.
 */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** The message of an error from Node (`ENOENT: no such file or directory, open 'x'`), on one line. */
export function reasonOf(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).replace(/\s*\n\s*/g, ' ').trim();
}
