/**
 * leakguard's own warnings: what it says on stderr, apart from the report, about a probe,
 * itself, the config or a test's tags. Whoever prints one puts {@link noticeLine}'s
 * `leakguard: ` before it. (A probe's own warnings are with its messages in its file; the
 * watchdog's line is in its worker's source, which cannot import this.)
 */

/** The line printed: `leakguard: <notice>`. */
export function noticeLine(notice: string): string {
  return `leakguard: ${notice}`;
}

/** What a probe said, or why it stopped measuring. */
export const probeNotices = {
  said: (probe: string, message: string): string => `probe "${probe}": ${message}`,
  switchedOff: (probe: string, reason: string): string => `probe "${probe}" switched off: ${reason}`,
  noSamplingHeapProfiler: (probe: string): string => `probe "${probe}": V8's sampling heap profiler is not available here; memory is not measured`,
};

/** leakguard's own failures: the run goes on. */
export const internalNotices = {
  failed: (doing: string, error: unknown): string =>
    `internal error while ${doing} (the run goes on, results unchanged): ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
  settleFailed: (reason: string): string => `internal error while settling (the items are judged as last read): ${reason}`,
};

/** At the run's end: the outputs that could not be made. */
export const outputNotices = {
  filesUnknown: (reason: string): string => `could not tell which test files ran: ${reason}`,
  findingsNotPassedOn: (reason: string): string => `could not pass this worker's findings on: ${reason}`,
  jsonReportNotWritten: (reason: string): string => `could not write the JSON report: ${reason}`,
  noBaselineFile: (variable: string): string =>
    `${variable} is set, but the config names no baseline file: add "baseline": "leakguard-baseline.json" to it.`,
  baselineNotWritten: (reason: string): string => `could not write the baseline: ${reason}`,
};

/** The config. (What is wrong in it is a ConfigError, with its own message.) */
export const configNotices = {
  notLoaded: (reason: string): string => `could not load the config: ${reason}`,
  keptForRerun: (message: string): string => `${message} (this rerun keeps the config it had)`,
};

/** `@leakguard-allow` tags in titles that allow nothing. */
export const tagNotices = {
  notATag: (text: string, whose: string): string =>
    `"${text}" in the title of ${whose} is not a leakguard tag and allows nothing; write @leakguard-allow(probe, ...)`,
  unknownProbe: (tag: string, whose: string, unknown: string): string => `${tag} in the title of ${whose}: ${unknown}; it allows nothing for that name`,
  namesNoProbe: (tag: string, whose: string): string =>
    `${tag} in the title of ${whose} names no probe and allows nothing; write @leakguard-allow(handles)`,
};
