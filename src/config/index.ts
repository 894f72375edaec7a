/** Config: finding and loading the file (load.ts), checking it (validate.ts), plugins (plugins.ts). */
export { CONFIG_ENV_VAR, loadConfig, SEARCH_PLACES } from './load';
export { DEFAULT_MODE, DEFAULT_SAMPLE_TIMEOUT_MS, readPluginPaths, resolveConfig } from './validate';
export { loadPlugins } from './plugins';
export { ConfigError, type ConfigErrorLocation } from './errors';
export type { ConfigSource, LeakguardConfig, ProbeConfig, ResolvedConfig } from './types';
