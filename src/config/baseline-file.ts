/**
 * Reading the baseline file the config names (see core/baseline.ts). A missing file is an
 * empty baseline: the first `LEAKGUARD_UPDATE_BASELINE=1` run creates it. A file that is
 * there but cannot be used stops the run like any bad config: silently ignoring it would
 * fail a suite on leaks its team has accepted, or worse, hide which file was meant.
 */
import * as fs from 'node:fs';
import { BASELINE_VERSION, type BaselineEntry } from '../core/baseline';
import { ConfigError, describeValue, oneLine } from './errors';

export function readBaseline(file: string): BaselineEntry[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new ConfigError(`cannot read the baseline file: ${oneLine(String((error as Error).message))}`, { filepath: file, cause: error });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new ConfigError(`the baseline file is not JSON: ${oneLine((error as Error).message)}`, { filepath: file, cause: error });
  }
  const fail = (detail: string): never => {
    throw new ConfigError(`${detail} (write it again with LEAKGUARD_UPDATE_BASELINE=1)`, { filepath: file });
  };
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return fail(`expected a baseline object, got ${describeValue(parsed)}`);
  const { version, leaks } = parsed as { version?: unknown; leaks?: unknown };
  if (version !== BASELINE_VERSION) return fail(`unsupported baseline version ${describeValue(version)} (this leakguard reads version ${BASELINE_VERSION})`);
  if (!Array.isArray(leaks)) return fail(`"leaks" must be an array, got ${describeValue(leaks)}`);
  return leaks.map((entry: unknown, index) => {
    const { kind, test, probe, file: testFile } = (entry ?? {}) as Record<string, unknown>;
    const bad = (field: string, value: unknown): never => fail(`leaks[${index}].${field}: got ${describeValue(value)}`);
    if (kind !== 'test' && kind !== 'hook') return bad('kind', kind);
    if (typeof test !== 'string') return bad('test', test);
    if (typeof probe !== 'string') return bad('probe', probe);
    if (testFile !== undefined && typeof testFile !== 'string') return bad('file', testFile);
    return { kind, test, probe, ...(testFile === undefined ? {} : { file: testFile }) };
  });
}
