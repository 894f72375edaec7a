/**
 * A real dynamic `import()`. Written through `new Function` so that no compiler or
 * transpiler (tsc's CommonJS output, tsx, bundlers) rewrites it into `require()`, which
 * cannot load ES modules that use top-level await (or any ES module before Node 20.19).
 */
export const dynamicImport = new Function('specifier', 'return import(specifier)') as (specifier: string) => Promise<unknown>;
