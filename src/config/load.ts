import { statSync } from 'node:fs';
import * as path from 'node:path';
import type { CosmiconfigResult, Loader, PublicExplorer } from 'cosmiconfig';
import { ConfigError, oneLine, thrownText } from './errors';
import { loadPlugins } from './plugins';
import { searchQuickly } from './quick-search';
import type { ConfigSource, ResolvedConfig } from './types';
import { isObject, readPluginPaths, resolveConfig } from './validate';

export const MODULE_NAME = 'leakguard';

/**
 * Set `LEAKGUARD_CONFIG` to the path of a config file (absolute, or relative to the
 * working directory) to use that file and skip the search. Any supported format works,
 * including a `package.json` with a `leakguard` key.
 */
export const CONFIG_ENV_VAR = 'LEAKGUARD_CONFIG';

/** Where the config is looked for in each directory, in this order. */
export const SEARCH_PLACES: readonly string[] = [
  'package.json',
  `.${MODULE_NAME}rc`,
  `.${MODULE_NAME}rc.json`,
  `.${MODULE_NAME}rc.yaml`,
  `.${MODULE_NAME}rc.yml`,
  `.${MODULE_NAME}rc.js`,
  `.${MODULE_NAME}rc.cjs`,
  `.${MODULE_NAME}rc.mjs`,
  `${MODULE_NAME}.config.js`,
  `${MODULE_NAME}.config.cjs`,
  `${MODULE_NAME}.config.mjs`,
];

/**
 * Find, load and check leakguard's config. Searches `cwd` and its parents up to the
 * project root (the nearest directory with a package.json), unless `LEAKGUARD_CONFIG`
 * names a file. Without a config file, defaults apply and paths resolve against `cwd`.
 * A JavaScript config file, and every plugin it lists, is code: loading runs it.
 * Every problem is a {@link ConfigError}.
 */
export async function loadConfig(cwd: string = process.cwd()): Promise<ResolvedConfig> {
  const found = await findConfig(path.resolve(cwd));
  const source: ConfigSource = found
    ? { filepath: found.filepath, rootDir: path.dirname(found.filepath) }
    : { filepath: undefined, rootDir: path.resolve(cwd) };
  const raw: unknown = found?.config;
  const plugins = await loadPlugins(readPluginPaths(raw, source), source.rootDir, source.filepath);
  const resolved = resolveConfig(raw, source, plugins);
  if (resolved.baseline) resolved.knownLeaks = (require('./baseline-file') as typeof import('./baseline-file')).readBaseline(resolved.baseline);
  return resolved;
}

async function findConfig(cwd: string): Promise<CosmiconfigResult> {
  const found = await searchOrLoad(cwd);
  // A file that is there but says nothing is a mistake (a failed write, a config not yet
  // filled in), not a wish for every default: `{}` says that.
  if (found?.isEmpty) throw new ConfigError('empty config file: write {} for the defaults, or remove the file', { filepath: found.filepath });
  return found;
}

async function searchOrLoad(cwd: string): Promise<CosmiconfigResult> {
  const explicit = process.env[CONFIG_ENV_VAR];
  const quick = explicit ? undefined : searchQuickly(cwd, { moduleName: MODULE_NAME, searchPlaces: SEARCH_PLACES, parseJson: loadJson });
  if (quick !== undefined) return quick;
  try {
    const explorer = createExplorer();
    if (explicit) return await loadExplicit(explorer, path.resolve(cwd, explicit), explicit);
    return await explorer.search(cwd);
  } catch (error) {
    throw toConfigError(error);
  }
}

/** cosmiconfig, set up for leakguard: for every search that searchQuickly leaves to it. */
export function createExplorer(): PublicExplorer {
  // Loaded here, not at the top: most projects never need it (see quick-search.ts).
  const { cosmiconfig, defaultLoaders } = require('cosmiconfig') as typeof import('cosmiconfig');
  return cosmiconfig(MODULE_NAME, {
    searchPlaces: [...SEARCH_PLACES],
    // Stop at the project root: a config in a parent project (or the home directory) must
    // not change how this project's tests are guarded.
    searchStrategy: 'project',
    // A fresh explorer per call and no cache, so an edited JSON or YAML file is read again
    // (JavaScript configs stay in Node's module cache, as any module does).
    cache: false,
    // An empty file is found, and reported (see findConfig), not skipped.
    ignoreEmptySearchPlaces: false,
    loaders: {
      '.json': withoutImport(loadJson),
      '.yaml': withoutImport(defaultLoaders['.yaml']),
      '.yml': withoutImport(defaultLoaders['.yml']),
      noExt: withoutImport(defaultLoaders.noExt),
      '.js': withoutImport(loadJsConfig),
      '.cjs': withoutImport(loadJsConfig),
      '.mjs': withoutImport(loadJsConfig),
    },
  });
}

async function loadExplicit(explorer: PublicExplorer, filepath: string, given: string): Promise<CosmiconfigResult> {
  const from = `(${CONFIG_ENV_VAR}=${given})`;
  if (!statSync(filepath, { throwIfNoEntry: false })?.isFile()) {
    throw new ConfigError(`no such file ${from}`, { filepath });
  }
  const result = await explorer.load(filepath);
  // cosmiconfig's "nothing here" for a package.json without the key: an error when asked for by name.
  if (result === null) throw new ConfigError(`no "${MODULE_NAME}" key ${from}`, { filepath });
  return result;
}

/**
 * cosmiconfig merges in the files a config names under `$import`, loading each with its
 * loader: a JSON or YAML config could so run a JavaScript file, and what it imports is
 * never checked. A data file must never run code: `$import` is refused, in every format,
 * before cosmiconfig sees it (also under the `leakguard` key of a package.json).
 */
function withoutImport(loader: Loader): Loader {
  return async (filepath, content) => {
    const loaded: unknown = await loader(filepath, content);
    const config = path.basename(filepath, path.extname(filepath)) === 'package' && isObject(loaded) ? loaded[MODULE_NAME] : loaded;
    if (isObject(config) && Object.hasOwn(config, '$import')) {
      throw new ConfigError(
        '"$import" is not supported: a config file never loads other files (copy the settings in, or use a JavaScript config that requires them)',
        { filepath, key: '$import' },
      );
    }
    return loaded;
  };
}

/**
 * JSON with positions as line and column, on one line. (cosmiconfig's own JSON loader
 * gives a multi-line code frame and a character offset.)
 */
const loadJson: Loader = (filepath, content) => {
  const text = content.replace(/^\uFEFF/, ''); // editors on Windows may write a BOM
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new ConfigError(`JSON syntax error: ${jsonErrorText(error, text)}`, { filepath, cause: error });
  }
};

function jsonErrorText(error: unknown, text: string): string {
  const message = error instanceof Error ? error.message : String(error);
  // V8 says "at position 36", newer versions add "(line 5 column 1)": keep one form.
  const position = /\s*at position (\d+)(?:\s*\(line \d+ column \d+\))?/.exec(message);
  if (position) {
    return message.replace(position[0], ` at ${lineAndColumn(text, Number(position[1]))}`);
  }
  return /end of JSON input/.test(message) ? `${message} at ${lineAndColumn(text, text.length)}` : message;
}

function lineAndColumn(text: string, offset: number): string {
  const before = text.slice(0, offset).split('\n');
  return `line ${before.length}, column ${(before.at(-1)?.length ?? 0) + 1}`;
}

/**
 * JavaScript configs are loaded like plugins (see loadModule) instead of by cosmiconfig's
 * loader, which retries a failed `import()` with `require()` and so runs a throwing
 * config twice. The value is the default export, or `module.exports`.
 */
const loadJsConfig: Loader = async (filepath) => {
  // Loaded here: most configs are JSON (modules loaded at start cost a Mocha run's start time).
  const { lacksDefaultExport, loadModuleWithin, LoadTimeout, mainExport, MODULE_LOAD_LIMIT_MS } = require('./load-module') as typeof import('./load-module');
  let value: unknown;
  try {
    // Bounded: a top-level await or a default export that never settles would otherwise
    // leave nothing to keep the process alive, and Mocha would exit 0 without a test.
    value = await loadModuleWithin(filepath, MODULE_LOAD_LIMIT_MS, (exported) => {
      if (lacksDefaultExport(exported)) {
        // Named exports only: almost certainly a mistake, and ignoring it would silently use defaults.
        throw new ConfigError('an ES module config needs a default export: export default { ... }', { filepath });
      }
      return mainExport(exported);
    });
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    if (error instanceof LoadTimeout) throw new ConfigError(error.message, { filepath });
    throw new ConfigError(`failed to load: ${thrownText(error)}`, { filepath, cause: error });
  }
  return value;
};

/** Turn cosmiconfig's errors (which carry `filepath`) into one-line ConfigErrors. */
function toConfigError(error: unknown): unknown {
  if (error instanceof ConfigError || !(error instanceof Error)) return error;
  const filepath = (error as { filepath?: unknown }).filepath;
  if (typeof filepath !== 'string') return error; // not about a config file: an I/O failure
  const yaml = yamlErrorText(error);
  const detail = yaml ?? `failed to load: ${error.name}: ${oneLine(error.message)}`;
  return new ConfigError(detail, { filepath, cause: error });
}

/** js-yaml's error as `reason (line L, column C)`, without the code frame; else undefined. */
function yamlErrorText(error: Error): string | undefined {
  if (error.name !== 'YAMLException') return undefined;
  const { reason, mark } = error as Error & { reason?: unknown; mark?: { line?: unknown; column?: unknown } };
  if (typeof reason !== 'string') return `YAML syntax error: ${oneLine(error.message)}`;
  const at =
    typeof mark?.line === 'number' && typeof mark.column === 'number'
      ? ` (line ${mark.line + 1}, column ${mark.column + 1})`
      : '';
  return `YAML syntax error: ${reason}${at}`;
}
