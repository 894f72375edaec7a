import * as path from 'node:path';
import { isSettleRule, MAX_SETTLE_ATTEMPTS, MAX_SETTLE_WAIT_MS } from '../core/guarded-probe';
import type { ProbeDefinition } from '../core/probe';
import { builtinProbes } from '../probes';
import { ConfigError, describeValue, thrownText } from './errors';
import { isObject } from './validate';

/** How deep `default` exports are unwrapped (`import()` of CJS that set `exports.default`). */
const MAX_DEFAULT_DEPTH = 3;

/**
 * Load the custom probes that config lists under `plugins`, in order. Each entry is a file
 * path relative to `rootDir` (the config file's directory) or a package name. A module may
 * export one probe definition or an array of them, as `module.exports`, `exports.default`
 * or `export default`. Loading runs the module's code.
 */
export async function loadPlugins(
  paths: readonly string[],
  rootDir: string,
  filepath?: string,
): Promise<ProbeDefinition[]> {
  const loaded: ProbeDefinition[] = [];
  const owners = new Map<string, string>(builtinProbes.map((probe) => [probe.name, 'a built-in probe']));
  for (const [index, specifier] of paths.entries()) {
    const fail = (detail: string, cause?: unknown): never => {
      throw new ConfigError(`plugin "${specifier}": ${detail}`, { filepath, key: `plugins[${index}]`, cause });
    };
    for (const definition of await loadPlugin(specifier, rootDir, fail)) {
      const owner = owners.get(definition.name);
      if (owner !== undefined) fail(`probe name "${definition.name}" is already taken by ${owner}; rename the probe`);
      owners.set(definition.name, `plugin "${specifier}"`);
      loaded.push(definition);
    }
  }
  return loaded;
}

type Fail = (detail: string, cause?: unknown) => never;

async function loadPlugin(specifier: string, rootDir: string, fail: Fail): Promise<ProbeDefinition[]> {
  let modulePath: string | undefined;
  try {
    modulePath = resolvePlugin(specifier, rootDir);
  } catch (error) {
    // Found but unusable: a package whose `exports` has no entry for require, a broken package.json.
    return fail(`cannot resolve: ${errorText(error)}`, error);
  }
  if (modulePath === undefined) return fail(`cannot find module (looked from ${rootDir})`);
  // Loaded here, for the few configs with plugins (see config/load.ts).
  const { loadModuleWithin, LoadTimeout, mainExport, MODULE_LOAD_LIMIT_MS } = require('./load-module') as typeof import('./load-module');
  let exported: unknown;
  try {
    // Wrapped: a module that exports `then` is not a promise to wait for.
    ({ exported } = await loadModuleWithin(modulePath, MODULE_LOAD_LIMIT_MS, (value) => ({ exported: value })));
  } catch (error) {
    if (error instanceof LoadTimeout) return fail(error.message);
    return fail(`threw while loading: ${errorText(error)}`, error);
  }
  const definitions = definitionsIn(mainExport(exported));
  return typeof definitions === 'string' ? fail(`exports no usable probe definition: ${definitions}`) : definitions;
}

/**
 * The file a plugin specifier names, or undefined. `./x`, `../x` and absolute paths are
 * files (relative to rootDir); anything else is first tried as a package installed where
 * the config is, then as a file under rootDir, so that `probes/db.js` works as written.
 */
function resolvePlugin(specifier: string, rootDir: string): string | undefined {
  const asFile = (): string | undefined => tryResolve(path.resolve(rootDir, specifier));
  if (path.isAbsolute(specifier) || /^\.\.?(?:[\\/]|$)/.test(specifier)) return asFile();
  return tryResolve(specifier, rootDir) ?? asFile();
}

/** `require.resolve`, so that extensions, `index.js` and package `exports` work as in Node. */
function tryResolve(request: string, from?: string): string | undefined {
  try {
    return require.resolve(request, from === undefined ? undefined : { paths: [from] });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND') return undefined;
    throw error;
  }
}

/** The probe definitions a module exports, or what is wrong with its export. */
function definitionsIn(exported: unknown, depth = 0): ProbeDefinition[] | string {
  if (Array.isArray(exported)) return definitionArray(exported);
  const problem = definitionProblem(exported);
  if (problem === undefined) return [exported as ProbeDefinition];
  if (isObject(exported) && 'default' in exported && depth < MAX_DEFAULT_DEPTH) {
    return definitionsIn(exported.default, depth + 1);
  }
  return problem;
}

function definitionArray(items: readonly unknown[]): ProbeDefinition[] | string {
  if (items.length === 0) return 'it exports an empty array';
  for (const [index, item] of items.entries()) {
    const problem = definitionProblem(item);
    if (problem !== undefined) return `item ${index} of its array: ${problem}`;
  }
  return items as ProbeDefinition[];
}

/**
 * What keeps `value` from being a probe definition, checked as far as the engine relies on
 * it, or undefined when it is one. Plugins are plain JavaScript: nothing checked their types.
 */
function definitionProblem(value: unknown): string | undefined {
  if (value === undefined || (isObject(value) && Object.keys(value).length === 0)) {
    return 'it exports nothing (expected a probe definition, or an array of them)';
  }
  if (!isObject(value)) return `expected a probe definition (an object), got ${describeValue(value)}`;
  const { name, unit, defaultThreshold, create, options, settle, hint } = value;
  if (typeof name !== 'string' || name === '') return `"name" must be a non-empty string, got ${describeValue(name)}`;
  const where = `probe "${name}"`;
  if (unit !== 'bytes' && unit !== 'count') return `${where}: "unit" must be "bytes" or "count", got ${describeValue(unit)}`;
  if (typeof defaultThreshold !== 'number' || !Number.isFinite(defaultThreshold) || defaultThreshold < 0) {
    return `${where}: "defaultThreshold" must be a number >= 0, got ${describeValue(defaultThreshold)}`;
  }
  if (typeof create !== 'function') return `${where}: "create" must be a function, got ${describeValue(create)}`;
  // Checked here, not left to the engine: a rule it cannot follow would hold every leaking test.
  if (settle !== undefined && typeof settle !== 'boolean' && !isSettleRule(settle)) {
    return `${where}: "settle" must be true, false or { attempts, maxWaitMs } (attempts a whole number up to ${MAX_SETTLE_ATTEMPTS}, maxWaitMs up to ${MAX_SETTLE_WAIT_MS}), got ${describeValue(settle)}`;
  }
  if (hint !== undefined && typeof hint !== 'string' && typeof hint !== 'function') {
    return `${where}: "hint" must be a string or a function of the leaked item, got ${describeValue(hint)}`;
  }
  if (options !== undefined && !isObject(options)) {
    return `${where}: "options" must be an object of option specs, got ${describeValue(options)}`;
  }
  return undefined;
}

/** One line for anything a module threw: a string, undefined, an object without a prototype. */
function errorText(error: unknown): string {
  return thrownText(error);
}
