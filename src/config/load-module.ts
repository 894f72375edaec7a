import { pathToFileURL } from 'node:url';
import { RealPromise, withTimeLimit } from '../core/real-timers';
import { dynamicImport } from './dynamic-import';

/**
 * Load a JavaScript module (a JS config file or a plugin) by absolute path, running its code.
 * `require` first: it loads CommonJS, TypeScript under a require hook (tsx, ts-node) and,
 * on Node >= 20.19, most ES modules; `import()` only when `require` cannot. An error the
 * module itself throws is passed on, not retried, so that its code runs once.
 */
export async function loadModule(filepath: string): Promise<unknown> {
  try {
    return require(filepath) as unknown;
  } catch (error) {
    if (!needsImport(error)) throw error;
  }
  return dynamicImport(pathToFileURL(filepath).href);
}

/** How long loading a JavaScript config or plugin (and awaiting a config's default export) may take. */
export const MODULE_LOAD_LIMIT_MS = 10_000;

/** A module that did not load (or whose value did not settle) in time. */
export class LoadTimeout extends Error {
  override name = 'LoadTimeout';
}

/**
 * {@link loadModule}, then `pick` of what it exports, awaited: all within `limitMs`. A
 * top-level await or a default export that never settles leaves no timer and no I/O, so
 * Node would end the process in silence, exit code 0, before a single test ran; this
 * waits on a real timer instead and throws a {@link LoadTimeout}.
 */
export async function loadModuleWithin<T>(filepath: string, limitMs: number, pick: (exported: unknown) => T): Promise<Awaited<T>> {
  const loaded = RealPromise.resolve().then(async () => await pick(await loadModule(filepath)));
  const outcome = await withTimeLimit(loaded, limitMs);
  if (outcome.timedOut) {
    throw new LoadTimeout(`did not finish loading within ${limitMs / 1000} s (a top-level await, or a default export, that never settles)`);
  }
  return outcome.value as Awaited<T>;
}

/** Errors by which `require` says "this is an ES module: import it". */
function needsImport(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ERR_REQUIRE_ESM' || code === 'ERR_REQUIRE_ASYNC_MODULE') return true;
  // ESM syntax in a file Node took for CommonJS (older Node, no module syntax detection).
  return (
    error instanceof SyntaxError &&
    /Cannot use import statement outside a module|Unexpected token 'export'/.test(error.message)
  );
}

/** An ES module namespace (from `import()` or from `require()` of an ES module). */
export function isModuleNamespace(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && Object.prototype.toString.call(value) === '[object Module]';
}

/** Whether `exported` is an ES module (or transpiled one) with named exports only. */
export function lacksDefaultExport(exported: unknown): boolean {
  if (typeof exported !== 'object' || exported === null || 'default' in exported) return false;
  return isModuleNamespace(exported) || (exported as { __esModule?: unknown }).__esModule === true;
}

/**
 * The module's main value: the default export of an ES module or of transpiled ESM
 * (`exports.__esModule` + `exports.default`), else `module.exports` itself.
 */
export function mainExport(exported: unknown): unknown {
  if (isModuleNamespace(exported)) return exported.default;
  if (typeof exported === 'object' && exported !== null && '__esModule' in exported && 'default' in exported) {
    return exported.default;
  }
  return exported;
}
