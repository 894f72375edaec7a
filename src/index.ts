/**
 * leakguard's public API: the probe contract for custom probes, the engine for runners
 * other than Mocha, the built-in probes, and the report types. Mocha users need none of
 * it: `mocha --require leakguard/register` is the whole setup.
 */
export { defineProbe } from './core/probe';
export type {
  ConfiguredProbe,
  LeakItem,
  OptionSpec,
  ProbeContext,
  ProbeDefinition,
  ProbeInstance,
  ProbeUnit,
  Reading,
  SettleRule,
  StopTracking,
  TrackedGrowth,
  TrackOptions,
  TypeGrowth,
} from './core/probe';
export { LeakEngine, type EngineOptions, type Scope } from './core/engine';
export type { FileRun, Leak, LeakReport, MemorySite, ProbeFault, UnitInfo } from './core/report-model';
export { parseThreshold, formatBytes } from './core/thresholds';
export {
  builtinProbes,
  childrenProbe,
  envProbe,
  fdsProbe,
  globalsProbe,
  handlesProbe,
  heapProbe,
  listenersProbe,
  rssProbe,
  tmpdirProbe,
} from './probes';
export type {
  BuiltinProbeConfig,
  BuiltinProbeOptions,
  ByteSize,
  LeakguardConfig,
  PluginProbeConfig,
  PluginProbes,
  ProbeConfig,
  ProbesConfig,
  SizeString,
} from './config/types';
export type { AllowableProbe } from './config/probe-types';
// Its declarations add `leakguard` to Mocha's test context (`this.leakguard?.allow(...)`).
export type { LeakguardTestContext } from './mocha/test-context';

import type { LeakguardConfig } from './config/types';

/**
 * Typed config for `leakguard.config.{js,mjs,ts}`: returns its argument. Every built-in
 * probe's options are checked; a plugin probe is named in {@link PluginProbes} or in the
 * type argument, with its options' type (`unknown`: unchecked):
 * `defineConfig<{ 'db-pool': unknown }>({ probes: { 'db-pool': { maxIdle: 3 } } })`.
 */
export function defineConfig<Plugins = {}>(config: LeakguardConfig<NotInferred<Plugins>>): LeakguardConfig<Plugins> {
  return config as LeakguardConfig<Plugins>;
}

/**
 * `T`, where TypeScript does not infer it from: `Plugins` comes from the type argument
 * only, so that a misspelt `probes.hep` is an error, not a plugin probe named "hep".
 * (The built-in `NoInfer` needs TypeScript 5.4.)
 */
type NotInferred<T> = [T][T extends unknown ? 0 : never];
