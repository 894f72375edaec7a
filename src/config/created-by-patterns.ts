/**
 * The `ignoreCreatedBy` option, top level and per probe: globs of the files whose code
 * made what is not to be counted (see core/created-by.ts for how they are matched). Here:
 * what a valid list is, and how each pattern becomes the absolute glob the matcher takes.
 */
import * as path from 'node:path';
import { describeValue } from './errors';

export const IGNORE_CREATED_BY = 'ignoreCreatedBy';

/** A problem with one `ignoreCreatedBy` list: `index` is the item at fault, when one is. */
export interface PatternProblem {
  index?: number;
  detail: string;
}

/** What is wrong with an `ignoreCreatedBy` value, or undefined when it is a usable list. */
export function createdByProblem(value: unknown): PatternProblem | undefined {
  if (!Array.isArray(value)) return { detail: `expected an array of globs like ["**/node_modules/chokidar/**"], got ${describeValue(value)}` };
  for (const [index, item] of value.entries()) {
    const problem = patternProblem(item);
    if (problem !== undefined) return { index, detail: problem };
  }
  return undefined;
}

function patternProblem(pattern: unknown): string | undefined {
  if (typeof pattern !== 'string' || pattern.trim() === '') return `expected a glob (non-empty string), got ${describeValue(pattern)}`;
  if (pattern.startsWith('!')) return `"${pattern}": negated patterns are not supported; list only what to ignore`;
  if (/:\d+(:\d+)?$/.test(pattern)) return `"${pattern}": a glob of files, without a line number`;
  // A bare name is a package more often than a file at the project's root: say how to write it.
  if (!/[\\/]/.test(pattern) && !isGlob(pattern)) {
    return `"${pattern}" is not a path or a glob; for a package's code write "**/node_modules/${pattern}/**", for a file at the project's root "./${pattern}"`;
  }
  try {
    (require('picomatch') as typeof import('picomatch')).makeRe(pattern);
  } catch (error) {
    return `"${pattern}" is not a valid glob: ${error instanceof Error ? error.message : String(error)}`;
  }
  return undefined;
}

/**
 * The absolute globs for `patterns`: one that starts with `/` or `**` is used as it is,
 * any other is relative to `rootDir` (the config file's directory). A path without glob
 * characters names that file and everything under it (`test/helpers`).
 */
export function absolutePatterns(patterns: readonly string[], rootDir: string): string[] {
  const { escapePath } = require('fast-glob') as typeof import('fast-glob');
  const root = escapePath(rootDir.split(path.sep).join('/'));
  return patterns.flatMap((pattern) => {
    const slashed = pattern.split(path.sep).join('/');
    const absolute = slashed.startsWith('/') || slashed.startsWith('**') ? slashed : path.posix.normalize(`${root}/${slashed}`);
    if (isGlob(slashed)) return [absolute];
    const trimmed = absolute.replace(/\/+$/, '');
    return [trimmed, `${trimmed}/**`];
  });
}

function isGlob(pattern: string): boolean {
  return (require('picomatch') as typeof import('picomatch')).scan(pattern).isGlob;
}
