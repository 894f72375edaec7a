/**
 * Which unit a leak is blamed on, through a real Mocha subprocess: resources created in
 * `before all` / `after all` hooks belong to the hook (named as Mocha names it), a test's
 * own `beforeEach` / `afterEach` belong to the test, a throwing hook changes nothing in
 * Mocha's results, and a retried test is reported once.
 */
import { strict as assert } from 'node:assert';
import { Fixture, inParallel, leakPairs, type RunResult } from '../helpers/fixture';

const SPEC = String.raw`
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');

const leftovers = [];
const leakInterval = () => {
  const timer = setInterval(() => {}, 1000);
  leftovers.push(() => clearInterval(timer));
};

// Root level, outside any describe. The file is never closed: an open fd does not keep the
// process alive, and anything released in the root after() below would be released before
// the root's own hooks are judged.
before(() => {
  fs.openSync(path.join(__dirname, 'data.txt'), 'r');
});

after(() => {
  // Root-level cleanup so the process can exit; it releases, so it is not a leak itself.
  for (const release of leftovers) release();
});

describe('before leaks', () => {
  before(() => leakInterval());
  it('first test', () => {});
  it('second test', () => {});
  describe('inner', () => {
    it('nested test', () => {});
  });
});

describe('before cleaned in after', () => {
  let timer;
  before(() => {
    timer = setInterval(() => {}, 1000);
  });
  after(() => clearInterval(timer));
  it('uses the timer', () => {});
});

describe('after leaks', () => {
  after(() => leakInterval());
  it('runs before the leaky after hook', () => {});
});

describe('beforeEach leaks', () => {
  beforeEach(() => leakInterval());
  it('gets an interval from its beforeEach', () => {});
});

describe('afterEach cleans', () => {
  let timer;
  afterEach(() => clearInterval(timer));
  it('starts an interval that its afterEach clears', () => {
    timer = setInterval(() => {}, 1000);
  });
});

describe('named hook', () => {
  before(function startServer(done) {
    const server = net.createServer();
    leftovers.push(() => server.close());
    server.listen(0, '127.0.0.1', done);
  });
  it('talks to the server', () => {});
});

describe('two before hooks', () => {
  before(function first() {
    clearInterval(setInterval(() => {}, 1000));
  });
  before(function second() {
    leakInterval();
  });
  it('runs after both hooks', () => {});
});

describe('throwing before hook', () => {
  before(function explode() {
    throw new Error('the before hook failed');
  });
  it('never runs', () => {});
  it('never runs either', () => {});
});

describe('after the throwing suite', () => {
  it('leaks and is still measured', () => leakInterval());
  it('is clean', () => {});
});

describe('retried', () => {
  let attempts = 0;
  it('fails twice, then passes', function () {
    this.retries(2);
    attempts++;
    leakInterval();
    if (attempts < 3) throw new Error('attempt ' + attempts + ' fails');
  });
});
`;

interface MochaJson {
  stats: { suites: number; tests: number; passes: number; pending: number; failures: number };
  passes: { fullTitle: string }[];
  failures: { fullTitle: string; err: { message?: string } }[];
  pending: { fullTitle: string }[];
}

/** What Mocha says about a run, without timings and paths that differ between runs. */
function mochaResults(result: RunResult) {
  const parsed = JSON.parse(result.stdout) as MochaJson;
  return {
    code: result.code,
    stats: { ...parsed.stats, start: undefined, end: undefined, duration: undefined },
    passes: parsed.passes.map((test) => test.fullTitle),
    failures: parsed.failures.map((test) => `${test.fullTitle}: ${test.err.message}`),
    pending: parsed.pending.map((test) => test.fullTitle),
  };
}

describe('leaks in hooks, through Mocha', function () {
  this.timeout(120_000);
  const fixtures: Fixture[] = [];
  let result: RunResult;
  let plain: RunResult;

  before(async () => {
    const files = {
      'test/hooks.spec.js': SPEC,
      'test/data.txt': 'some data\n',
      '.leakguardrc.json': JSON.stringify({ report: { json: 'leakguard-report.json' } }),
    };
    [result, plain] = await inParallel([
      async () => {
        const fixture = new Fixture(files);
        fixtures.push(fixture);
        return fixture.run(['--reporter', 'json', 'test']);
      },
      async () => {
        const fixture = new Fixture(files);
        fixtures.push(fixture);
        return fixture.run(['--reporter', 'json', 'test'], { register: false });
      },
    ]) as [RunResult, RunResult];
  });

  after(() => {
    for (const fixture of fixtures) fixture.remove();
  });

  const context = () => `exit ${result.code}\n--- stderr:\n${result.stderr}`;

  it('reports exactly the leaking hooks and tests', () => {
    assert.ok(result.report, `no JSON report\n${context()}`);
    assert.deepEqual(leakPairs(result.report), [
      'fds: "before all" hook in {root}',
      'handles: "after all" hook in after leaks',
      'handles: "before all" hook in before leaks',
      'handles: "before all" hook: second in two before hooks',
      'handles: "before all" hook: startServer in named hook',
      'handles: after the throwing suite leaks and is still measured',
      'handles: beforeEach leaks gets an interval from its beforeEach',
      'handles: retried fails twice, then passes',
    ]);
  });

  it('blames an interval started in before() on the hook, not on the suite\'s tests', () => {
    const leak = result.report!.leaks.find((each) => each.test === '"before all" hook in before leaks');
    assert.ok(leak, context());
    assert.equal(leak.kind, 'hook');
    assert.equal(leak.delta, 1);
    assert.ok(!result.report!.leaks.some((each) => each.kind === 'test' && each.test.startsWith('before leaks ')));
    assert.match(result.stderr, /^ {4}hook: "before all" hook in before leaks \(test\/hooks\.spec\.js\): \+1$/m);
  });

  it('finds nothing when before() starts and after() clears', () => {
    assert.ok(!result.report!.leaks.some((each) => each.test.includes('before cleaned in after')));
  });

  it('blames a leak in after() on the "after all" hook', () => {
    const leak = result.report!.leaks.find((each) => each.test === '"after all" hook in after leaks');
    assert.ok(leak, context());
    assert.equal(leak.kind, 'hook');
    assert.ok(!result.report!.leaks.some((each) => each.test === 'after leaks runs before the leaky after hook'));
  });

  it('blames a leak in a root-level before() on a hook in {root}', () => {
    const leak = result.report!.leaks.find((each) => each.test === '"before all" hook in {root}');
    assert.ok(leak, context());
    assert.equal(leak.kind, 'hook');
    assert.match(leak.items.map((item) => item.label).join('\n'), /data\.txt/);
  });

  it('counts a test\'s own beforeEach as part of the test, and its afterEach cleanup too', () => {
    const leak = result.report!.leaks.find((each) => each.test === 'beforeEach leaks gets an interval from its beforeEach');
    assert.ok(leak, context());
    assert.equal(leak.kind, 'test');
    assert.ok(!result.report!.leaks.some((each) => each.test.includes('afterEach')));
  });

  it('keeps a named hook\'s name, and blames the second of two before hooks', () => {
    const named = result.report!.leaks.filter((each) => each.test === '"before all" hook: startServer in named hook');
    // The server's descriptor is a facet of its handle: one resource, one leak.
    assert.deepEqual(named.map((each) => [each.kind, each.probe]), [['hook', 'handles']]);
    assert.match(named[0]!.items[0]!.label, /127\.0\.0\.1:\d+ \(fd \d+\)$/);
    assert.ok(!result.report!.leaks.some((each) => each.test.includes('hook: first')));
  });

  it('leaves Mocha\'s results as they are when a before() hook throws, and goes on measuring', () => {
    assert.deepEqual(mochaResults(result), mochaResults(plain));
    const mocha = mochaResults(result);
    assert.equal(mocha.code, 1);
    assert.deepEqual(mocha.failures, ['throwing before hook "before all" hook: explode for "never runs": the before hook failed']);
    assert.doesNotMatch(result.stderr, /internal error/, context());
    assert.match(result.stderr, /leakguard: 8 leaks from 3 causes in /, context());
  });

  it('reports a retried test once, not once per attempt', () => {
    const leaks = result.report!.leaks.filter((each) => each.test === 'retried fails twice, then passes');
    assert.equal(leaks.length, 1, context());
    assert.equal(leaks[0]!.delta, 1);
    // Listed once under its cause (the interval the other tests and hooks leak from too), which counts it once.
    const listed = result.report!.causes!.flatMap((cause) => cause.tests).filter((test) => test.test === 'retried fails twice, then passes');
    assert.equal(listed.length, 1, context());
    assert.match(result.stderr, /^3 tests and 3 hooks leaked handles created at test\/hooks\.spec\.js:\d+:\d+$/m, context());
    // Twelve tests ran (the two behind the throwing hook did not); the retried one counts once.
    assert.equal(result.report!.tests, 12);
  });
});
