/**
 * A baseline: the leaks a project already knows of, so that a big suite that leaks today
 * can adopt leakguard in fail mode and still fail on every *new* leak. The file is
 * written from a run's findings and committed; a later leak is known when the same unit
 * (same file, same full title, test or hook) leaks through the same probe. How much it
 * leaked and which items are not compared: port numbers, fd numbers and byte counts vary
 * from run to run, and a known leaky test that leaks a bit more is still the known leak.
 * A known test that starts leaking through another probe is a new leak.
 */
import * as path from 'node:path';
import type { Leak, LeakReport } from './report-model';

export const BASELINE_VERSION = 1;

/** The baseline file's content. */
export interface Baseline {
  version: typeof BASELINE_VERSION;
  /** Known leaks, one per unit and probe. */
  leaks: BaselineEntry[];
}

export interface BaselineEntry {
  /** The test file, relative to the baseline file's directory, with `/` separators. */
  file?: string;
  kind: Leak['kind'];
  /** The test's (or hook's) full title. */
  test: string;
  probe: string;
  /** What leaked when the baseline was written: for the reader, never compared. */
  what?: string[];
}

/** Tells the leaks a baseline lists from new ones. */
export class KnownLeaks {
  private readonly keys: Set<string>;

  constructor(
    entries: readonly BaselineEntry[],
    /** The baseline file's directory: entry files are relative to it. */
    private readonly baseDir: string,
  ) {
    this.keys = new Set(entries.map((entry) => entryKey({ ...entry, file: entry.file && path.resolve(baseDir, entry.file) })));
  }

  /** The baseline a config names (entry files relative to its file, else to the project). */
  static of(config: { knownLeaks: readonly BaselineEntry[]; baseline?: string; rootDir: string }): KnownLeaks {
    return new KnownLeaks(config.knownLeaks, config.baseline ? path.dirname(config.baseline) : config.rootDir);
  }

  get size(): number {
    return this.keys.size;
  }

  /** `leaks` split into those the baseline lists and the new ones, in order. */
  split(leaks: readonly Leak[]): { fresh: Leak[]; known: Leak[] } {
    const fresh: Leak[] = [];
    const known: Leak[] = [];
    for (const leak of leaks) (this.isKnown(leak) ? known : fresh).push(leak);
    return { fresh, known };
  }

  /**
   * A merged report judged by the baseline as it is now: each part (worker, shard) applied
   * it to what it found, but a merge can find more (a memory site that tests of several
   * parts fed), and is where a run's result is decided.
   */
  applyTo(report: LeakReport): LeakReport {
    const { fresh, known } = this.split([...report.known, ...report.leaks]);
    return { ...report, leaks: fresh, known };
  }

  isKnown(leak: Leak): boolean {
    if (this.keys.size === 0) return false;
    const file = leak.file && path.resolve(this.baseDir, leak.file);
    return this.keys.has(entryKey({ kind: leak.kind, test: leak.test, probe: leak.probe, file }));
  }
}

export function entryKey(entry: Pick<BaselineEntry, 'kind' | 'test' | 'probe' | 'file'>): string {
  return JSON.stringify([entry.kind, entry.file ?? null, entry.test, entry.probe]);
}
