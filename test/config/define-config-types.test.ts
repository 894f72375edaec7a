/**
 * defineConfig's types, as a user's project sees them: fixture files compiled by tsc
 * against the built package (dist/*.d.ts, found through node_modules/leakguard and the
 * package's "exports"), where each `// @ts-expect-error` line must be an error (tsc
 * reports an unused one) and everything else must compile. One fixture is generated from
 * the built-in probes' option specs, which validate.ts checks at run time, so that a spec
 * and its type cannot drift apart.
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { OptionSpec } from '../../src/core/probe';
import { builtinProbes } from '../../src/probes';
import { REPO } from '../helpers/fixture';

const TSC = path.join(REPO, 'node_modules', 'typescript', 'bin', 'tsc');

/** What a user writes; each expected error says why. */
const HANDWRITTEN = `
import { defineConfig, type LeakguardConfig } from 'leakguard';

export const full: LeakguardConfig = defineConfig({
  mode: 'fail',
  report: { json: 'leakguard-report.json', junit: 'reports/leakguard.xml' },
  probes: {
    heap: { threshold: '2MiB', readAfter: '4 MB', repeats: 1, snapshots: 'auto' },
    rss: { enabled: true, threshold: 1.5e9 },
    fds: { threshold: 0, ignore: ['pipe:*'] },
    tmpdir: { otherProcesses: true },
    children: { kill: false },
  },
});
defineConfig({ probes: { heap: { threshold: '512kib' } } });
defineConfig({ probes: { heap: { threshold: '1.5 GiB' } } });

// @ts-expect-error: a misspelt probe is not a plugin probe
defineConfig({ probes: { hep: { threshold: '2MiB' } } });
// @ts-expect-error: a misspelt option of a built-in probe
defineConfig({ probes: { heap: { snapshot: 'auto' } } });
// @ts-expect-error: XB is not a byte unit
defineConfig({ probes: { heap: { threshold: '2XB' } } });
// @ts-expect-error: a size needs a number
defineConfig({ probes: { heap: { readAfter: 'MiB' } } });
// @ts-expect-error: heap.snapshots is auto, always or never
defineConfig({ probes: { heap: { snapshots: 'sometimes' } } });
// @ts-expect-error: heap.mode is gone (memory is judged by site over the run)
defineConfig({ probes: { heap: { mode: 'exact' } } });
// @ts-expect-error: fds counts descriptors: no size
defineConfig({ probes: { fds: { threshold: '1MB' } } });
// @ts-expect-error: rss has no options
defineConfig({ probes: { rss: { ignore: [] } } });
// @ts-expect-error: children.kill is a boolean
defineConfig({ probes: { children: { kill: 'yes' } } });
// @ts-expect-error: report.junit is a path or false
defineConfig({ report: { junit: true } });

// A plugin probe is named for the config; unknown options: anything goes but enabled and threshold.
defineConfig<{ 'db-pool': unknown }>({ probes: { 'db-pool': { threshold: 2, maxIdle: 3, anything: ['x'] }, heap: { snapshots: 'auto' } } });
// @ts-expect-error: an undeclared plugin probe is indistinguishable from a misspelt one
defineConfig({ probes: { 'db-pool': { threshold: 2 } } });
// @ts-expect-error: enabled is a boolean for every probe
defineConfig<{ 'db-pool': unknown }>({ probes: { 'db-pool': { enabled: 'yes' } } });
// @ts-expect-error: the built-in probes stay checked beside a plugin
defineConfig<{ 'db-pool': unknown }>({ probes: { heap: { snapshot: 'auto' } } });

// Declared options are checked.
defineConfig<{ pool: { maxIdle?: number } }>({ probes: { pool: { maxIdle: 3, threshold: 1 } } });
// @ts-expect-error: a misspelt declared option
defineConfig<{ pool: { maxIdle?: number } }>({ probes: { pool: { maxIdel: 3 } } });
// @ts-expect-error: a declared option of the wrong type
defineConfig<{ pool: { maxIdle?: number } }>({ probes: { pool: { maxIdle: 'many' } } });

// ignoreCreatedBy: top level, for the probes that know where their items were created, and plugins.
defineConfig<{ pool: unknown }>({
  ignoreCreatedBy: ['**/node_modules/chokidar/**'],
  probes: { handles: { ignoreCreatedBy: ['test/helpers/**'] }, fds: { ignoreCreatedBy: [] }, pool: { ignoreCreatedBy: ['lib/pool.js'] } },
});
// @ts-expect-error: ignoreCreatedBy is a list of globs
defineConfig({ ignoreCreatedBy: 'test/helpers/**' });
// @ts-expect-error: the heap probe does not know where memory was created
defineConfig({ probes: { heap: { ignoreCreatedBy: ['lib/**'] } } });
`;

/**
 * A test file that imports nothing: \`this.leakguard\` on Mocha's context comes from the
 * package's declarations, through the reference. Compiled on its own (see before()), so
 * that no other fixture's import brings them in.
 */
const TEST_CONTEXT = `
/// <reference types="leakguard" />
describe('pool', function () {
  before(function () {
    this.leakguard?.allow('handles', 'one pool for the suite, closed in after()');
  });
  it('allows', function () {
    this.leakguard?.allow(['handles', 'fds']);
    this.leakguard?.allow('db-pool');
    // @ts-expect-error: the reason is a string
    this.leakguard?.allow('handles', 3);
    // @ts-expect-error: probe names are strings
    this.leakguard?.allow(1);
    // @ts-expect-error: leakguard may be absent (a run without it): optional
    this.leakguard.allow('handles');
  });
});
`;

/** A plugin's typings (or the project) declaring its probe for every config. */
const AUGMENTED = `
import { defineConfig } from 'leakguard';

declare module 'leakguard' {
  interface PluginProbes {
    'augmented-probe': { window?: number };
  }
}

defineConfig({ probes: { 'augmented-probe': { window: 3, enabled: false } } });
// @ts-expect-error: its options are checked
defineConfig({ probes: { 'augmented-probe': { window: '3' } } });
`;

/** A value of the spec's type that validation accepts. */
function validValue(spec: OptionSpec): string {
  switch (spec.type) {
    case 'string':
      return JSON.stringify(spec.enum?.[0] ?? 'some text');
    case 'number':
      return '1';
    case 'boolean':
      return 'true';
    case 'string[]':
      return JSON.stringify(spec.enum ? [spec.enum[0]] : ['x*']);
    case 'size':
      return "'1MiB'";
  }
}

/** Every option of every built-in probe, valid; what the spec forbids, expected errors. */
function fromSpecs(): string {
  const lines = ["import { defineConfig } from 'leakguard';", ''];
  for (const probe of builtinProbes) {
    const options = Object.entries(probe.options ?? {}).map(([name, spec]) => `${name}: ${validValue(spec)}`);
    lines.push(`defineConfig({ probes: { ${probe.name}: { enabled: true, threshold: 0${options.map((option) => `, ${option}`).join('')} } } });`);
    if (probe.unit === 'bytes') lines.push(`defineConfig({ probes: { ${probe.name}: { threshold: '1MB' } } });`);
    else lines.push(`// @ts-expect-error: ${probe.name} counts`, `defineConfig({ probes: { ${probe.name}: { threshold: '1MB' } } });`);
    lines.push(`// @ts-expect-error: no such option`, `defineConfig({ probes: { ${probe.name}: { notAnOption: 1 } } });`);
    for (const [name, spec] of Object.entries(probe.options ?? {})) {
      const wrong = spec.type === 'boolean' || spec.type === 'number' ? "'x'" : spec.enum ? "'not-one-of-them'" : spec.type === 'size' ? "'4 parsecs'" : '42';
      lines.push(`// @ts-expect-error: ${probe.name}.${name} is ${spec.type}`, `defineConfig({ probes: { ${probe.name}: { ${name}: ${spec.type === 'string[]' && spec.enum ? `[${wrong}]` : wrong} } } });`);
    }
  }
  return `${lines.join('\n')}\n`;
}

describe('defineConfig types (tsc on fixture files, against the built package)', function () {
  this.timeout(120_000);
  let dir: string;

  before(() => {
    assert.ok(fs.existsSync(path.join(REPO, 'dist', 'index.d.ts')), 'dist/index.d.ts is missing: run npm run build');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'leakguard-types-'));
    fs.mkdirSync(path.join(dir, 'node_modules'));
    fs.symlinkSync(REPO, path.join(dir, 'node_modules', 'leakguard'), 'dir');
    fs.writeFileSync(path.join(dir, 'handwritten.ts'), HANDWRITTEN);
    fs.writeFileSync(path.join(dir, 'augmented.ts'), AUGMENTED);
    fs.writeFileSync(path.join(dir, 'from-specs.ts'), fromSpecs());
    fs.writeFileSync(path.join(dir, 'test-context.ts'), TEST_CONTEXT);
    const compilerOptions = {
      strict: true,
      noEmit: true,
      target: 'ES2022',
      module: 'Node16',
      moduleResolution: 'Node16',
      types: ['node'],
      typeRoots: [path.join(REPO, 'node_modules', '@types')],
      skipLibCheck: true,
    };
    fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions, files: ['handwritten.ts', 'augmented.ts', 'from-specs.ts'] }));
    fs.writeFileSync(
      path.join(dir, 'tsconfig.context.json'),
      JSON.stringify({ compilerOptions: { ...compilerOptions, types: ['node', 'mocha'] }, files: ['test-context.ts'] }),
    );
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('accepts every valid config and rejects each expected error, no more, no fewer', () => {
    const result = spawnSync(process.execPath, [TSC, '-p', path.join(dir, 'tsconfig.json'), '--pretty', 'false'], { encoding: 'utf8' });
    assert.equal(`${result.stdout}${result.stderr}`, '');
    assert.equal(result.status, 0);
  });

  it('gives this.leakguard to Mocha\'s test context, through /// <reference types="leakguard" />', () => {
    const result = spawnSync(process.execPath, [TSC, '-p', path.join(dir, 'tsconfig.context.json'), '--pretty', 'false'], { encoding: 'utf8' });
    assert.equal(`${result.stdout}${result.stderr}`, '');
    assert.equal(result.status, 0);
  });

  it('has something to check: the generated fixture covers every option of every built-in probe', () => {
    const generated = fs.readFileSync(path.join(dir, 'from-specs.ts'), 'utf8');
    for (const probe of builtinProbes) {
      for (const name of Object.keys(probe.options ?? {})) assert.ok(generated.includes(`${probe.name}: { ${name}: `), `${probe.name}.${name}`);
    }
    assert.ok((generated.match(/@ts-expect-error/g) ?? []).length >= builtinProbes.length * 2);
  });
});
