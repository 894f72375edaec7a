import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { inspect } from 'node:util';
import { ConfigError, readPluginPaths, resolveConfig } from '../../src/config';
import type { ProbeDefinition } from '../../src/core/probe';
import { builtinProbes, heapProbe, rssProbe } from '../../src/probes';
import { syncConfigError } from './fixtures';

const rootDir = path.join(path.parse(process.cwd()).root, 'project');
const source = { filepath: path.join(rootDir, '.leakguardrc.json'), rootDir };

/** A plugin probe for these tests. */
function plugin(name: string, extra: Partial<ProbeDefinition> = {}): ProbeDefinition {
  return { name, unit: 'count', defaultThreshold: 0, create: () => ({ sample: () => 0 }), ...extra };
}

const defaultProbeNames = builtinProbes.filter((probe) => probe.enabledByDefault !== false).map((probe) => probe.name);

function names(raw: unknown, plugins: ProbeDefinition[] = []): string[] {
  return resolveConfig(raw, source, plugins).probes.map((probe) => probe.definition.name);
}

/** The error `raw` gets, checked to point at `key` in the source file. */
function errorFor(raw: unknown, key: string | undefined, plugins: ProbeDefinition[] = []): ConfigError {
  const error = syncConfigError(() => resolveConfig(raw, source, plugins));
  assert.equal(error.filepath, source.filepath);
  assert.equal(error.key, key);
  assert.ok(error.message.startsWith(`leakguard: invalid config in ${source.filepath}: `), error.message);
  assert.doesNotMatch(error.message, /\n/);
  return error;
}

describe('config: resolveConfig', () => {
  it('fills in defaults for an empty config', () => {
    for (const raw of [undefined, null, {}]) {
      const config = resolveConfig(raw, source, []);
      assert.equal(config.filepath, source.filepath);
      assert.equal(config.rootDir, rootDir);
      assert.equal(config.mode, 'warn');
      assert.equal(config.reportJson, undefined);
      assert.equal(config.sampleTimeoutMs, 500);
      assert.deepEqual(config.probes.map((probe) => probe.definition.name), defaultProbeNames);
    }
  });

  it('gives each probe its default threshold and option defaults', () => {
    const heap = resolveConfig({}, source, []).probes.find((probe) => probe.definition === heapProbe);
    assert.ok(heap);
    assert.equal(heap.threshold, heapProbe.defaultThreshold);
    assert.deepEqual(heap.options, { repeats: 1, readAfter: '4MiB', snapshots: 'never' });
  });

  it('reads a full config', () => {
    const config = resolveConfig(
      {
        $schema: './node_modules/leakguard/schema.json',
        mode: 'fail',
        report: { json: 'out/leaks.json' },
        sampleTimeoutMs: 1000,
        plugins: ['./probes/db.js'],
        probes: {
          heap: { threshold: '2MB', snapshots: 'auto' },
          rss: { enabled: true, threshold: 64 * 1024 * 1024 },
          'db-pool': { threshold: 2 },
        },
      },
      source,
      [plugin('db-pool')],
    );
    assert.equal(config.mode, 'fail');
    assert.equal(config.reportJson, path.join(rootDir, 'out', 'leaks.json'));
    assert.equal(config.sampleTimeoutMs, 1000);
    const byName = new Map(config.probes.map((probe) => [probe.definition.name, probe]));
    assert.equal(byName.get('heap')?.threshold, 2_000_000);
    assert.deepEqual(byName.get('heap')?.options, { repeats: 1, readAfter: '4MiB', snapshots: 'auto' });
    assert.equal(byName.get('rss')?.threshold, 64 * 1024 * 1024);
    assert.equal(byName.get('db-pool')?.threshold, 2);
  });

  it('orders probes: built-ins in registry order, then plugins in config order', () => {
    const raw = { probes: { rss: { enabled: true } } };
    const expected = builtinProbes
      .filter((probe) => probe.enabledByDefault !== false || probe === rssProbe)
      .map((probe) => probe.name);
    assert.deepEqual(names(raw, [plugin('zeta'), plugin('alpha')]), [...expected, 'zeta', 'alpha']);
  });

  it('switches probes on and off', () => {
    assert.ok(!names({ probes: { heap: { enabled: false } } }).includes('heap'));
    assert.ok(!names({}).includes('rss'), 'rss is off by default');
    assert.ok(names({ probes: { rss: { enabled: true } } }).includes('rss'));
    const lazy = plugin('lazy', { enabledByDefault: false });
    assert.ok(!names({}, [lazy]).includes('lazy'));
    assert.ok(names({ probes: { lazy: { enabled: true } } }, [lazy]).includes('lazy'));
  });

  it('resolves report.json against rootDir; false means none', () => {
    assert.equal(resolveConfig({ report: { json: 'a.json' } }, source, []).reportJson, path.join(rootDir, 'a.json'));
    const absolute = path.join(rootDir, 'elsewhere', 'b.json');
    assert.equal(resolveConfig({ report: { json: absolute } }, source, []).reportJson, absolute);
    assert.equal(resolveConfig({ report: { json: false } }, source, []).reportJson, undefined);
    assert.equal(resolveConfig({ report: {} }, source, []).reportJson, undefined);
  });

  it('failAt defaults to "test"; baseline resolves against rootDir, false or absent means none', () => {
    assert.equal(resolveConfig({}, source, []).failAt, 'test');
    assert.equal(resolveConfig({ failAt: 'end' }, source, []).failAt, 'end');
    assert.equal(resolveConfig({ baseline: 'known.json' }, source, []).baseline, path.join(rootDir, 'known.json'));
    assert.equal(resolveConfig({ baseline: false }, source, []).baseline, undefined);
    assert.equal(resolveConfig({}, source, []).baseline, undefined);
    // resolveConfig reads no files: the baseline's entries are loadConfig's job.
    assert.deepEqual(resolveConfig({ baseline: 'known.json' }, source, []).knownLeaks, []);
  });

  describe('unknown keys', () => {
    it('at the top level, suggesting the nearest valid key', () => {
      const error = errorFor({ mdoe: 'fail' }, 'mdoe');
      assert.equal(error.message, `leakguard: invalid config in ${source.filepath}: unknown key "mdoe" — did you mean "mode"?`);
      assert.match(errorFor({ sampleTimeout: 100 }, 'sampleTimeout').message, /did you mean "sampleTimeoutMs"\?$/);
      assert.match(errorFor({ Plugins: [] }, 'Plugins').message, /did you mean "plugins"\?$/);
    });

    it('with nothing near, listing the allowed keys', () => {
      const error = errorFor({ verbose: true }, 'verbose');
      assert.match(error.message, /unknown key "verbose" \(allowed: \$schema, mode, failAt, baseline, report, probes, plugins, sampleTimeoutMs, ignoreCreatedBy\)$/);
    });

    it('under report', () => {
      const error = errorFor({ report: { jsn: 'x.json' } }, 'report.jsn');
      assert.match(error.message, /: report: unknown key "jsn" — did you mean "json"\?$/);
    });

    it('in a probe entry, among enabled, threshold and its options', () => {
      const error = errorFor({ probes: { heap: { snapshot: 'auto' } } }, 'probes.heap.snapshot');
      assert.match(error.message, /: probes\.heap: unknown key "snapshot" — did you mean "snapshots"\?$/);
      assert.match(errorFor({ probes: { heap: { treshold: 1 } } }, 'probes.heap.treshold').message, /did you mean "threshold"\?$/);
      // rss declares no options, so only enabled and threshold are allowed.
      const rss = errorFor({ probes: { rss: { interval: 5 } } }, 'probes.rss.interval');
      assert.match(rss.message, /unknown key "interval" \(allowed: enabled, threshold\)$/);
    });
  });

  describe('unknown probe names', () => {
    it('suggests the nearest probe and lists the available ones', () => {
      const error = errorFor({ probes: { hep: {} } }, 'probes.hep', [plugin('db-pool')]);
      assert.match(error.message, /: probes: unknown probe "hep" — did you mean "heap"\?/);
      assert.match(error.message, new RegExp(`\\(available probes: ${[...builtinProbes.map((p) => p.name), 'db-pool'].join(', ')}\\)$`));
    });

    it('suggests plugin probe names too', () => {
      const error = errorFor({ probes: { 'db-pol': {} } }, 'probes.db-pol', [plugin('db-pool')]);
      assert.match(error.message, /did you mean "db-pool"\?/);
    });
  });

  describe('wrong types, naming the expected type and what was given', () => {
    const cases: Array<[raw: unknown, key: string | undefined, message: RegExp]> = [
      [{ mode: 'loud' }, 'mode', /mode: expected "warn" or "fail", got string "loud"$/],
      [{ mode: true }, 'mode', /mode: expected "warn" or "fail", got boolean true$/],
      [{ failAt: 'tset' }, 'failAt', /failAt: expected "test" or "end", got string "tset" — did you mean "test"\?$/],
      [{ failAt: 1 }, 'failAt', /failAt: expected "test" or "end", got number 1$/],
      [{ baseline: true }, 'baseline', /baseline: expected a file path \(string\) or false, got boolean true$/],
      [{ $schema: 1 }, '$schema', /\$schema: expected a string, got number 1$/],
      [{ sampleTimeoutMs: -1 }, 'sampleTimeoutMs', /sampleTimeoutMs: expected a number of milliseconds above 0 and at most 60000, got number -1$/],
      // Node would run a timer this long after 1 ms (above 2^31-1 ms): every probe would time out at once.
      [{ sampleTimeoutMs: 3e9 }, 'sampleTimeoutMs', /at most 60000, got number 3000000000$/],
      [{ sampleTimeoutMs: 60_001 }, 'sampleTimeoutMs', /got number 60001$/],
      [{ sampleTimeoutMs: 0 }, 'sampleTimeoutMs', /got number 0$/],
      [{ sampleTimeoutMs: Number.NaN }, 'sampleTimeoutMs', /got number NaN$/],
      [{ sampleTimeoutMs: Number.POSITIVE_INFINITY }, 'sampleTimeoutMs', /got number Infinity$/],
      [{ sampleTimeoutMs: '500' }, 'sampleTimeoutMs', /got string "500"$/],
      [{ report: 'leaks.json' }, 'report', /report: expected an object like .*, got string "leaks\.json"$/],
      [{ report: { json: true } }, 'report.json', /report\.json: expected a file path \(string\) or false, got boolean true$/],
      [{ report: { json: '' } }, 'report.json', /got string ""$/],
      [{ plugins: './probe.js' }, 'plugins', /plugins: expected an array of module paths, got string "\.\/probe\.js"$/],
      [{ plugins: ['./a.js', 3] }, 'plugins[1]', /plugins\[1\]: expected a module path \(string\), got number 3$/],
      [{ probes: [] }, 'probes', /probes: expected an object keyed by probe name, got an array$/],
      [{ probes: { heap: false } }, 'probes.heap', /probes\.heap: expected an object like .*, got boolean false$/],
      [{ probes: { heap: { enabled: 'yes' } } }, 'probes.heap.enabled', /probes\.heap\.enabled: expected true or false, got string "yes"$/],
      [{ probes: { heap: { snapshots: 'sometimes' } } }, 'probes.heap.snapshots', /probes\.heap\.snapshots: expected one of "auto", "always", "never", got string "sometimes"$/],
      [{ probes: { heap: { snapshots: 'alwyas' } } }, 'probes.heap.snapshots', /got string "alwyas" — did you mean "always"\?$/],
      [{ probes: { heap: { snapshots: 1 } } }, 'probes.heap.snapshots', /probes\.heap\.snapshots: expected a string, got number 1$/],
      [{ probes: { heap: { readAfter: '4XB' } } }, 'probes.heap.readAfter', /probes\.heap\.readAfter: .*XB/],
      [{ probes: { heap: { mode: 'exact' } } }, 'probes.heap.mode', /probes\.heap: unknown key "mode"/],
      [42, undefined, /: the config must be an object, got number 42$/],
    ];
    for (const [raw, key, message] of cases) {
      it(inspect(raw, { breakLength: Infinity }), () => {
        assert.match(errorFor(raw, key).message, message);
      });
    }
  });

  describe('thresholds', () => {
    const cases: Array<[threshold: unknown, message: RegExp]> = [
      [-1, /probes\.heap\.threshold: must be a finite number >= 0, got -1$/],
      [Number.NaN, /probes\.heap\.threshold: must be a finite number >= 0, got NaN$/],
      ['100', /probes\.heap\.threshold: "100" has no unit: write a number \(bytes\) or a size like "1MB"$/],
      ['1XB', /probes\.heap\.threshold: "1XB": unknown unit "XB" \(use one of B, KB, MB, GB, KiB, MiB, GiB\)$/],
      ['lots', /probes\.heap\.threshold: "lots" is not a size/],
      [true, /probes\.heap\.threshold: must be a number or a string with a unit, got boolean true$/],
    ];
    for (const [threshold, message] of cases) {
      it(`rejects ${inspect(threshold)}`, () => {
        assert.match(errorFor({ probes: { heap: { threshold } } }, 'probes.heap.threshold').message, message);
      });
    }

    it('rejects a size for a probe that counts', () => {
      const error = errorFor({ probes: { 'db-pool': { threshold: '1MB' } } }, 'probes.db-pool.threshold', [plugin('db-pool')]);
      assert.match(error.message, /"1MB" is a size, but this probe counts things/);
    });

    it('checks the threshold of a probe that is switched off', () => {
      errorFor({ probes: { rss: { enabled: false, threshold: '1XB' } } }, 'probes.rss.threshold');
    });

    it('accepts sizes with SI and IEC units and plain numbers', () => {
      const threshold = (value: unknown): number | undefined =>
        resolveConfig({ probes: { heap: { threshold: value } } }, source, []).probes.find((p) => p.definition === heapProbe)
          ?.threshold;
      assert.equal(threshold('512KiB'), 512 * 1024);
      assert.equal(threshold('1.5 MB'), 1_500_000);
      assert.equal(threshold(0), 0);
    });
  });

  describe('plugin probe options', () => {
    it('passes any keys through when the plugin declares no options', () => {
      const config = resolveConfig({ probes: { 'db-pool': { enabled: true, pool: 'main', max: 3 } } }, source, [plugin('db-pool')]);
      const probe = config.probes.find((item) => item.definition.name === 'db-pool');
      assert.deepEqual(probe?.options, { pool: 'main', max: 3 });
    });

    it('checks declared options and fills in their defaults', () => {
      const watched = plugin('watched', {
        options: {
          dirs: { type: 'string[]', description: 'directories', default: ['tmp'] },
          depth: { type: 'number', description: 'how deep', default: 2 },
          follow: { type: 'boolean', description: 'follow links' },
          kind: { type: 'string', enum: ['file', 'dir'], description: 'what to count' },
        },
      });
      const options = (raw: unknown): Record<string, unknown> | undefined =>
        resolveConfig({ probes: { watched: raw } }, source, [watched]).probes.find((p) => p.definition === watched)?.options;
      assert.deepEqual(options({}), { dirs: ['tmp'], depth: 2 });
      assert.deepEqual(options({ dirs: ['a', 'b'], follow: true, kind: 'dir' }), { dirs: ['a', 'b'], depth: 2, follow: true, kind: 'dir' });

      const fails = (raw: unknown, key: string, message: RegExp): void => {
        assert.match(errorFor({ probes: { watched: raw } }, key, [watched]).message, message);
      };
      fails({ dirs: 'tmp' }, 'probes.watched.dirs', /expected an array of strings, got string "tmp"$/);
      fails({ dirs: ['a', 1] }, 'probes.watched.dirs', /expected an array of strings, but item 1 is number 1$/);
      fails({ depth: '2' }, 'probes.watched.depth', /expected a number, got string "2"$/);
      fails({ follow: 1 }, 'probes.watched.follow', /expected true or false, got number 1$/);
      fails({ kind: 'link' }, 'probes.watched.kind', /expected one of "file", "dir", got string "link"$/);
      fails({ dpeth: 3 }, 'probes.watched.dpeth', /unknown key "dpeth" — did you mean "depth"\?$/);
    });
  });

  it('rejects two probes with one name (when plugins were not loaded by loadPlugins)', () => {
    errorFor({}, 'plugins', [plugin('heap')]);
  });

  it('readPluginPaths checks and returns the plugin list', () => {
    assert.deepEqual(readPluginPaths({ plugins: ['./a.js', 'pkg'] }, source), ['./a.js', 'pkg']);
    assert.deepEqual(readPluginPaths(undefined, source), []);
    assert.throws(() => readPluginPaths({ plugins: [1] }, source), ConfigError);
  });
});

describe('config: ConfigError', () => {
  it('shows the file relative to the working directory when it is under it', () => {
    const error = new ConfigError('expected "warn" or "fail", got string "x"', {
      filepath: path.join(process.cwd(), 'sub', '.leakguardrc.json'),
      key: 'mode',
    });
    assert.equal(
      error.message,
      `leakguard: invalid config in ${path.join('sub', '.leakguardrc.json')}: mode: expected "warn" or "fail", got string "x"`,
    );
    assert.equal(error.name, 'ConfigError');
    assert.equal(error.key, 'mode');
    assert.equal(error.detail, 'expected "warn" or "fail", got string "x"');
  });

  it('stays on one line', () => {
    const error = new ConfigError('first\n  second\nthird', {});
    assert.equal(error.message, 'leakguard: invalid config: first second third');
  });
});
