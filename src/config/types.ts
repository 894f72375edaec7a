import type { BaselineEntry } from '../core/baseline';
import type { ConfiguredProbe } from '../core/probe';
import type { ThresholdInput } from '../core/thresholds';
import type { BuiltinProbeOptions, ByteSize, CountProbeName, PluginProbes, StackProbeName } from './probe-types';

export type { BuiltinProbeOptions, ByteSize, PluginProbes, SizeString } from './probe-types';

/** What a probe's entry under `probes` may hold, whatever the probe: a plugin's that declares no options. */
export interface ProbeConfig {
  /** Switch the probe on or off. */
  enabled?: boolean;
  /** Growth above this is a leak: a number in the probe's unit, or a size like `"1MB"`. */
  threshold?: ThresholdInput;
  /** Globs of files whose code made items not to be counted by this probe (see {@link LeakguardConfig.ignoreCreatedBy}). */
  ignoreCreatedBy?: string[];
  /** The probe's own options. */
  [option: string]: unknown;
}

/** A built-in probe's entry: its own options, checked, and a threshold in its unit. */
export type BuiltinProbeConfig<Name extends keyof BuiltinProbeOptions> = {
  /** Switch the probe on or off. */
  enabled?: boolean;
  /** Growth above this is a leak: a count, or for a probe of bytes also a size like `"1MB"`. */
  threshold?: Name extends CountProbeName ? number : ByteSize;
} & (Name extends StackProbeName ? {
  /** Globs of files whose code made what this probe is not to count, besides the top-level `ignoreCreatedBy`. */
  ignoreCreatedBy?: string[];
} : {}) & BuiltinProbeOptions[Name];

/**
 * A plugin probe's entry: `enabled`, `threshold`, and its options, checked when their
 * type is declared (see {@link PluginProbes}), or anything when it is `unknown`.
 */
export type PluginProbeConfig<Options = unknown> = unknown extends Options
  ? ProbeConfig
  : { enabled?: boolean; threshold?: ThresholdInput; ignoreCreatedBy?: string[] } & Options;

/**
 * The `probes` key: each built-in probe's entry with its own options, and the plugin
 * probes' entries, by the names declared for them: in {@link PluginProbes}, or in
 * `defineConfig`'s type argument. Any other name is a mistake (`probes.hep`).
 */
export type ProbesConfig<Plugins = {}> = { [Name in keyof BuiltinProbeOptions]?: BuiltinProbeConfig<Name> } & {
  [Name in Exclude<keyof (PluginProbes & Plugins), keyof BuiltinProbeOptions>]?: PluginProbeConfig<(PluginProbes & Plugins)[Name]>;
};

/**
 * The config file's shape (`.leakguardrc.json`, `leakguard.config.js`, `package.json#leakguard`).
 * `Plugins` names the plugin probes and their options' types (see {@link PluginProbes}).
 */
export interface LeakguardConfig<Plugins = {}> {
  /** Editors use it to find the JSON schema; ignored otherwise. */
  $schema?: string;
  /** `warn` (default): report only, exit code unchanged. `fail`: a leak fails the run. */
  mode?: 'warn' | 'fail';
  /**
   * In mode `fail`, where a leak fails: `test` (default) fails the leaking test itself,
   * with the leak as its error, judged where the test ends (cleanup in its suite's
   * `after()` does not count; leaks of hooks fail the run at its end); `end` fails the
   * run once, at its end, a test's resources judged when its suite has ended.
   */
  failAt?: 'test' | 'end';
  /**
   * Path of a baseline file of known leaks (written by a run with LEAKGUARD_UPDATE_BASELINE=1,
   * or by `npx leakguard baseline <report.json>...`), relative to the config file's
   * directory. Leaks it lists are shown but never fail the run.
   */
  baseline?: string | false;
  report?: {
    /** Path of the JSON report, relative to the config file's directory; `false` for none. */
    json?: string | false;
    /**
     * Path of a JUnit XML report (each leaking test a failed testcase), relative to the
     * config file's directory; `false` for none.
     */
    junit?: string | false;
  };
  /** Per-probe settings, keyed by probe name. */
  probes?: ProbesConfig<Plugins>;
  /** Module paths of custom probes (relative to the config file's directory, or package names). */
  plugins?: string[];
  /** The longest one probe sample may take before the probe is switched off, in ms. */
  sampleTimeoutMs?: number;
  /**
   * Globs of files whose code made what is not to be counted, for every probe that knows
   * where what it finds was created (fds, handles, children, listeners, plugins):
   * `["**\/node_modules/chokidar/**", "test/helpers/**"]`, relative to the config file's
   * directory unless they start with `/` or `**`. Matched against the frames a creation
   * went through, innermost first, up to the first one outside node_modules.
   */
  ignoreCreatedBy?: string[];
}

/** Config after loading and validation: what the rest of leakguard uses. */
export interface ResolvedConfig {
  /** The file the config came from; undefined when defaults apply. */
  filepath: string | undefined;
  /** The directory relative paths resolve against: the config file's, or the working directory. */
  rootDir: string;
  mode: 'warn' | 'fail';
  failAt: 'test' | 'end';
  /** Absolute path of the baseline file, or undefined for none. */
  baseline: string | undefined;
  /** What the baseline file lists (empty without one, or before it is written). */
  knownLeaks: readonly BaselineEntry[];
  /** Absolute path of the JSON report, or undefined for none. */
  reportJson: string | undefined;
  /** Absolute path of the JUnit XML report, or undefined for none. */
  reportJunit: string | undefined;
  /** The enabled probes, in order, with parsed thresholds and options. */
  probes: ConfiguredProbe[];
  /** Every probe the config knows of, enabled or not (built-in and plugins): what `this.leakguard.allow()` accepts. */
  probeNames?: readonly string[];
  sampleTimeoutMs: number;
}

/** Where raw config came from: what relative paths and error messages refer to. */
export interface ConfigSource {
  /** The config file; undefined when there is none and defaults apply. */
  filepath?: string | undefined;
  /** The directory relative paths resolve against: the config file's, or the working directory. */
  rootDir: string;
}
