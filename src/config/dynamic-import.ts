/**
 * A real dynamic `import()`. Written through `new Function` so that no compiler or
 * transpiler (tsc's CommonJS output, tsx, bundlers) rewrites it into `require()`, which
 * cannot load ES modules that use top-level await (or any ES module before Node 20.19).
 *
 * A module of its own, shipped as a file of its own (see scripts/build.js): the rest of
 * the packaged code is compiled through vm with V8's code cache (see code-cache.ts), and
 * there `import()` finds no loader to call. A function made in a module that Node loaded
 * itself imports with Node's loader.
 */
export const dynamicImport = new Function('specifier', 'return import(specifier)') as (specifier: string) => Promise<unknown>;
