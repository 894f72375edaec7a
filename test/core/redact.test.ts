import { strict as assert } from 'node:assert';
import { redactSecrets } from '../../src/core/redact';
import { capLength, safeHint, safeItems } from '../../src/core/safe-item';

describe('redactSecrets', () => {
  const cases: [given: string, redacted: string][] = [
    ['node -e "setInterval(()=>{},1e3)" --token=abc', 'node -e "setInterval(()=>{},1e3)" --token=***'],
    ['node app.js --password hunter2 --verbose', 'node app.js --password *** --verbose'],
    ['node app.js --db-password=hunter2', 'node app.js --db-password=***'],
    ['node app.js --auth-token=xyz --port 80', 'node app.js --auth-token=*** --port 80'],
    ['node app.js --api-key k1 --client-secret=s2', 'node app.js --api-key *** --client-secret=***'],
    ['mysql -u root -p s3cret db', 'mysql -u root -p *** db'],
    ['env API_KEY=abc123 GITHUB_TOKEN=ghp_x DB_PASSWORD=pw node x.js', 'env API_KEY=*** GITHUB_TOKEN=*** DB_PASSWORD=*** node x.js'],
    ['git clone https://user:PASS@host/repo.git', 'git clone https://user:***@host/repo.git'],
    ['psql postgres://app:pw@db:5432/app', 'psql postgres://app:***@db:5432/app'],
    // As children.ts quotes an argument with a space in it.
    ['node x.js "--token=a b" next', 'node x.js "--token=***" next'],
    ['node x.js --api-key=\'k\' --secret="s t"', 'node x.js --api-key=*** --secret=***'],
  ];
  for (const [given, redacted] of cases) {
    it(given, () => assert.equal(redactSecrets(given), redacted));
  }

  const untouched = [
    'Timeout (setInterval 1000 ms)',
    '/tmp/passwords.txt',
    'curl https://host/path?x=1',
    'node --auth --verbose',
    'child process pid 12: node server.js --port 8080',
  ];
  for (const text of untouched) {
    it(`leaves alone: ${text}`, () => assert.equal(redactSecrets(text), text));
  }

  it('is idempotent', () => {
    const once = redactSecrets('a --token=x https://u:p@h API_KEY=k');
    assert.equal(redactSecrets(once), once);
  });
});

describe('safeItems: what a probe says about a leak, as plain data', () => {
  it('copies items, redacting every string, and leaves the originals alone', () => {
    const original = { id: 'child:1', label: 'child process pid 1: node x.js --token=abc', command: 'node x.js --token=abc', pid: 1 };
    const safe = safeItems([original])!;
    assert.equal(safe.problem, undefined);
    assert.deepEqual(safe.items, [{ id: 'child:1', label: 'child process pid 1: node x.js --token=***', command: 'node x.js --token=***', pid: 1 }]);
    assert.equal(original.command, 'node x.js --token=abc');
  });

  it('caps a 60 MB label at 1,000 characters, the cut marked', () => {
    const [item] = safeItems([{ label: 'x'.repeat(60 * 1024 * 1024) }])!.items;
    assert.equal(item!.label.length, 1000);
    assert.ok(item!.label.endsWith('…'));
  });

  it('breaks cycles and drops what is not data', () => {
    const item: Record<string, unknown> = { label: 'cyclic', fn: () => 1, big: 10n, nan: Number.NaN };
    item.self = item;
    const [copy] = safeItems([item])!.items;
    assert.deepEqual(copy, { label: 'cyclic', big: '10', nan: 'NaN', self: '(omitted)' });
    assert.doesNotThrow(() => JSON.stringify(copy));
  });

  it('names the first bad item: a non-string label, a throwing getter, a non-object', () => {
    assert.match(safeItems([{ label: 42 }])!.problem!, /an item whose label is number 42, not a string/);
    const throwing = { get label(): string { throw new Error('label exploded'); } };
    const unreadable = safeItems([throwing])!;
    assert.match(unreadable.problem!, /an unreadable item \(label exploded\)/);
    assert.match(unreadable.items[0]!.label, /unreadable item/);
    assert.match(safeItems(['a string'])!.problem!, /an item that is not an object \(string "a string"\)/);
    assert.equal(safeItems('not an array'), undefined);
  });

  it('a Proxy whose traps throw is an unreadable item, not an exception', () => {
    const hostile = new Proxy({}, { ownKeys: () => { throw new Error('trap'); }, get: () => { throw new Error('trap'); } });
    assert.match(safeItems([hostile])!.problem!, /unreadable item \(trap\)/);
  });

  it('hints: strings only, capped and redacted', () => {
    assert.equal(safeHint(42), undefined);
    assert.equal(safeHint(''), undefined);
    assert.equal(safeHint('run with --token=abc'), 'run with --token=***');
    assert.equal(safeHint('y'.repeat(5000))!.length, 2000);
    assert.equal(capLength('abc', 5), 'abc');
  });
});
