import type { ProbeUnit } from './probe';

/**
 * Byte units accepted in thresholds, case-insensitive. KB/MB/GB are decimal (SI) and
 * KiB/MiB/GiB binary (IEC), as their names say; the difference (under 7.4%) rarely matters
 * for a leak threshold, but a tool that measures bytes should not blur them.
 */
const BYTE_UNITS: Readonly<Record<string, number>> = {
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
};

export const BYTE_UNIT_NAMES = ['B', 'KB', 'MB', 'GB', 'KiB', 'MiB', 'GiB'] as const;

/** A threshold as config gives it: a number in the probe's unit, or a string with a byte unit. */
export type ThresholdInput = number | string;

/** Why a threshold could not be read. */
export class ThresholdError extends Error {}

/**
 * Read a threshold. Numbers are taken in the probe's unit; strings must carry a byte unit
 * (`"1MB"`, `"512 KiB"`) and are only meaningful for `bytes` probes.
 */
export function parseThreshold(input: unknown, unit: ProbeUnit): number {
  if (typeof input === 'number') {
    if (!Number.isFinite(input) || input < 0) {
      throw new ThresholdError(`must be a finite number >= 0, got ${String(input)}`);
    }
    return input;
  }
  if (typeof input !== 'string') {
    throw new ThresholdError(`must be a number or a string with a unit, got ${describeType(input)}`);
  }
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(input);
  if (!match) {
    throw new ThresholdError(
      `"${input}" is not a size: write a number and a unit, like "1MB" or "512KiB"`,
    );
  }
  const [, amount, unitName = ''] = match;
  if (unitName === '') {
    throw new ThresholdError(
      `"${input}" has no unit: write a number (${unit === 'bytes' ? 'bytes' : 'a count'}) or a size like "1MB"`,
    );
  }
  if (unit !== 'bytes') {
    throw new ThresholdError(`"${input}" is a size, but this probe counts things: write a plain number`);
  }
  const factor = BYTE_UNITS[unitName.toLowerCase()];
  if (factor === undefined) {
    throw new ThresholdError(
      `"${input}": unknown unit "${unitName}" (use one of ${BYTE_UNIT_NAMES.join(', ')})`,
    );
  }
  return Math.round(Number(amount) * factor);
}

/** Human form of a value in a probe's unit: `1.5 MiB`, `3`. */
export function formatValue(value: number, unit: ProbeUnit): string {
  return unit === 'bytes' ? formatBytes(value) : String(value);
}

/** `1536` -> `1.5 KiB`. Binary units, because memory is allocated in them. */
export function formatBytes(bytes: number): string {
  const sign = bytes < 0 ? '-' : '';
  let size = Math.abs(bytes);
  if (size < 1024) return `${sign}${size} B`;
  for (const name of ['KiB', 'MiB', 'GiB', 'TiB']) {
    size /= 1024;
    if (size < 1024 || name === 'TiB') {
      return `${sign}${size < 10 ? size.toFixed(1) : Math.round(size)} ${name}`;
    }
  }
  return `${sign}${size} B`;
}

function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${String(value)}`;
}
