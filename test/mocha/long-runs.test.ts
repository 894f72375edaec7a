/**
 * Long runs: leakguard's own memory must not grow with the number of tests. 20,000
 * trivial tests (20 files of 1,000) run with and without leakguard; a test at #1,000 and
 * the one at #20,000 record the heap in use after a forced full GC. Mocha's own growth
 * (it keeps every test object) is in both runs; what leakguard adds on top must stay
 * under a generous bound. This is a memory bound, not a timing assertion.
 *
 * Two flavours of "trivial": empty test bodies, and bodies that start and clear a timer
 * (as countless real tests do through a helper with a time-out).
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Fixture, inParallel, type RunResult } from '../helpers/fixture';

const FILES = 20;
const TESTS_PER_FILE = 1_000;
const TOTAL = FILES * TESTS_PER_FILE;
const FIRST_MARK = 1_000;
/** What leakguard may add to the heap between test #1,000 and test #20,000. */
const MAX_EXTRA_GROWTH = 8 * 1024 * 1024;

/** Called by every test with its number; records the heap after GC at the two marks. */
const STEP = String.raw`
const fs = require('node:fs');
const v8 = require('node:v8');
const vm = require('node:vm');
let gc;
const noop = () => {};
module.exports = function step(n) {
  if (process.env.LONG_RUN_BODY === 'timer') clearTimeout(setTimeout(noop, 1000));
  if (n !== ${FIRST_MARK} && n !== ${TOTAL}) return;
  if (!gc) {
    v8.setFlagsFromString('--expose-gc');
    gc = vm.runInNewContext('gc');
  }
  gc();
  gc();
  fs.appendFileSync(process.env.HEAP_LOG, JSON.stringify({ n, heapUsed: process.memoryUsage().heapUsed }) + '\n');
};
`;

function specFile(file: number): string {
  const its: string[] = [];
  for (let i = 1; i <= TESTS_PER_FILE; i++) {
    const n = file * TESTS_PER_FILE + i;
    its.push(`  it('test ${n}', () => step(${n}));`);
  }
  return `const step = require('../step.js');\ndescribe('file ${file}', () => {\n${its.join('\n')}\n});\n`;
}

type Flavour = 'empty' | 'timer';

interface LongRun {
  result: RunResult;
  /** heapUsed at test #20,000 minus heapUsed at test #1,000. */
  growth: number;
}

describe('long runs: leakguard memory does not grow with the number of tests', function () {
  this.timeout(600_000);
  let fixture: Fixture;
  const runs = {} as Record<Flavour, { guarded: LongRun; plain: LongRun }>;

  before(async () => {
    const files: Record<string, string> = { 'step.js': STEP };
    for (let file = 0; file < FILES; file++) files[`test/f${String(file).padStart(2, '0')}.spec.js`] = specFile(file);
    for (const flavour of ['empty', 'timer'] as const) {
      files[`leakguard-${flavour}.json`] = JSON.stringify({ report: { json: `leakguard-report-${flavour}.json` } });
    }
    fixture = new Fixture(files);

    const run = async (flavour: Flavour, guarded: boolean): Promise<LongRun> => {
      const log = path.join(fixture.dir, `heap-${flavour}-${guarded ? 'guarded' : 'plain'}.log`);
      const result = await fixture.run(['--reporter', 'dot', 'test'], {
        register: guarded,
        env: { HEAP_LOG: log, LONG_RUN_BODY: flavour, LEAKGUARD_CONFIG: `leakguard-${flavour}.json` },
        reportPath: guarded ? `leakguard-report-${flavour}.json` : `no-report-${flavour}.json`,
        timeoutMs: 300_000,
      });
      const marks = fs.existsSync(log)
        ? fs.readFileSync(log, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { n: number; heapUsed: number })
        : [];
      const at = (n: number) => marks.find((mark) => mark.n === n)?.heapUsed ?? NaN;
      return { result, growth: at(TOTAL) - at(FIRST_MARK) };
    };

    const started = Date.now();
    const [emptyGuarded, timerGuarded, emptyPlain, timerPlain] = await inParallel(
      [() => run('empty', true), () => run('timer', true), () => run('empty', false), () => run('timer', false)],
      2,
    );
    runs.empty = { guarded: emptyGuarded!, plain: emptyPlain! };
    runs.timer = { guarded: timerGuarded!, plain: timerPlain! };
    const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
    for (const flavour of ['empty', 'timer'] as const) {
      const { guarded, plain } = runs[flavour];
      console.log(
        `      (${flavour} bodies: heap growth #${FIRST_MARK}..#${TOTAL} ${mib(guarded.growth)} with leakguard (${guarded.result.durationMs} ms), ` +
          `${mib(plain.growth)} without (${plain.result.durationMs} ms))`,
      );
    }
    console.log(`      (all four runs: ${Date.now() - started} ms)`);
  });

  after(() => fixture.remove());

  for (const flavour of ['empty', 'timer'] as const) {
    describe(`${TOTAL.toLocaleString('en')} tests with ${flavour === 'empty' ? 'empty bodies' : 'a timer started and cleared in each'}`, () => {
      it('every run completes with every test passing', () => {
        for (const { result } of [runs[flavour].guarded, runs[flavour].plain]) {
          assert.equal(result.code, 0, `exit ${result.code} signal ${result.signal}\n${result.stderr.slice(-3000)}`);
          assert.match(result.stdout, new RegExp(`${TOTAL} passing`));
        }
        assert.equal(runs[flavour].guarded.result.report?.tests, TOTAL);
      });

      it(`leakguard adds less than ${MAX_EXTRA_GROWTH / 1024 / 1024} MiB of heap between test #${FIRST_MARK} and test #${TOTAL}`, () => {
        const { guarded, plain } = runs[flavour];
        assert.ok(Number.isFinite(guarded.growth) && Number.isFinite(plain.growth), 'both runs recorded the heap at both marks');
        const extra = guarded.growth - plain.growth;
        assert.ok(
          extra < MAX_EXTRA_GROWTH,
          `heap grew ${guarded.growth} bytes with leakguard and ${plain.growth} bytes without: ${extra} bytes more`,
        );
      });

      it('reports no leaks in trivial tests', () => {
        const leaks = runs[flavour].guarded.result.report?.leaks ?? [];
        assert.deepEqual(
          leaks.map((leak) => `${leak.probe}: ${leak.test}`),
          [],
        );
      });
    });
  }
});
