import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ConfigError } from '../../src/config';

/**
 * Real directories on disk for config tests. `project()` makes a temp dir with the given
 * files (paths may contain subdirectories); every dir is removed after each test.
 * Call inside a `describe`.
 */
export function useTempProjects(): (files: Record<string, string>) => string {
  const made: string[] = [];
  afterEach(() => {
    for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });
  return (files) => {
    // realpath: on macOS os.tmpdir() is a symlink, and cosmiconfig reports real paths.
    const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'leakguard-config-')));
    made.push(dir);
    for (const [name, content] of Object.entries(files)) {
      const file = path.join(dir, name);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, content);
    }
    return dir;
  };
}

/** Unset LEAKGUARD_CONFIG around each test (a developer's shell may set it), restoring it after. */
export function isolateConfigEnv(): void {
  let saved: string | undefined;
  beforeEach(() => {
    saved = process.env.LEAKGUARD_CONFIG;
    delete process.env.LEAKGUARD_CONFIG;
  });
  afterEach(() => {
    if (saved === undefined) delete process.env.LEAKGUARD_CONFIG;
    else process.env.LEAKGUARD_CONFIG = saved;
  });
}

/** A package.json that bounds the upward search (searchStrategy 'project'). */
export const PACKAGE_JSON = JSON.stringify({ name: 'fixture', version: '1.0.0' });

/** A CommonJS plugin module defining one count probe. */
export function cjsPlugin(name: string, extra = ''): string {
  return `module.exports = { name: ${JSON.stringify(name)}, unit: 'count', defaultThreshold: 0, ${extra} create: () => ({ sample: () => 0 }) };\n`;
}

/** Await a rejection and check that it is a ConfigError; returns it for more checks. */
export async function configError(promise: Promise<unknown>): Promise<ConfigError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw new Error(`expected a ConfigError, got ${String(error)}`, { cause: error });
  }
  throw new Error('expected a ConfigError, but the config was accepted');
}

/** Run `fn` and return the ConfigError it throws. */
export function syncConfigError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw new Error(`expected a ConfigError, got ${String(error)}`, { cause: error });
  }
  throw new Error('expected a ConfigError, but the config was accepted');
}
