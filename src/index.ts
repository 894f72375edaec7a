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
export type { LeakguardConfig, ProbeConfig } from './config/types';

import type { LeakguardConfig } from './config/types';

/** Typed config for `leakguard.config.{js,mjs}`: returns its argument. */
export function defineConfig(config: LeakguardConfig): LeakguardConfig {
  return config;
}
