/**
 * The types of the built-in probes' options, for `defineConfig`: what validate.ts checks at
 * run time from each probe's option specs, checked as the config is written. A test
 * (test/config/define-config-types.test.ts) compiles a config with every option of every
 * spec, so that a spec and its type cannot drift apart.
 */
import type { BYTE_UNIT_NAMES } from '../core/thresholds';
import type { ChildrenOptions } from '../probes/children/children';
import type { EnvOptions } from '../probes/env';
import type { FdsOptions } from '../probes/fds/fds';
import type { GlobalsOptions } from '../probes/globals';
import type { ListenersOptions } from '../probes/listeners';
import type { TmpdirOptions } from '../probes/tmpdir/tmpdir';

type ByteUnit = (typeof BYTE_UNIT_NAMES)[number];
/** Units are read case-insensitively: `MiB`, `mib`, `MIB`. */
type ByteUnitSpelling = ByteUnit | Lowercase<ByteUnit> | Uppercase<ByteUnit>;

/** A size with a unit, as thresholds and size options take it: `"512KiB"`, `"1 MB"`, `"1.5GiB"`. */
export type SizeString = `${number}${ByteUnitSpelling}` | `${number} ${ByteUnitSpelling}`;

/** Bytes: a number, or a size with a unit. */
export type ByteSize = number | SizeString;

/** Each built-in probe's own options (besides `enabled` and `threshold`), by probe name. */
export interface BuiltinProbeOptions {
  heap: {
    /** How often a test that alone kept memory at a site is run again. Default 1; 0: never. */
    repeats?: number;
    /** Heap growth since leakguard last looked at the live heap past which it looks again. Default `"4MiB"`. */
    readAfter?: ByteSize;
    /** Heap snapshots around the run again of a test that alone kept memory. Default `never`. */
    snapshots?: 'auto' | 'always' | 'never';
  };
  rss: {};
  fds: FdsOptions;
  handles: {
    /** Resource types not to report, e.g. `["FSReqCallback"]`. */
    ignore?: string[];
  };
  tmpdir: TmpdirOptions;
  listeners: ListenersOptions;
  globals: GlobalsOptions;
  children: ChildrenOptions;
  env: EnvOptions;
}

/** The built-in probes whose findings say where they were created: they take `ignoreCreatedBy` (see probesWithCreationStacks). */
export type StackProbeName = 'fds' | 'handles' | 'listeners' | 'children';

/**
 * A probe name `this.leakguard.allow()` takes: a built-in probe's, a plugin probe's that
 * {@link PluginProbes} declares (both completed by editors), or any other plugin's.
 */
export type AllowableProbe = keyof BuiltinProbeOptions | Extract<keyof PluginProbes, string> | (string & {});

/** The built-in probes that count things: their thresholds are plain numbers. */
export type CountProbeName = 'fds' | 'handles' | 'tmpdir' | 'listeners' | 'globals' | 'children' | 'env';

/**
 * The plugin probes a project uses, by name, with the type of their options (`unknown`:
 * any options, unchecked). Empty here; a plugin's typings or the project add to it:
 *
 * ```ts
 * declare module 'leakguard' {
 *   interface PluginProbes {
 *     'db-pool': { maxIdle?: number };
 *     'legacy-probe': unknown;
 *   }
 * }
 * ```
 *
 * or name them for one config: `defineConfig<{ 'db-pool': unknown }>({ ... })`.
 */
export interface PluginProbes {}
