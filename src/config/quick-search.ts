import { readFileSync, statSync, type Stats } from 'node:fs';
import * as path from 'node:path';
import type { CosmiconfigResult } from 'cosmiconfig';
import { isObject } from './validate';

export interface QuickSearchOptions {
  moduleName: string;
  /** Where to look in each directory, in order: cosmiconfig's `searchPlaces`. */
  searchPlaces: readonly string[];
  /** The `.json` loader cosmiconfig is given (it may throw on bad JSON). */
  parseJson: (filepath: string, content: string) => unknown;
}

/**
 * The config search, for the two cases most projects are in, without loading cosmiconfig:
 * no config file at all, or a JSON one (`.leakguardrc.json`, a `leakguard` key in
 * package.json). In a Mocha run, cosmiconfig's modules and the "meta config" it reads
 * before any search cost ~18 ms, a seventh of what leakguard adds to a run of 2,000
 * trivial tests; this costs a few stat calls and one or two small file reads.
 *
 * It walks what cosmiconfig's "project" search walks: from `cwd` up to the nearest
 * directory with a package.json or package.yaml, each directory's search places in order,
 * skipping a package.json whose `moduleName` key is missing or null (an empty file is
 * found: see `ignoreEmptySearchPlaces` in load.ts). It
 * settles the search only where cosmiconfig would find the same thing: nothing at all, or
 * a JSON file read with the same loader. Everything else returns undefined, and
 * cosmiconfig searches as it always did:
 * - a search place that is not a regular file, or cannot be read;
 * - a config in any other format (YAML, JavaScript), or one with `$import`;
 * - JSON the loader rejects (cosmiconfig reports it, with the same loader);
 * - a meta config that may change where cosmiconfig looks (a package.yaml, a `.config`
 *   directory, or a `cosmiconfig` key in package.json, in the working directory).
 * test/config/quick-search.test.ts holds both searches to the same answers.
 */
export function searchQuickly(cwd: string, options: QuickSearchOptions): CosmiconfigResult | undefined {
  if (mayHaveMetaConfig(process.cwd())) return undefined;
  for (let dir = cwd; ; ) {
    const found = searchDirectory(dir, options);
    if (found !== null) return found;
    // cosmiconfig stops after the directory with a package file (a failed stat: not one).
    const packageFiles = [exists(path.join(dir, 'package.json')), exists(path.join(dir, 'package.yaml'))];
    if (packageFiles.includes(undefined)) return undefined;
    if (packageFiles.some((stats) => stats !== false)) return null;
    const parent = path.dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

/** The config in `dir`; null: none there; undefined: a case for cosmiconfig. */
function searchDirectory(dir: string, { moduleName, searchPlaces, parseJson }: QuickSearchOptions): CosmiconfigResult | undefined {
  for (const place of searchPlaces) {
    const filepath = path.join(dir, place);
    const stats = exists(filepath);
    if (stats === false) continue;
    if (stats === undefined || !stats.isFile() || path.extname(place) !== '.json') return undefined;
    const content = readText(filepath);
    if (content === undefined) return undefined;
    // Found, and empty: an error for loadConfig (cosmiconfig is told not to skip it either).
    if (content.trim() === '') return { filepath, config: undefined, isEmpty: true };
    let loaded: unknown;
    try {
      loaded = parseJson(filepath, content);
    } catch {
      return undefined;
    }
    let config = loaded;
    if (path.basename(place, '.json') === 'package') {
      if (!isObject(loaded)) return undefined;
      config = loaded[moduleName];
    }
    // A package.json without the key, or null (in any file): not a config, search on.
    if (config === undefined || config === null) continue;
    if (isObject(config) && Object.hasOwn(config, '$import')) return undefined;
    return { filepath, config };
  }
  return null;
}

function mayHaveMetaConfig(workingDir: string): boolean {
  if (exists(path.join(workingDir, 'package.yaml')) !== false || exists(path.join(workingDir, '.config')) !== false) return true;
  const packageJson = path.join(workingDir, 'package.json');
  const stats = exists(packageJson);
  if (stats === false) return false;
  const content = stats?.isFile() ? readText(packageJson) : undefined;
  if (content === undefined) return true;
  try {
    const parsed: unknown = JSON.parse(content.replace(/^\uFEFF/, ''));
    return !isObject(parsed) || Object.hasOwn(parsed, 'cosmiconfig');
  } catch {
    return true;
  }
}

/** The file's stats; false: it does not exist; undefined: it cannot be told. */
function exists(file: string): Stats | false | undefined {
  try {
    return statSync(file, { throwIfNoEntry: false }) ?? false;
  } catch {
    return undefined;
  }
}

function readText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}
