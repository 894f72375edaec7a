/**
 * Configs that used to end a run in silence, with a stack trace, by running code, or only
 * after every test: each now stops the run before any test, exit code 1, with one line on
 * stderr naming the file. Real Mocha subprocesses with the built plugin.
 */
import { strict as assert } from 'node:assert';
import { Fixture, inParallel, lines, type RunResult } from '../helpers/fixture';

/** A spec whose test writes a marker file: the marker exists only if a test body ran. */
const MARKER_SPEC = `
const fs = require('node:fs');
const path = require('node:path');
describe('guarded suite', () => {
  it('runs its body', () => {
    fs.writeFileSync(path.join(__dirname, '..', 'test-ran.marker'), 'ran');
  });
});
`;

/** A JavaScript file that says when it runs: `$import` must never run it. */
const IMPORTED_CODE = `
require('node:fs').writeFileSync(require('node:path').join(__dirname, 'imported-code-ran.marker'), 'ran');
module.exports = { mode: 'fail' };
`;

const json = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;

/** A plugin module throwing `thrown` (JavaScript source) when it loads. */
const throwingPlugin = (thrown: string): Record<string, string> => ({
  '.leakguardrc.json': json({ plugins: ['./probes/throws.js'] }),
  'probes/throws.js': `throw ${thrown};\n`,
});

const countProbe = (extra: string): string =>
  `module.exports = { name: 'custom', unit: 'count', defaultThreshold: 0, ${extra} create: () => ({ sample: () => 0 }) };\n`;

interface FaultyConfig {
  name: string;
  files: Record<string, string>;
  /** The file the line must name, as shown. */
  file: string;
  says: RegExp;
  /** Also true after the run. */
  check?: (fixture: Fixture) => void;
}

const CASES: FaultyConfig[] = [
  {
    name: 'an ES module config whose default export never settles',
    files: { 'leakguard.config.mjs': 'export default new Promise(() => {});\n' },
    file: 'leakguard.config.mjs',
    says: /: did not finish loading within 10 s \(a top-level await, or a default export, that never settles\)$/,
  },
  {
    name: 'an ES module config whose top-level await never settles',
    files: { 'leakguard.config.mjs': 'await new Promise(() => {});\nexport default {};\n' },
    file: 'leakguard.config.mjs',
    says: /: did not finish loading within 10 s/,
  },
  {
    name: 'an empty .leakguardrc.json',
    files: { '.leakguardrc.json': '\n' },
    file: '.leakguardrc.json',
    says: /: empty config file: write \{\} for the defaults, or remove the file$/,
  },
  {
    name: 'a JS config that throws a string',
    files: { 'leakguard.config.js': 'throw "no database URL";\n' },
    file: 'leakguard.config.js',
    says: /: failed to load: no database URL$/,
  },
  {
    name: 'a JS config that throws undefined',
    files: { 'leakguard.config.js': 'throw undefined;\n' },
    file: 'leakguard.config.js',
    says: /: failed to load: undefined$/,
  },
  {
    name: 'a JS config that throws an object without a prototype',
    files: { 'leakguard.config.js': 'throw Object.create(null);\n' },
    file: 'leakguard.config.js',
    says: /: failed to load: a thrown object \{\}$/,
  },
  {
    name: 'a plugin that throws a string',
    files: throwingPlugin('"REDIS_URL is not set"'),
    file: '.leakguardrc.json',
    says: /: plugins\[0\]: plugin "\.\/probes\/throws\.js": threw while loading: REDIS_URL is not set$/,
  },
  {
    name: 'a plugin that throws an object without a prototype',
    files: throwingPlugin('Object.create(null)'),
    file: '.leakguardrc.json',
    says: /: plugins\[0\]: plugin "\.\/probes\/throws\.js": threw while loading: a thrown object \{\}$/,
  },
  {
    name: '$import in a JSON config',
    files: { '.leakguardrc.json': json({ $import: './base.js' }), 'base.js': IMPORTED_CODE },
    file: '.leakguardrc.json',
    says: /: \$import: "\$import" is not supported: a config file never loads other files/,
    check: (fixture) => assert.equal(fixture.exists('imported-code-ran.marker'), false, '$import ran a JavaScript file'),
  },
  {
    name: '$import in a YAML config',
    files: { '.leakguardrc.yaml': '$import: ./base.js\n', 'base.js': IMPORTED_CODE },
    file: '.leakguardrc.yaml',
    says: /: \$import: "\$import" is not supported/,
    check: (fixture) => assert.equal(fixture.exists('imported-code-ran.marker'), false, '$import ran a JavaScript file'),
  },
  {
    name: '$import under the "leakguard" key of package.json',
    files: { 'package.json': json({ name: 'fixture', private: true, leakguard: { $import: './base.js' } }), 'base.js': IMPORTED_CODE },
    file: 'package.json',
    says: /: \$import: "\$import" is not supported/,
    check: (fixture) => assert.equal(fixture.exists('imported-code-ran.marker'), false, '$import ran a JavaScript file'),
  },
  {
    name: 'a plugin probe with settle: "yes"',
    files: { '.leakguardrc.json': json({ plugins: ['./probes/custom.js'] }), 'probes/custom.js': countProbe('settle: "yes",') },
    file: '.leakguardrc.json',
    says: /: plugins\[0\]: .*probe "custom": "settle" must be true, false or \{ attempts, maxWaitMs \} .*got string "yes"$/,
  },
  {
    name: 'a plugin probe whose hint is a number',
    files: { '.leakguardrc.json': json({ plugins: ['./probes/custom.js'] }), 'probes/custom.js': countProbe('hint: 42,') },
    file: '.leakguardrc.json',
    says: /: plugins\[0\]: .*probe "custom": "hint" must be a string or a function of the leaked item, got number 42$/,
  },
  {
    name: 'sampleTimeoutMs: 3e9 (a timer Node would run after 1 ms)',
    files: { '.leakguardrc.json': json({ sampleTimeoutMs: 3e9 }) },
    file: '.leakguardrc.json',
    says: /: sampleTimeoutMs: expected a number of milliseconds above 0 and at most 60000, got number 3000000000$/,
  },
  {
    name: 'a report path under a regular file',
    files: { '.leakguardrc.json': json({ report: { json: 'not-a-dir/report.json' } }), 'not-a-dir': 'a file\n' },
    file: '.leakguardrc.json',
    says: /: report\.json: cannot write the JSON report to .*not-a-dir\/report\.json: (ENOTDIR|EEXIST) /,
  },
  {
    name: 'a report path that is a directory',
    files: { '.leakguardrc.json': json({ report: { json: 'reports' } }), 'reports/.keep': '' },
    file: '.leakguardrc.json',
    says: /: report\.json: cannot write the JSON report to .*reports: it is a directory$/,
  },
];

describe('config faults stop the run before any test with one line', function () {
  this.timeout(180_000);
  const fixtures: Fixture[] = [];
  const runs = new Map<string, { fixture: Fixture; result: RunResult }>();

  before(async () => {
    await inParallel(
      CASES.map((faulty) => async () => {
        const fixture = new Fixture({ 'test/marker.spec.js': MARKER_SPEC, ...faulty.files });
        fixtures.push(fixture);
        runs.set(faulty.name, { fixture, result: await fixture.run(['test'], { timeoutMs: 120_000 }) });
      }),
      3,
    );
  });

  after(() => fixtures.forEach((fixture) => fixture.remove()));

  for (const faulty of CASES) {
    it(faulty.name, () => {
      const { fixture, result } = runs.get(faulty.name)!;
      const context = `exit ${result.code} signal ${result.signal}\nstdout:\n${result.stdout}\nstderr:\n${result.stderr}`;
      assert.equal(result.signal, null, context);
      assert.equal(result.code, 1, context);
      // One line, and nothing else on stderr (no stack trace, no summary).
      const said = lines(result.stderr);
      assert.equal(said.length, 1, context);
      assert.ok(said[0]!.startsWith(`leakguard: invalid config in ${faulty.file}: `), context);
      assert.match(said[0]!, faulty.says, context);
      assert.doesNotMatch(result.stdout, /passing|failing|pending/, context);
      assert.equal(fixture.exists('test-ran.marker'), false, 'a test body ran');
      faulty.check?.(fixture);
    });
  }
});
