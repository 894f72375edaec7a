/**
 * The config file's JSON Schema (schema/leakguardrc.schema.json): that the shipped file is
 * what buildConfigSchema() builds, and that the schema and the validator (resolveConfig)
 * agree: the same keys, and the same verdict on good and bad configs. Plus defineConfig's
 * typing, which `npm run typecheck` checks in this file.
 *
 * No JSON Schema library is a dependency, so a small checker for the keywords the schema
 * uses is below; it throws on any other keyword, so the schema cannot grow one unchecked.
 */
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { ConfigError, resolveConfig } from '../../src/config';
import { buildConfigSchema, CONFIG_SCHEMA_PATH } from '../../src/config/schema';
import type { ProbeDefinition } from '../../src/core/probe';
import { defineConfig, type LeakguardConfig } from '../../src/index';
import { builtinProbes } from '../../src/probes';
import { REPO } from '../helpers/fixture';

// ---------------------------------------------------------------------------------------
// A checker for the subset of JSON Schema (draft-07) that the config schema uses.

type Schema = Record<string, unknown>;

interface SchemaError {
  /** Where, in validate.ts's notation: `probes.heap.threshold`, `plugins[0]`; '' for the root. */
  path: string;
  message: string;
}

/** Keywords that only describe: no effect on what is valid. */
const ANNOTATIONS = new Set(['$schema', 'title', 'description', 'default']);
const ASSERTIONS = new Set([
  'type',
  'enum',
  'properties',
  'additionalProperties',
  'items',
  'pattern',
  'minimum',
  'exclusiveMinimum',
  'maximum',
  'anyOf',
]);

/** The same notation as joinKey in validate.ts. */
function childPath(parent: string, key: string): string {
  const part = /^[\w$-]+$/.test(key) ? key : JSON.stringify(key);
  return parent === '' ? part : `${parent}.${part}`;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function hasType(value: unknown, type: string): boolean {
  switch (type) {
    case 'object':
      return isPlainObject(value);
    case 'array':
      return Array.isArray(value);
    case 'string':
      return typeof value === 'string';
    // JSON's numbers are finite; JavaScript configs could hold NaN or Infinity, which no JSON
    // Schema number is.
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'integer':
      return Number.isInteger(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'null':
      return value === null;
    default:
      throw new Error(`checker: unknown type ${type}`);
  }
}

/** Errors of `value` against `schema`; none when it is valid. */
function check(schema: Schema, value: unknown, at = ''): SchemaError[] {
  for (const keyword of Object.keys(schema)) {
    if (!ANNOTATIONS.has(keyword) && !ASSERTIONS.has(keyword)) {
      throw new Error(`checker: unsupported keyword "${keyword}" at ${at || '(root)'}`);
    }
  }
  const errors: SchemaError[] = [];
  const fail = (message: string, where = at): void => {
    errors.push({ path: where, message });
  };
  if (schema.type !== undefined) {
    const types = Array.isArray(schema.type) ? (schema.type as string[]) : [schema.type as string];
    if (!types.some((type) => hasType(value, type))) {
      fail(`expected ${types.join(' or ')}, got ${JSON.stringify(value)}`);
      return errors;
    }
  }
  if (schema.enum !== undefined && !(schema.enum as unknown[]).some((item) => isDeepStrictEqual(item, value))) {
    fail(`expected one of ${JSON.stringify(schema.enum)}, got ${JSON.stringify(value)}`);
  }
  if (typeof value === 'string' && schema.pattern !== undefined) {
    if (!new RegExp(schema.pattern as string, 'u').test(value)) fail(`${JSON.stringify(value)} does not match ${String(schema.pattern)}`);
  }
  if (typeof value === 'number') {
    if (schema.minimum !== undefined && value < (schema.minimum as number)) fail(`must be >= ${String(schema.minimum)}`);
    if (schema.exclusiveMinimum !== undefined && value <= (schema.exclusiveMinimum as number)) {
      fail(`must be > ${String(schema.exclusiveMinimum)}`);
    }
    if (schema.maximum !== undefined && value > (schema.maximum as number)) fail(`must be <= ${String(schema.maximum)}`);
  }
  if (isPlainObject(value)) {
    const properties = (schema.properties ?? {}) as Record<string, Schema>;
    for (const [key, item] of Object.entries(value)) {
      const where = childPath(at, key);
      const known = Object.hasOwn(properties, key) ? properties[key] : undefined;
      if (known !== undefined) errors.push(...check(known, item, where));
      else if (schema.additionalProperties === false) fail(`unknown key "${key}"`, where);
      else if (isPlainObject(schema.additionalProperties)) errors.push(...check(schema.additionalProperties, item, where));
    }
  }
  if (Array.isArray(value) && schema.items !== undefined) {
    value.forEach((item, index) => errors.push(...check(schema.items as Schema, item, `${at}[${index}]`)));
  }
  if (schema.anyOf !== undefined) {
    const branches = (schema.anyOf as Schema[]).map((branch) => check(branch, value, at));
    if (branches.every((branchErrors) => branchErrors.length > 0)) {
      fail(`matches none of: ${branches.map((branchErrors) => branchErrors.map((error) => error.message).join(', ')).join(' | ')}`);
    }
  }
  return errors;
}

describe('config schema: the test checker', () => {
  it('implements the keywords it claims', () => {
    const schema = {
      type: 'object',
      additionalProperties: false,
      properties: {
        a: { type: 'array', items: { type: 'string', pattern: '^x' } },
        n: { anyOf: [{ type: 'number', minimum: 1 }, { type: 'boolean', enum: [false] }] },
        p: { type: 'number', exclusiveMinimum: 0 },
      },
    };
    assert.deepEqual(check(schema, { a: ['x1'], n: 1, p: 0.1 }), []);
    assert.deepEqual(check(schema, { n: false }), []);
    assert.deepEqual(
      check(schema, { a: ['y'], n: 0, p: 0, q: 1 }).map((error) => error.path),
      ['a[0]', 'n', 'p', 'q'],
    );
    assert.equal(check(schema, { n: true }).length, 1);
    assert.equal(check(schema, []).length, 1);
    assert.throws(() => check({ const: 1 }, 1), /unsupported keyword "const"/);
  });
});

// ---------------------------------------------------------------------------------------

const schema = buildConfigSchema();
const rootDir = path.join(path.parse(process.cwd()).root, 'project');
const source = { filepath: path.join(rootDir, '.leakguardrc.json'), rootDir };

/** A plugin probe with no declared options, as loadPlugins would return it. */
function plugin(name: string, unit: 'bytes' | 'count' = 'count'): ProbeDefinition {
  return { name, unit, defaultThreshold: 0, create: () => ({ sample: () => 0 }) };
}

/** The ConfigError resolveConfig throws for `raw`, or undefined when it accepts it. */
function validatorError(raw: unknown, plugins: ProbeDefinition[] = []): ConfigError | undefined {
  try {
    resolveConfig(raw, source, plugins);
    return undefined;
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
}

/** Both verdicts on `raw`, for messages that show why they differ. */
function verdicts(raw: unknown, plugins: ProbeDefinition[] = []): { schema: SchemaError[]; validator: ConfigError | undefined } {
  return { schema: check(schema, raw), validator: validatorError(raw, plugins) };
}

function show(raw: unknown): string {
  return JSON.stringify(raw);
}

/** The keys resolveConfig allows in one object, from its "(allowed: ...)" message for a key nothing resembles. */
function allowedKeys(wrap: (entry: Record<string, unknown>) => unknown): string[] {
  const error = validatorError(wrap({ zzzzzzzzzzzz: 1 }));
  assert.ok(error, 'an unknown key is rejected');
  const match = /\(allowed: (.*)\)$/.exec(error.detail);
  assert.ok(match, error.detail);
  return match[1]!.split(', ').sort();
}

function schemaKeys(node: unknown): string[] {
  return Object.keys((node as { properties: Record<string, unknown> }).properties).sort();
}

/** The schema node at a path of property names. */
function node(...names: string[]): Schema {
  return names.reduce<Schema>((current, name) => (current.properties as Record<string, Schema>)[name]!, schema);
}

describe('config schema: the shipped file', () => {
  const file = path.join(REPO, CONFIG_SCHEMA_PATH);

  it('is what buildConfigSchema() builds, pretty-printed (npm run build writes it)', () => {
    assert.ok(fs.existsSync(file), `${CONFIG_SCHEMA_PATH} is missing: run npm run build`);
    const text = fs.readFileSync(file, 'utf8');
    assert.equal(text, `${JSON.stringify(schema, null, 2)}\n`, `${CONFIG_SCHEMA_PATH} is stale: run npm run build`);
  });

  it('is draft-07 and uses only keywords the checker implements', () => {
    assert.equal(schema.$schema, 'http://json-schema.org/draft-07/schema#');
    // check() throws on an unsupported keyword anywhere it descends; a full config visits every node.
    const everything = {
      $schema: 'x',
      mode: 'warn',
      report: { json: 'r.json' },
      probes: {
        ...Object.fromEntries(
          builtinProbes.map((probe) => [probe.name, { enabled: true, threshold: 0, ...Object.fromEntries(Object.keys(probe.options ?? {}).map((name) => [name, []])) }]),
        ),
        'some-plugin': { enabled: true, threshold: 0 },
      },
      plugins: ['p'],
      sampleTimeoutMs: 1,
    };
    assert.doesNotThrow(() => check(schema, everything));
  });

  it('is in the packed package, where "$schema": "./node_modules/leakguard/..." finds it', () => {
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const output = execFileSync(npm, ['pack', '--dry-run', '--json', '--ignore-scripts'], {
      cwd: REPO,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const files = (JSON.parse(output) as { files: { path: string }[] }[])[0]!.files.map((entry) => entry.path);
    assert.ok(files.includes(CONFIG_SCHEMA_PATH), files.join(', '));
  });
});

describe('config schema: agrees with the validator', () => {
  it('has exactly the top-level keys resolveConfig allows', () => {
    assert.deepEqual(schemaKeys(schema), allowedKeys((entry) => entry));
    assert.equal(schema.additionalProperties, false);
  });

  it('has exactly the report keys resolveConfig allows', () => {
    assert.deepEqual(schemaKeys(node('report')), allowedKeys((entry) => ({ report: entry })));
    assert.equal(node('report').additionalProperties, false);
  });

  it('has an entry per built-in probe, with exactly the keys resolveConfig allows for it', () => {
    assert.deepEqual(schemaKeys(node('probes')), builtinProbes.map((probe) => probe.name).sort());
    for (const probe of builtinProbes) {
      assert.deepEqual(schemaKeys(node('probes', probe.name)), allowedKeys((entry) => ({ probes: { [probe.name]: entry } })), probe.name);
      assert.equal(node('probes', probe.name).additionalProperties, false, probe.name);
    }
  });

  it('gives the defaults resolveConfig applies', () => {
    const resolved = resolveConfig({}, source, []);
    assert.equal(node('mode').default, resolved.mode);
    assert.equal(node('sampleTimeoutMs').default, resolved.sampleTimeoutMs);
    const everyProbeOn = resolveConfig(
      { probes: Object.fromEntries(builtinProbes.map((probe) => [probe.name, { enabled: true }])) },
      source,
      [],
    );
    for (const probe of builtinProbes) {
      const entry = node('probes', probe.name);
      assert.equal(node('probes', probe.name, 'enabled').default, probe.enabledByDefault !== false, probe.name);
      assert.equal(resolved.probes.some((configured) => configured.definition === probe), probe.enabledByDefault !== false, probe.name);
      const configured = everyProbeOn.probes.find((candidate) => candidate.definition === probe)!;
      assert.equal(node('probes', probe.name, 'threshold').default, configured.threshold, probe.name);
      for (const [name, option] of Object.entries(entry.properties as Record<string, Schema>)) {
        if (name === 'enabled' || name === 'threshold') continue;
        assert.deepEqual(option.default, configured.options[name], `${probe.name}.${name}`);
      }
    }
  });

  const good: unknown[] = [
    {},
    // The README's example.
    {
      mode: 'warn',
      report: { json: 'leakguard-report.json' },
      probes: {
        heap: { threshold: '1MiB', snapshots: 'never' },
        fds: { threshold: 0, ignore: ['/dev/urandom'] },
        rss: { enabled: false },
        tmpdir: { dirs: ['/tmp', './tmp'] },
      },
      plugins: ['./probes/db-pool.js'],
      sampleTimeoutMs: 500,
    },
    { $schema: './node_modules/leakguard/schema/leakguardrc.schema.json', mode: 'fail', report: { json: 'leakguard-report.json' } },
    { report: { json: false } },
    { report: {} },
    { probes: {} },
    { probes: { heap: { threshold: '2 mib', snapshots: 'auto' }, rss: { enabled: true, threshold: '64MB' } } },
    { probes: { heap: { threshold: 1.5 } } },
    { probes: { fds: { threshold: 2, ignore: ['pipe:*'], fdDir: '/dev/fd' }, handles: { ignore: ['FSReqCallback'] } } },
    { probes: { tmpdir: { dirs: [], ignore: ['*.lock'], enabled: false } } },
    { plugins: [] },
    { sampleTimeoutMs: 0.5 },
  ];

  it('both accept good configs', () => {
    for (const raw of good) {
      const { schema: errors, validator } = verdicts(raw);
      assert.deepEqual(errors, [], `schema rejects ${show(raw)}`);
      assert.equal(validator, undefined, `resolveConfig rejects ${show(raw)}: ${validator?.message}`);
    }
  });

  /** Bad configs, each with the key resolveConfig names (undefined: the whole config). */
  const bad: [unknown, string | undefined][] = [
    [[], undefined],
    ['warn', undefined],
    [{ mdoe: 'fail' }, 'mdoe'],
    [{ mode: 'strict' }, 'mode'],
    [{ mode: null }, 'mode'],
    [{ $schema: 1 }, '$schema'],
    [{ report: 'out.json' }, 'report'],
    [{ report: null }, 'report'],
    [{ report: { json: '' } }, 'report.json'],
    [{ report: { json: '  ' } }, 'report.json'],
    [{ report: { json: true } }, 'report.json'],
    [{ report: { html: 'x.html' } }, 'report.html'],
    [{ probes: [] }, 'probes'],
    [{ probes: { heap: 1 } }, 'probes.heap'],
    [{ probes: { heap: null } }, 'probes.heap'],
    [{ probes: { heap: { enabeld: true } } }, 'probes.heap.enabeld'],
    [{ probes: { heap: { enabled: 'yes' } } }, 'probes.heap.enabled'],
    [{ probes: { heap: { threshold: '1XB' } } }, 'probes.heap.threshold'],
    [{ probes: { heap: { threshold: '5' } } }, 'probes.heap.threshold'],
    [{ probes: { heap: { threshold: -1 } } }, 'probes.heap.threshold'],
    [{ probes: { heap: { snapshots: 'sometimes' } } }, 'probes.heap.snapshots'],
    [{ probes: { rss: { snapshots: 'auto' } } }, 'probes.rss.snapshots'],
    [{ probes: { fds: { threshold: '1MB' } } }, 'probes.fds.threshold'],
    [{ probes: { fds: { ignore: 'pipe:*' } } }, 'probes.fds.ignore'],
    [{ probes: { fds: { ignore: [1] } } }, 'probes.fds.ignore'],
    [{ probes: { fds: { fdDir: 3 } } }, 'probes.fds.fdDir'],
    [{ probes: { tmpdir: { dirs: '/tmp' } } }, 'probes.tmpdir.dirs'],
    [{ plugins: './probes/db.js' }, 'plugins'],
    [{ plugins: ['./a.js', ''] }, 'plugins[1]'],
    [{ plugins: [1] }, 'plugins[0]'],
    [{ sampleTimeoutMs: 0 }, 'sampleTimeoutMs'],
    [{ sampleTimeoutMs: -5 }, 'sampleTimeoutMs'],
    [{ sampleTimeoutMs: '500' }, 'sampleTimeoutMs'],
    [{ sampleTimeoutMs: 3e9 }, 'sampleTimeoutMs'],
  ];

  it('both reject bad configs, at the same key', () => {
    for (const [raw, key] of bad) {
      const { schema: errors, validator } = verdicts(raw);
      assert.ok(validator, `resolveConfig accepts ${show(raw)}`);
      assert.equal(validator.key, key, `resolveConfig's key for ${show(raw)}: ${validator.message}`);
      assert.notDeepEqual(errors, [], `schema accepts ${show(raw)}`);
      assert.ok(
        errors.some((error) => error.path.startsWith(key ?? '')),
        `schema errors for ${show(raw)} are elsewhere: ${JSON.stringify(errors)}`,
      );
    }
  });

  it('agree on every threshold, for every built-in probe and a plugin measuring bytes', () => {
    const values: unknown[] = [
      0, 1, 1.5, 1048576, -1, -0.5,
      '1MB', '1mb', '1 MiB', ' 2.5KiB ', '10GIB', '1b', '0B', '1Mb', '1kIb', '\t3 gb\n', '512 KiB',
      '1XB', '1', '', ' ', 'MB', '1.MB', '.5MB', '1e3B', '-1MB', '1M', '1 K B', '1TB', '1,5MB', '1MB!', '1 MB 2',
      true, null, [], {},
    ];
    const bytesPlugin = plugin('native-memory', 'bytes');
    for (const name of [...builtinProbes.map((probe) => probe.name), bytesPlugin.name]) {
      for (const threshold of values) {
        const raw = { probes: { [name]: { threshold } } };
        const { schema: errors, validator } = verdicts(raw, [bytesPlugin]);
        assert.equal(errors.length === 0, validator === undefined, `${show(raw)}: schema ${JSON.stringify(errors)}, resolveConfig ${validator?.message}`);
      }
    }
  });

  it("agree on every built-in probe's options", () => {
    const values: unknown[] = ['', 'x', 'adaptive', 'exact', 'Adaptive', 0, 1.5, true, false, null, {}, [], ['a'], ['exact'], [1], ['a', 2], [null]];
    for (const probe of builtinProbes) {
      for (const option of Object.keys(probe.options ?? {})) {
        for (const value of values) {
          const raw = { probes: { [probe.name]: { [option]: value } } };
          const { schema: errors, validator } = verdicts(raw);
          assert.equal(errors.length === 0, validator === undefined, `${show(raw)}: schema ${JSON.stringify(errors)}, resolveConfig ${validator?.message}`);
        }
      }
    }
  });

  it('allows plugin probes under any other name (which the plugins listed must define)', () => {
    const raw = { plugins: ['./probes/db-pool.js'], probes: { 'db-pool': { enabled: true, threshold: 2, maxIdle: 3 } } };
    assert.deepEqual(check(schema, raw), []);
    assert.equal(validatorError(raw, [plugin('db-pool')]), undefined);
    // The one thing the schema cannot know: which names the plugins define.
    assert.match(validatorError(raw)?.message ?? '', /unknown probe "db-pool"/);
    // Their common keys are still checked.
    assert.notDeepEqual(check(schema, { probes: { 'db-pool': { enabled: 'yes' } } }), []);
    assert.notDeepEqual(check(schema, { probes: { 'db-pool': 0 } }), []);
  });
});

describe('defineConfig', () => {
  it('types a config and returns it unchanged (npm run typecheck checks this file)', () => {
    const config: LeakguardConfig = defineConfig({
      $schema: './node_modules/leakguard/schema/leakguardrc.schema.json',
      mode: 'fail',
      report: { json: false },
      probes: {
        heap: { threshold: '2MiB', snapshots: 'auto' },
        fds: { threshold: 0, ignore: ['pipe:*'] },
        tmpdir: { enabled: false },
      },
      plugins: [],
      sampleTimeoutMs: 1000,
    });
    assert.equal(config.mode, 'fail');
    assert.deepEqual(check(schema, config), []);
    assert.equal(validatorError(config), undefined);

    // What the types reject (each line would also fail validation at run time).
    // @ts-expect-error: mode is 'warn' or 'fail'
    defineConfig({ mode: 'strict' });
    // @ts-expect-error: an unknown top-level key
    defineConfig({ mdoe: 'fail' });
    // @ts-expect-error: report.json is a path or false
    defineConfig({ report: { json: true } });
    // @ts-expect-error: a threshold is a number or a size string
    defineConfig({ probes: { heap: { threshold: true } } });
    // @ts-expect-error: plugins are module paths
    defineConfig({ plugins: './probes/db-pool.js' });
  });
});
