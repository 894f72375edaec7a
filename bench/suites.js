'use strict';
/**
 * The synthetic suites: each is a directory with its own package.json (leakguard's config
 * search stops there), a `.leakguardrc.json` for the default runs, `<design>.leakguardrc.json`
 * for the other leakguard designs (picked with LEAKGUARD_CONFIG), a fixture module and tests.
 */
const fs = require('node:fs');
const path = require('node:path');

/**
 * Configs besides the default: the exact GC policy, and all or all but one of `probes`
 * (leakguard's default probes) off, to attribute its cost.
 */
function designConfigs(probes) {
  const only = (on) => ({ probes: Object.fromEntries(probes.map((name) => [name, { enabled: on.includes(name) }])) });
  const configs = { 'hooks-only': only([]) };
  for (const name of probes) configs[`only-${name}`] = only([name]);
  return configs;
}

/** One `{ id, name, tags }` object costs ~146 bytes of live heap on Node 20 (x64, measured). */
const BYTES_PER_OBJECT = 146;

/** Tests (1-based, across the suite) that leak 2 MB into a module-level array, and that leave an interval. */
const isHeapLeak = (n) => n % 100 === 37;
const isIntervalLeak = (n) => n % 100 === 73;

/** Positions at which the soak suite records memory. */
const SOAK_POINTS = [1000, 20000];

const SUITES = {
  'small-heap': { files: 20, perFile: 100, retainMb: 30, body: 'trivial' },
  'large-heap': { files: 6, perFile: 100, retainMb: 250, body: 'trivial' },
  'async-io': { files: 4, perFile: 100, retainMb: 0, body: 'io' },
  leaky: { files: 20, perFile: 100, retainMb: 30, body: 'leaky' },
  // Every test keeps ~2 MB (a rendered response, say) in a module-level array, from one
  // helper: the suite the memory lane exists for. Its cost must not grow with the leaks.
  'keeps-5x20': { files: 5, perFile: 20, retainMb: 0, body: 'keeps' },
  // A heap that grows to ~800 MB: a plain run takes tens of seconds, so it gets 3 rounds.
  'keeps-10x40': { files: 10, perFile: 40, retainMb: 0, body: 'keeps', rounds: 3 },
  soak: { files: 20, perFile: 1000, retainMb: 0, body: 'soak' },
};

function fixtureSource(retainMb) {
  const count = Math.round((retainMb * 1024 * 1024) / BYTES_PER_OBJECT);
  return `'use strict';
// Keeps ~${retainMb} MB of small objects alive for the whole run, like a large app's loaded state.
const retained = [];
for (let i = 0; i < ${count}; i++) retained.push({ id: i, name: 'item' + i, tags: [i & 7] });
exports.retained = retained;
// Leaked by the leaky suite; the intervals are cleared by the root after() so Mocha can exit.
exports.leaked = [];
exports.intervals = [];
// The keeps suites: each test keeps what render() allocates, ~2 MB of objects and strings.
exports.render = (n) => Array.from({ length: 20000 }, (_, i) => ({ n, i, html: '<li>item ' + i + '</li>' }));
`;
}

/** The body of test number `n` (1-based across the suite), by kind. */
const BODIES = {
  trivial: () => `assert.strictEqual(fixture.retained.length >= 0, true);`,
  leaky: (n) => {
    if (isHeapLeak(n)) return `fixture.leaked.push(new Array(262144).fill(${n})); // 2 MiB of element slots`;
    if (isIntervalLeak(n)) return `fixture.intervals.push(setInterval(() => {}, 60000));`;
    return BODIES.trivial();
  },
  soak: (n) => (SOAK_POINTS.includes(n) ? `return recordMemory(${n});` : BODIES.trivial()),
  io: () => `await ioRoundTrip();`,
  keeps: (n) => `fixture.leaked.push(fixture.render(${n}));`,
};

const IO_HELPERS = `
const http = require('node:http');
const fsp = require('node:fs/promises');
const DATA = require('node:path').join(__dirname, '..', 'data.txt');

async function ioRoundTrip() {
  await new Promise((resolve) => setTimeout(resolve, 1));
  const text = await fsp.readFile(DATA, 'utf8');
  const server = http.createServer((req, res) => res.end(text));
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const body = await new Promise((resolve, reject) => {
      const agent = new http.Agent({ keepAlive: false });
      http.get({ host: '127.0.0.1', port: server.address().port, agent }, (res) => {
        let received = '';
        res.setEncoding('utf8').on('data', (chunk) => (received += chunk)).on('end', () => resolve(received));
      }).on('error', reject);
    });
    assert.strictEqual(body, text);
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}
`;

const SOAK_HELPERS = `
const v8 = require('node:v8');
const vm = require('node:vm');
v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc');

/**
 * Live heap after a full GC, and RSS once V8 has had time to hand freed pages back,
 * appended to the file the bench names.
 */
async function recordMemory(position) {
  gc();
  await new Promise((resolve) => setTimeout(resolve, 100));
  gc();
  const { heapUsed, rss } = process.memoryUsage();
  require('node:fs').appendFileSync(process.env.BENCH_SOAK_OUT, JSON.stringify({ position, heapUsed, rss }) + '\\n');
}
`;

function testFileSource(spec, fileIndex) {
  const async = spec.body === 'io' ? 'async ' : '';
  const tests = [];
  for (let i = 1; i <= spec.perFile; i++) {
    const n = fileIndex * spec.perFile + i;
    tests.push(`  it('test ${n}', ${async}function () {\n    ${BODIES[spec.body](n)}\n  });`);
  }
  const recordsMemory = spec.body === 'soak' && SOAK_POINTS.some((n) => Math.ceil(n / spec.perFile) === fileIndex + 1);
  const helpers = spec.body === 'io' ? IO_HELPERS : recordsMemory ? SOAK_HELPERS : '';
  // The first file holds the root after() that clears the leaky suite's intervals.
  const rootAfter =
    spec.body === 'leaky' && fileIndex === 0 ? `\nafter(() => fixture.intervals.forEach(clearInterval));\n` : '';
  return `'use strict';
const assert = require('node:assert');
const fixture = require('../fixture');
${helpers}${rootAfter}
describe('file ${fileIndex + 1}', function () {
${tests.join('\n')}
});
`;
}

/**
 * Write suite `name` under `root`, with configs for `probes` (see designConfigs); returns
 * its directory and what the bench needs to know of it.
 */
function generateSuite(root, name, probes) {
  const spec = SUITES[name];
  const dir = path.join(root, name);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(path.join(dir, 'test'), { recursive: true });
  const write = (file, text) => fs.writeFileSync(path.join(dir, file), text);
  write('package.json', JSON.stringify({ name: `bench-${name}`, private: true }));
  const report = { json: 'leakguard-report.json' };
  write('.leakguardrc.json', JSON.stringify({ report }));
  for (const [design, config] of Object.entries(designConfigs(probes))) {
    write(`${design}.leakguardrc.json`, JSON.stringify({ report, ...config }));
  }
  write('fixture.js', fixtureSource(spec.retainMb));
  if (spec.body === 'io') write('data.txt', 'hello from the async-io suite\n'.repeat(64));
  for (let f = 0; f < spec.files; f++) {
    write(path.join('test', `file-${String(f + 1).padStart(2, '0')}.test.js`), testFileSource(spec, f));
  }
  return { name, dir, tests: spec.files * spec.perFile, expectedLeaks: expectedLeaks(name, spec), oneSite: spec.body === 'keeps', rounds: spec.rounds };
}

/** The exact set of `probe: test` pairs the leaky and keeps suites must report (undefined for the other suites). */
function expectedLeaks(name, spec) {
  if (spec.body === 'keeps') {
    const pairs = [];
    for (let n = 1; n <= spec.files * spec.perFile; n++) pairs.push(`heap: file ${Math.ceil(n / spec.perFile)} test ${n}`);
    return pairs.sort();
  }
  if (spec.body !== 'leaky') return undefined;
  const pairs = [];
  for (let f = 0; f < spec.files; f++) {
    for (let i = 1; i <= spec.perFile; i++) {
      const n = f * spec.perFile + i;
      if (isHeapLeak(n)) pairs.push(`heap: file ${f + 1} test ${n}`);
      if (isIntervalLeak(n)) pairs.push(`handles: file ${f + 1} test ${n}`);
    }
  }
  return pairs.sort();
}

module.exports = { SUITES, SOAK_POINTS, generateSuite };
