/**
 * Config through a real Mocha subprocess with the built plugin: every bad config stops the
 * run before any test with one line naming the file and the key, and a config is found
 * (and takes effect) in each supported place.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Fixture, inParallel, leakPairs, lines, type RunOptions, type RunResult } from '../helpers/fixture';

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

/** A plugin module that records each time its code runs, then throws. */
const THROWING_PLUGIN = `
require('node:fs').appendFileSync(require('node:path').join(__dirname, '..', 'plugin-loads.log'), 'load\\n');
throw new Error('boom at import');
`;

interface BadConfig {
  name: string;
  files: Record<string, string>;
  /** The file the message must name, as shown (relative to the working directory). */
  file: string;
  /** The key (or position) the message must name, and what it must say about it. */
  says: RegExp;
}

const json = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;

const BAD_CONFIGS: BadConfig[] = [
  {
    name: 'invalid JSON in .leakguardrc.json',
    files: { '.leakguardrc.json': '{\n  "mode": "warn",\n}\n' },
    file: '.leakguardrc.json',
    says: /JSON syntax error: .* at line 3, column 1$/,
  },
  {
    name: 'invalid YAML in .leakguardrc.yaml',
    files: { '.leakguardrc.yaml': 'mode: warn\nprobes:\n  heap: [1MB\n' },
    file: '.leakguardrc.yaml',
    says: /YAML syntax error: .+ \(line \d+, column \d+\)$/,
  },
  {
    name: 'an unknown top-level key, with the nearest key suggested',
    files: { '.leakguardrc.json': json({ mdoe: 'fail' }) },
    file: '.leakguardrc.json',
    says: /unknown key "mdoe" — did you mean "mode"\?$/,
  },
  {
    name: 'a wrong type (mode: 3)',
    files: { '.leakguardrc.yml': 'mode: 3\n' },
    file: '.leakguardrc.yml',
    says: /: mode: expected "warn" or "fail", got number 3$/,
  },
  {
    name: 'a negative threshold',
    files: { '.leakguardrc.json': json({ probes: { handles: { threshold: -1 } } }) },
    file: '.leakguardrc.json',
    says: /: probes\.handles\.threshold: .*-1/,
  },
  {
    name: 'a NaN-like string threshold',
    files: { '.leakguardrc.json': json({ probes: { heap: { threshold: 'NaN' } } }) },
    file: '.leakguardrc.json',
    says: /: probes\.heap\.threshold: .*"NaN"/,
  },
  {
    name: 'a unit-less string threshold ("100")',
    files: { '.leakguardrc.json': json({ probes: { heap: { threshold: '100' } } }) },
    file: '.leakguardrc.json',
    says: /: probes\.heap\.threshold: "100" has no unit/,
  },
  {
    name: 'a threshold with an unknown unit ("1XB")',
    files: { '.leakguardrc.json': json({ probes: { heap: { threshold: '1XB' } } }) },
    file: '.leakguardrc.json',
    says: /: probes\.heap\.threshold: "1XB": unknown unit "XB"/,
  },
  {
    name: 'an unknown probe name, with the nearest probe suggested',
    files: { '.leakguardrc.json': json({ probes: { handle: { enabled: false } } }) },
    file: '.leakguardrc.json',
    says: /: probes: unknown probe "handle" — did you mean "handles"\?/,
  },
  {
    name: 'a plugin module that does not exist',
    files: { '.leakguardrc.json': json({ plugins: ['./probes/missing.js'] }) },
    file: '.leakguardrc.json',
    says: /: plugins\[0\]: plugin "\.\/probes\/missing\.js": cannot find module/,
  },
  {
    name: 'a plugin that exports nothing usable',
    files: {
      '.leakguardrc.json': json({ plugins: ['./probes/empty.js'] }),
      'probes/empty.js': 'module.exports = {};\n',
    },
    file: '.leakguardrc.json',
    says: /: plugins\[0\]: plugin "\.\/probes\/empty\.js": exports no usable probe definition/,
  },
  {
    name: 'a plugin that throws at import',
    files: {
      '.leakguardrc.cjs': "module.exports = { plugins: ['./probes/throws.js'] };\n",
      'probes/throws.js': THROWING_PLUGIN,
    },
    file: '.leakguardrc.cjs',
    says: /: plugins\[0\]: plugin "\.\/probes\/throws\.js": threw while loading: Error: boom at import$/,
  },
  {
    name: 'package.json with "leakguard": "yes"',
    files: { 'package.json': json({ name: 'fixture', private: true, leakguard: 'yes' }) },
    file: 'package.json',
    says: /: leakguard: .*"leakguard" key must be an object, got string "yes"$/,
  },
];

/** Turns the interval leak off and asks for a report: both show that the config was used. */
const PLACED_CONFIG = { probes: { handles: { enabled: false } }, report: { json: 'reports/leakguard.json' } };
const PLACED_YAML = 'probes:\n  handles:\n    enabled: false\nreport:\n  json: reports/leakguard.json\n';
const PLACED_REPORT = 'reports/leakguard.json';

const LEAKY_SPEC = `
const fs = require('node:fs');
const leftovers = [];
after(() => {
  for (const release of leftovers) release();
});
describe('leaks', () => {
  it('leaves an interval running', () => {
    const timer = setInterval(() => {}, 1000);
    leftovers.push(() => clearInterval(timer));
  });
  it('leaves a file open', () => {
    const fd = fs.openSync(__filename, 'r');
    leftovers.push(() => fs.closeSync(fd));
  });
});
`;

const PLACES: { name: string; files: Record<string, string> }[] = [
  { name: 'the "leakguard" key of package.json', files: { 'package.json': json({ name: 'fixture', private: true, leakguard: PLACED_CONFIG }) } },
  { name: '.leakguardrc (YAML content)', files: { '.leakguardrc': PLACED_YAML } },
  { name: '.leakguardrc.yml', files: { '.leakguardrc.yml': PLACED_YAML } },
  { name: '.leakguardrc.cjs', files: { '.leakguardrc.cjs': `module.exports = ${JSON.stringify(PLACED_CONFIG)};\n` } },
  { name: 'leakguard.config.mjs', files: { 'leakguard.config.mjs': `export default ${JSON.stringify(PLACED_CONFIG)};\n` } },
];

interface Run {
  fixture: Fixture;
  result: RunResult;
}

describe('config through a real Mocha run', function () {
  this.timeout(120_000);
  const fixtures: Fixture[] = [];
  const bad = new Map<string, Run>();
  const placed = new Map<string, Run>();
  let baseline: Run;
  let fromSubdir: Run;
  let bounded: Run;

  const start = (files: Record<string, string>, args: string[], options?: RunOptions) => async (): Promise<Run> => {
    const fixture = new Fixture(files);
    fixtures.push(fixture);
    return { fixture, result: await fixture.run(args, options) };
  };

  before(async () => {
    const tasks: (() => Promise<void>)[] = [];
    for (const config of BAD_CONFIGS) {
      const run = start({ 'test/marker.spec.js': MARKER_SPEC, ...config.files }, ['test']);
      tasks.push(async () => void bad.set(config.name, await run()));
    }
    for (const place of PLACES) {
      const run = start({ 'test/leaks.spec.js': LEAKY_SPEC, ...place.files }, ['test'], { reportPath: PLACED_REPORT });
      tasks.push(async () => void placed.set(place.name, await run()));
    }
    const noConfig = start({ 'test/leaks.spec.js': LEAKY_SPEC }, ['test'], { reportPath: PLACED_REPORT });
    tasks.push(async () => void (baseline = await noConfig()));
    // Mocha started from test/, which has no package.json: the search goes up to the
    // project root, and report.json is relative to the config file, not to the cwd.
    const subdir = start(
      { 'test/leaks.spec.js': LEAKY_SPEC, '.leakguardrc.json': json(PLACED_CONFIG) },
      ['leaks.spec.js'],
      { cwd: 'test', reportPath: PLACED_REPORT },
    );
    tasks.push(async () => void (fromSubdir = await subdir()));
    // A nested project (its own package.json) is not guarded by its parent's config, even a
    // broken one: the search stops at the nearest package.json.
    const nested = start(
      {
        '.leakguardrc.json': '{ this is not JSON',
        'inner/package.json': json({ name: 'inner', private: true }),
        'inner/test/leaks.spec.js': LEAKY_SPEC,
      },
      ['test'],
      { cwd: 'inner', reportPath: 'inner/reports/leakguard.json' },
    );
    tasks.push(async () => void (bounded = await nested()));
    await inParallel(tasks, 3);
  });

  after(() => {
    for (const fixture of fixtures) fixture.remove();
  });

  describe('a bad config stops the run before any test', () => {
    for (const config of BAD_CONFIGS) {
      it(config.name, () => {
        const { fixture, result } = bad.get(config.name)!;
        const context = `exit ${result.code}\nstdout:\n${result.stdout}\nstderr:\n${result.stderr}`;
        assert.notEqual(result.code, 0, context);
        assert.equal(result.signal, null, context);
        // One line, and nothing else on stderr (no stack trace, no summary).
        const said = lines(result.stderr);
        assert.equal(said.length, 1, context);
        const [message] = said as [string];
        assert.ok(message.startsWith(`leakguard: invalid config in ${config.file}: `), context);
        assert.match(message, config.says, context);
        // No test ran, and Mocha printed no results.
        assert.doesNotMatch(result.stdout, /passing|failing|pending/, context);
        assert.equal(fixture.exists('test-ran.marker'), false, 'a test body ran');
      });
    }

    it('loads a plugin that throws only once', () => {
      const { fixture } = bad.get('a plugin that throws at import')!;
      assert.equal(fs.readFileSync(path.join(fixture.dir, 'plugin-loads.log'), 'utf8'), 'load\n');
    });
  });

  describe('a config is found in each supported place and takes effect', () => {
    it('without a config, the interval leak is reported and no JSON report is written', () => {
      const { fixture, result } = baseline;
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /2 passing/);
      assert.match(result.stderr, /leaks leaves an interval running/);
      assert.match(result.stderr, /leaks leaves a file open/);
      assert.equal(result.report, undefined);
      assert.equal(fixture.exists(PLACED_REPORT), false);
    });

    for (const place of PLACES) {
      it(`from ${place.name}`, () => {
        const { result } = placed.get(place.name)!;
        const context = `exit ${result.code}\nstdout:\n${result.stdout}\nstderr:\n${result.stderr}`;
        assert.equal(result.code, 0, context);
        assert.match(result.stdout, /2 passing/, context);
        assert.ok(result.report, `no report at ${PLACED_REPORT}\n${context}`);
        // handles is off: only the open file is reported, in the report and the summary.
        assert.deepEqual(leakPairs(result.report), ['fds: leaks leaves a file open']);
        assert.ok(!result.report.leaks.some((leak) => leak.probe === 'handles'));
        assert.match(result.stderr, /leaks leaves a file open/);
        assert.doesNotMatch(result.stderr, /leaves an interval running/);
      });
    }

    it('from the project root when Mocha runs in a subdirectory; report.json is relative to the config file', () => {
      const { fixture, result } = fromSubdir;
      const context = `exit ${result.code}\nstdout:\n${result.stdout}\nstderr:\n${result.stderr}`;
      assert.equal(result.code, 0, context);
      assert.ok(result.report, `no report at ${PLACED_REPORT}\n${context}`);
      assert.deepEqual(leakPairs(result.report), ['fds: leaks leaves a file open']);
      assert.equal(fixture.exists(path.join('test', PLACED_REPORT)), false, 'report written relative to the cwd');
    });

    it('not above the nearest package.json', () => {
      const { fixture, result } = bounded;
      const context = `exit ${result.code}\nstdout:\n${result.stdout}\nstderr:\n${result.stderr}`;
      assert.equal(result.code, 0, context);
      assert.match(result.stdout, /2 passing/, context);
      assert.doesNotMatch(result.stderr, /invalid config/, context);
      // Defaults: both leaks reported, no JSON report.
      assert.match(result.stderr, /leaks leaves an interval running/, context);
      assert.match(result.stderr, /leaks leaves a file open/, context);
      assert.equal(fixture.exists('inner/reports/leakguard.json'), false);
    });
  });
});
