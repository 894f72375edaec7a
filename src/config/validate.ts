import * as path from 'node:path';
import type { ConfiguredProbe, OptionSpec, ProbeDefinition } from '../core/probe';
import { parseThreshold, ThresholdError } from '../core/thresholds';
import { builtinProbes, probesWithCreationStacks } from '../probes';
import { absolutePatterns, createdByProblem, IGNORE_CREATED_BY } from './created-by-patterns';
import { ConfigError, describeValue } from './errors';
import type { ConfigSource, ResolvedConfig } from './types';

/** The keys a config may have at the top level (see LeakguardConfig in types.ts). */
const TOP_LEVEL_KEYS = ['$schema', 'mode', 'failAt', 'baseline', 'report', 'probes', 'plugins', 'sampleTimeoutMs', IGNORE_CREATED_BY];
const REPORT_KEYS = ['json', 'junit'];
/** Keys every probe entry has, besides the probe's own options. */
const PROBE_KEYS = ['enabled', 'threshold'];
const MODES: readonly string[] = ['warn', 'fail'] satisfies ResolvedConfig['mode'][];
const FAIL_AT: readonly string[] = ['test', 'end'] satisfies ResolvedConfig['failAt'][];

export const DEFAULT_MODE: ResolvedConfig['mode'] = 'warn';
export const DEFAULT_FAIL_AT: ResolvedConfig['failAt'] = 'test';
export const DEFAULT_SAMPLE_TIMEOUT_MS = 500;
export const MAX_SAMPLE_TIMEOUT_MS = 60_000;

type ConfigObject = Record<string, unknown>;

/**
 * Check raw config (what a config file held) and turn it into what the rest of leakguard
 * uses. Pure: reads no files and loads no modules; `plugins` are the definitions already
 * loaded from `raw.plugins` (see loadPlugins). Throws a {@link ConfigError} at the first
 * problem: a config that is half right would guard less than its author believes.
 */
export function resolveConfig(raw: unknown, source: ConfigSource, plugins: readonly ProbeDefinition[]): ResolvedConfig {
  const checker = new Checker(source.filepath);
  const config = readTopLevel(raw, checker);
  checker.keys(config, TOP_LEVEL_KEYS, undefined);
  if (config.$schema !== undefined && typeof config.$schema !== 'string') {
    checker.fail('$schema', `expected a string, got ${describeValue(config.$schema)}`);
  }
  readPluginList(config.plugins, checker);
  return {
    filepath: source.filepath,
    rootDir: source.rootDir,
    mode: readMode(config.mode, checker),
    failAt: readFailAt(config.failAt, checker),
    baseline: readFilePath(config.baseline, 'baseline', source.rootDir, checker),
    // Read by loadConfig: this function reads no files.
    knownLeaks: [],
    reportJson: readReportJson(config.report, source.rootDir, checker),
    reportJunit: readReportJunit(config.report, source.rootDir, checker),
    probes: resolveProbes(config.probes, plugins, readCreatedBy(config.ignoreCreatedBy, IGNORE_CREATED_BY, source.rootDir, checker), source.rootDir, checker),
    probeNames: [...builtinProbes, ...plugins].map((definition) => definition.name),
    sampleTimeoutMs: readSampleTimeout(config.sampleTimeoutMs, checker),
  };
}

/**
 * The module specifiers under `plugins`, checked. Plugins are loaded before the rest of
 * the config is checked, because `probes.<name>` may name a probe that a plugin defines.
 */
export function readPluginPaths(raw: unknown, source: ConfigSource): string[] {
  const checker = new Checker(source.filepath);
  return readPluginList(readTopLevel(raw, checker).plugins, checker);
}

/** Builds ConfigErrors located in one config file. */
class Checker {
  constructor(readonly filepath: string | undefined) {}

  fail(key: string | undefined, detail: string): never {
    throw new ConfigError(detail, { filepath: this.filepath, key });
  }

  /** A failure about a key that should not be there, shown under its parent. */
  failUnder(parent: string | undefined, key: string, detail: string): never {
    throw new ConfigError(detail, { filepath: this.filepath, key: joinKey(parent, key), shownKey: parent });
  }

  /** Reject keys of `object` not in `allowed`, suggesting the nearest allowed one. */
  keys(object: ConfigObject, allowed: readonly string[], parent: string | undefined): void {
    for (const key of Object.keys(object)) {
      if (!allowed.includes(key)) {
        const suggestion = didYouMean(key, allowed);
        const hint = suggestion || ` (allowed: ${allowed.join(', ')})`;
        this.failUnder(parent, key, `unknown key "${key}"${hint}`);
      }
    }
  }

  /** `value` as an object, or a failure naming what it is instead. */
  object(value: unknown, key: string, what = 'an object'): ConfigObject {
    if (!isObject(value)) this.fail(key, `expected ${what}, got ${describeValue(value)}`);
    return value;
  }
}

function readTopLevel(raw: unknown, checker: Checker): ConfigObject {
  // An empty config file (or `module.exports = undefined`) means: all defaults.
  if (raw === undefined || raw === null) return {};
  if (isObject(raw)) return raw;
  const inPackageJson = checker.filepath !== undefined && path.basename(checker.filepath) === 'package.json';
  if (inPackageJson) {
    return checker.fail('leakguard', `the "leakguard" key must be an object, got ${describeValue(raw)}`);
  }
  return checker.fail(undefined, `the config must be an object, got ${describeValue(raw)}`);
}

function readMode(value: unknown, checker: Checker): ResolvedConfig['mode'] {
  if (value === undefined) return DEFAULT_MODE;
  if (isMode(value)) return value;
  return checker.fail('mode', `expected "warn" or "fail", got ${describeValue(value)}`);
}

function isMode(value: unknown): value is ResolvedConfig['mode'] {
  return typeof value === 'string' && MODES.includes(value);
}

function readFailAt(value: unknown, checker: Checker): ResolvedConfig['failAt'] {
  if (value === undefined) return DEFAULT_FAIL_AT;
  if (typeof value === 'string' && FAIL_AT.includes(value)) return value as ResolvedConfig['failAt'];
  return checker.fail('failAt', `expected "test" or "end", got ${describeValue(value)}${typeof value === 'string' ? didYouMean(value, FAIL_AT) : ''}`);
}

function readReportJson(value: unknown, rootDir: string, checker: Checker): string | undefined {
  if (value === undefined) return undefined;
  const report = checker.object(value, 'report', 'an object like { "json": "leakguard-report.json" }');
  checker.keys(report, REPORT_KEYS, 'report');
  return readFilePath(report.json, 'report.json', rootDir, checker);
}

function readReportJunit(value: unknown, rootDir: string, checker: Checker): string | undefined {
  // readReportJson has checked `report` itself.
  return isObject(value) ? readFilePath(value.junit, 'report.junit', rootDir, checker) : undefined;
}

/** A file path option: a string, or false (or absent) for none. */
function readFilePath(value: unknown, key: string, rootDir: string, checker: Checker): string | undefined {
  if (value === undefined || value === false) return undefined;
  if (typeof value !== 'string' || value.trim() === '') {
    return checker.fail(key, `expected a file path (string) or false, got ${describeValue(value)}`);
  }
  // Relative to the config file, not the working directory: the same config must use the
  // same file wherever mocha is started from.
  return path.resolve(rootDir, value);
}

function readSampleTimeout(value: unknown, checker: Checker): number {
  if (value === undefined) return DEFAULT_SAMPLE_TIMEOUT_MS;
  // Bounded: Node runs a timer of more than 2^31-1 ms after 1 ms, and a minute is already
  // far longer than any probe should take between two tests.
  if (typeof value === 'number' && Number.isFinite(value) && value > 0 && value <= MAX_SAMPLE_TIMEOUT_MS) return value;
  return checker.fail('sampleTimeoutMs', `expected a number of milliseconds above 0 and at most ${MAX_SAMPLE_TIMEOUT_MS}, got ${describeValue(value)}`);
}

function readPluginList(value: unknown, checker: Checker): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    return checker.fail('plugins', `expected an array of module paths, got ${describeValue(value)}`);
  }
  return value.map((item: unknown, index) => {
    if (typeof item === 'string' && item.trim() !== '') return item;
    return checker.fail(`plugins[${index}]`, `expected a module path (string), got ${describeValue(item)}`);
  });
}

/** The enabled probes with their settings: built-ins first, then plugins, in order. */
function resolveProbes(
  value: unknown,
  plugins: readonly ProbeDefinition[],
  ignoreCreatedBy: string[],
  rootDir: string,
  checker: Checker,
): ConfiguredProbe[] {
  const registry = probeRegistry(plugins, checker);
  const entries = value === undefined ? {} : checker.object(value, 'probes', 'an object keyed by probe name');
  for (const name of Object.keys(entries)) {
    if (!registry.has(name)) {
      const names = [...registry.keys()];
      checker.failUnder('probes', name, `unknown probe "${name}"${didYouMean(name, names)} (available probes: ${names.join(', ')})`);
    }
  }
  const configured: ConfiguredProbe[] = [];
  for (const { definition, builtin } of registry.values()) {
    // Checked even for a probe that is off: it may be switched on later.
    const own = readProbeCreatedBy(definition, builtin, entries[definition.name], rootDir, checker);
    const probe = resolveProbe(definition, builtin, entries[definition.name], checker);
    if (!probe) continue;
    const patterns = builtin && !probesWithCreationStacks.has(definition.name) ? [] : [...ignoreCreatedBy, ...own];
    configured.push(patterns.length > 0 ? { ...probe, ignoreCreatedBy: patterns } : probe);
  }
  return configured;
}

interface RegisteredProbe {
  definition: ProbeDefinition;
  builtin: boolean;
}

function probeRegistry(plugins: readonly ProbeDefinition[], checker: Checker): Map<string, RegisteredProbe> {
  const registry = new Map<string, RegisteredProbe>();
  const add = (definition: ProbeDefinition, builtin: boolean): void => {
    // loadPlugins already rejects such plugins, naming the module; this guards direct callers.
    if (registry.has(definition.name)) {
      checker.fail('plugins', `more than one probe is named "${definition.name}"`);
    }
    registry.set(definition.name, { definition, builtin });
  };
  builtinProbes.forEach((definition) => add(definition, true));
  plugins.forEach((definition) => add(definition, false));
  return registry;
}

/** One probe's settings, checked; undefined when the probe is off. */
function resolveProbe(
  definition: ProbeDefinition,
  builtin: boolean,
  value: unknown,
  checker: Checker,
): ConfiguredProbe | undefined {
  const key = joinKey('probes', definition.name);
  const entry = value === undefined ? {} : checker.object(value, key, 'an object like { "enabled": true, "threshold": 0 }');
  const specs = definition.options ?? {};
  // A plugin that declares no options cannot be checked: its keys are its own business.
  const openOptions = !builtin && definition.options === undefined;
  const createdBy = builtin && !probesWithCreationStacks.has(definition.name) ? [] : [IGNORE_CREATED_BY];
  if (!openOptions) checker.keys(entry, [...PROBE_KEYS, ...createdBy, ...Object.keys(specs)], key);

  const enabled = readEnabled(entry.enabled, definition, `${key}.enabled`, checker);
  const threshold = readThreshold(entry.threshold, definition, `${key}.threshold`, checker);
  const options = openOptions ? passThroughOptions(entry) : readOptions(entry, specs, key, checker);
  return enabled ? { definition, threshold, options } : undefined;
}

/** `ignoreCreatedBy` (top level, or `key` under a probe), as absolute globs; [] when absent. */
function readCreatedBy(value: unknown, key: string, rootDir: string, checker: Checker): string[] {
  if (value === undefined) return [];
  const problem = createdByProblem(value);
  if (problem) checker.fail(problem.index === undefined ? key : `${key}[${problem.index}]`, problem.detail);
  return absolutePatterns(value as string[], rootDir);
}

/** A probe's own `ignoreCreatedBy`: only for probes whose items can carry a creation stack. */
function readProbeCreatedBy(definition: ProbeDefinition, builtin: boolean, entry: unknown, rootDir: string, checker: Checker): string[] {
  const value = isObject(entry) ? entry[IGNORE_CREATED_BY] : undefined;
  const key = joinKey(joinKey('probes', definition.name), IGNORE_CREATED_BY);
  if (value !== undefined && builtin && !probesWithCreationStacks.has(definition.name)) {
    const which = [...probesWithCreationStacks].join(', ');
    checker.fail(key, `the ${definition.name} probe does not know where what it finds was created; ignoreCreatedBy applies to ${which} (and to plugin probes whose items have a stack)`);
  }
  return readCreatedBy(value, key, rootDir, checker);
}

function readEnabled(value: unknown, definition: ProbeDefinition, key: string, checker: Checker): boolean {
  if (value === undefined) return definition.enabledByDefault !== false;
  if (typeof value === 'boolean') return value;
  return checker.fail(key, `expected true or false, got ${describeValue(value)}`);
}

function readThreshold(value: unknown, definition: ProbeDefinition, key: string, checker: Checker): number {
  if (value === undefined) return definition.defaultThreshold;
  try {
    return parseThreshold(value, definition.unit);
  } catch (error) {
    if (error instanceof ThresholdError) return checker.fail(key, error.message);
    throw error;
  }
}

function readOptions(
  entry: ConfigObject,
  specs: Readonly<Record<string, OptionSpec>>,
  key: string,
  checker: Checker,
): Record<string, unknown> {
  const options: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(specs)) {
    const value = entry[name];
    if (value === undefined) {
      // A copy of array defaults: a probe that changes its options must not change its definition.
      if (spec.default !== undefined) options[name] = Array.isArray(spec.default) ? [...spec.default] : spec.default;
      continue;
    }
    const problem = optionProblem(value, spec);
    if (problem !== undefined) checker.fail(joinKey(key, name), problem);
    options[name] = value;
  }
  return options;
}

function passThroughOptions(entry: ConfigObject): Record<string, unknown> {
  const options: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(entry)) {
    if (!PROBE_KEYS.includes(name) && name !== IGNORE_CREATED_BY) options[name] = value;
  }
  return options;
}

/** What is wrong with an option's value, or undefined when it fits its spec. */
function optionProblem(value: unknown, spec: OptionSpec): string | undefined {
  const got = describeValue(value);
  switch (spec.type) {
    case 'string':
      if (typeof value !== 'string') return `expected a string, got ${got}`;
      return enumProblem(value, spec);
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? undefined : `expected a number, got ${got}`;
    case 'boolean':
      return typeof value === 'boolean' ? undefined : `expected true or false, got ${got}`;
    case 'string[]':
      return Array.isArray(value) ? stringArrayProblem(value, spec) : `expected an array of strings, got ${got}`;
    case 'size':
      return sizeProblem(value);
  }
}

function sizeProblem(value: unknown): string | undefined {
  try {
    parseThreshold(value, 'bytes');
    return undefined;
  } catch (error) {
    if (error instanceof ThresholdError) return error.message;
    throw error;
  }
}

function stringArrayProblem(items: readonly unknown[], spec: OptionSpec): string | undefined {
  for (const [index, item] of items.entries()) {
    if (typeof item !== 'string') return `expected an array of strings, but item ${index} is ${describeValue(item)}`;
    const problem = enumProblem(item, spec);
    if (problem !== undefined) return `item ${index}: ${problem}`;
  }
  return undefined;
}

function enumProblem(value: string, spec: OptionSpec): string | undefined {
  if (spec.enum === undefined || spec.enum.includes(value)) return undefined;
  const allowed = spec.enum.map((item) => JSON.stringify(item)).join(', ');
  return `expected one of ${allowed}, got ${describeValue(value)}${didYouMean(value, spec.enum)}`;
}

function joinKey(parent: string | undefined, key: string): string {
  // Quote keys that would make the dotted path ambiguous ("a.b", keys with spaces).
  const part = /^[\w$-]+$/.test(key) ? key : JSON.stringify(key);
  return parent === undefined ? part : `${parent}.${part}`;
}

/** A plain object (not null, not an array): what a config, a package.json or a probe definition must be. */
export function isObject(value: unknown): value is ConfigObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The suggestion for a misspelt name, from ./suggest, which only a bad config needs loaded. */
function didYouMean(name: string, candidates: Iterable<string>): string {
  return (require('./suggest') as typeof import('./suggest')).didYouMean(name, candidates);
}
