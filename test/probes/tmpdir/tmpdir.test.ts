import { strict as assert } from 'node:assert';
import { chmodSync, closeSync, mkdirSync, mkdtempSync, openSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { ProbeInstance } from '../../../src/core/probe';
import { tmpdirProbe, type TmpdirOptions } from '../../../src/probes/tmpdir/tmpdir';
import { changedBy, sample } from '../../helpers/probe-harness';

describe('tmpdir probe', function () {
  /** The directory the probe watches in each test: never the real temp dir. */
  let watched: string;
  let warnings: string[];

  beforeEach(function () {
    watched = mkdtempSync(join(tmpdir(), 'leakguard-tmpdir-test-'));
    warnings = [];
  });

  afterEach(function () {
    chmodSync(watched, 0o700);
    rmSync(watched, { recursive: true, force: true });
  });

  async function create(options: TmpdirOptions): Promise<ProbeInstance | null> {
    return tmpdirProbe.create({ options, rootDir: process.cwd(), warn: (message) => warnings.push(message) });
  }

  async function probe(options: TmpdirOptions = { dirs: [watched] }): Promise<ProbeInstance> {
    const instance = await create(options);
    assert.ok(instance, `probe not created: ${warnings.join('; ')}`);
    return instance;
  }



  it('a project that lives in the temp dir is not a leftover: files read there, or written in a directory that was there', async function () {
    const project = join(watched, 'project');
    mkdirSync(join(project, 'fixtures'), { recursive: true });
    writeFileSync(join(project, 'fixtures', 'user.html'), '<p>tobi</p>');
    const instance = await probe();
    const made = join(watched, 'made-by-test.txt');
    const items = await changedBy(instance, () => {
      closeSync(openSync(join(project, 'fixtures', 'user.html'), 'r'));
      closeSync((openSync as (path: string) => number)(join(project, 'fixtures', 'user.html')));
      writeFileSync(join(project, 'fixtures', 'written.txt'), 'x');
      mkdirSync(join(project, 'cache', 'deep'), { recursive: true });
      closeSync(openSync(made, 'w'));
    });
    // Only what the test made at the top of the temp dir.
    assert.deepEqual(items.map((item) => item.id), [made]);
  });

  it('reports a file and a directory left behind, with sizes and the file count', async function () {
    const instance = await probe();
    const file = join(watched, 'report.json');
    const dir = join(watched, 'work-abc123');
    const link = join(watched, 'latest');
    const items = await changedBy(instance, () => {
      writeFileSync(file, 'x'.repeat(100));
      mkdirSync(join(dir, 'nested'), { recursive: true });
      writeFileSync(join(dir, 'a.txt'), 'x'.repeat(1024));
      writeFileSync(join(dir, '.hidden'), 'x'.repeat(1024));
      writeFileSync(join(dir, 'nested', 'b.bin'), 'x'.repeat(4 * 1024));
      symlinkSync(dir, link);
    });
    const byPath = new Map(items.map((item) => [item.id, item]));
    assert.deepEqual([...byPath.keys()].sort(), [dir, link, file].sort());
    assert.equal(byPath.get(file)!.type, 'file');
    assert.equal(byPath.get(dir)!.type, 'dir');
    assert.equal(byPath.get(link)!.type, 'other');

    const described = new Map((await instance.describe!(items)).map((item) => [item.id, item]));
    assert.equal(described.get(file)!.size, 100);
    assert.equal(described.get(file)!.label, file);
    assert.equal(described.get(dir)!.size, 6 * 1024);
    assert.equal(described.get(dir)!.files, 3);
    assert.equal(described.get(dir)!.label, `${dir}/ with 3 files`);
    assert.equal(described.get(link)!.label, link);
  });

  it('does not report what the test removed again', async function () {
    const instance = await probe();
    const items = await changedBy(instance, () => {
      const dir = mkdtempSync(join(watched, 'scratch-'));
      writeFileSync(join(dir, 'f'), 'data');
      rmSync(dir, { recursive: true });
    });
    assert.deepEqual(items, []);
  });

  it('does not report entries that were there before', async function () {
    writeFileSync(join(watched, 'old.txt'), '');
    const instance = await probe();
    const items = await changedBy(instance, () => writeFileSync(join(watched, 'new.txt'), ''));
    assert.deepEqual(items.map((item) => item.path), [join(watched, 'new.txt')]);
  });

  it('ignores entry names by glob, and tsx-* by default', async function () {
    const byDefault = await probe();
    const items = await changedBy(byDefault, () => {
      mkdirSync(join(watched, 'tsx-0'));
      writeFileSync(join(watched, 'kept.txt'), '');
    });
    assert.deepEqual(items.map((item) => item.path), [join(watched, 'kept.txt')]);

    const custom = await probe({ dirs: [watched], ignore: ['*.lock', 'exact-name'] });
    const customItems = await changedBy(custom, () => {
      writeFileSync(join(watched, 'db.lock'), '');
      writeFileSync(join(watched, 'exact-name'), '');
      writeFileSync(join(watched, 'exact-name-2'), '');
      mkdirSync(join(watched, 'tsx-1'));
    });
    // The option adds to the built-in list: tsx-1 stays ignored.
    assert.deepEqual(customItems.map((item) => basename(item.path!)).sort(), ['exact-name-2']);
  });

  it('resolves relative dirs against rootDir', async function () {
    mkdirSync(join(watched, 'tmp'));
    const instance = await tmpdirProbe.create({ options: { dirs: ['tmp'] }, rootDir: watched, warn: () => {} });
    assert.ok(instance);
    const items = await changedBy(instance, () => writeFileSync(join(watched, 'tmp', 'x'), ''));
    assert.deepEqual(items.map((item) => item.id), [join(watched, 'tmp', 'x')]);
  });

  it('otherProcesses: watches several dirs and counts their entries', async function () {
    const second = join(watched, 'second');
    mkdirSync(second);
    const instance = await probe({ dirs: [watched, second], otherProcesses: true });
    const before = await sample(instance);
    writeFileSync(join(second, 'in-second'), '');
    const after = await sample(instance);
    assert.equal(after.value, before.value + 1);
    assert.deepEqual(instance.newItems!(before, after).map((item) => item.id), [join(second, 'in-second')]);
  });

  it('otherProcesses: sees an entry created right after a sample, within the same clock tick', async function () {
    // On kernels that stamp directories from a coarse clock, the change can leave the
    // directory's mtime as it was: the listing must not be trusted until that tick passed.
    const instance = await probe({ dirs: [watched], otherProcesses: true });
    for (let i = 0; i < 200; i++) {
      const name = join(watched, `quick-${i}`);
      const items = await changedBy(instance, () => closeSync(openSync(name, 'w')));
      assert.deepEqual(items.map((item) => item.id), [name], `round ${i}`);
    }
  });

  it('otherProcesses: does not list an unchanged directory again, even with 100,000 entries', async function () {
    this.timeout(120_000);
    const crowd = join(watched, 'crowd');
    mkdirSync(crowd);
    for (let i = 0; i < 100_000; i++) closeSync(openSync(join(crowd, `entry-${i}`), 'w'));
    const instance = await probe({ dirs: [crowd], otherProcesses: true });
    let listings = 0;
    const fsModule = require('node:fs') as { readdirSync: (...args: unknown[]) => unknown };
    const readdir = fsModule.readdirSync;
    fsModule.readdirSync = function countingReaddir(this: unknown, ...args: unknown[]) {
      if (args[0] === crowd) listings++;
      return readdir.apply(this, args);
    };
    try {
      // Until the directory's times are older than a listing (see DirListing), a sample
      // lists again: sample until one does not.
      let first = await sample(instance);
      for (let seen = -1; seen !== listings; first = await sample(instance)) {
        seen = listings;
        await new Promise((resolve) => setImmediate(resolve));
      }
      const settled = listings;
      let last = first;
      for (let i = 0; i < 1000; i++) last = await sample(instance);
      assert.equal(listings, settled, 'an unchanged directory is not listed again');
      assert.equal(last.value, 100_000);
      // The very same Set: newItems() can skip it at once.
      assert.equal((last.state as unknown[])[0], (first.state as unknown[])[0]);
      assert.deepEqual(instance.newItems!(first, last), []);

      const added = join(crowd, 'one-more');
      writeFileSync(added, '');
      const changed = await sample(instance);
      assert.equal(listings, settled + 1, 'a changed directory is listed again');
      assert.notEqual((changed.state as unknown[])[0], (last.state as unknown[])[0]);
      assert.deepEqual(instance.newItems!(last, changed).map((item) => item.id), [added]);
    } finally {
      fsModule.readdirSync = readdir;
    }
  });

  it('otherProcesses: lists every entry as an item when asked (for judging `before all` hooks)', async function () {
    writeFileSync(join(watched, 'a'), '');
    mkdirSync(join(watched, 'b'));
    const instance = await probe({ dirs: [watched], otherProcesses: true });
    const reading = await sample(instance);
    assert.deepEqual(reading.items!.map((item) => item.id).sort(), [join(watched, 'a'), join(watched, 'b')]);
  });

  it('counts only the entries this process made, by name, without listing the directory', async function () {
    this.timeout(120_000);
    const crowd = join(watched, 'crowd');
    mkdirSync(crowd);
    for (let i = 0; i < 1000; i++) closeSync(openSync(join(crowd, `entry-${i}`), 'w'));
    const instance = await probe({ dirs: [crowd] });
    const before = await sample(instance);
    // A listing would count the crowd: only what this process creates from now on counts.
    assert.equal(before.value, 0);
    const own = join(crowd, 'own');
    writeFileSync(own, '');
    const after = await sample(instance);
    assert.equal(after.value, 1);
    assert.deepEqual(instance.newItems!(before, after).map((item) => item.id), [own]);
    rmSync(own);
    assert.equal((await sample(instance)).value, 0);
  });

  it('warns once about each dir that cannot be read and watches the others', async function () {
    const missing = join(watched, 'missing');
    const instance = await probe({ dirs: [missing, watched] });
    assert.deepEqual(warnings, [`cannot read ${missing} (ENOENT); not watching it`]);
    const items = await changedBy(instance, () => writeFileSync(join(watched, 'seen'), ''));
    assert.deepEqual(items.map((item) => item.id), [join(watched, 'seen')]);
  });

  it('switches itself off when no dir can be read', async function () {
    const missing = join(watched, 'missing');
    assert.equal(await create({ dirs: [missing] }), null);
    assert.equal(warnings.length, 2);
    assert.ok(warnings[0]!.includes(missing));
    assert.match(warnings[1]!, /probe switched off/);
  });

  it('does not watch a dir without read permission', async function () {
    if (process.getuid?.() === 0) {
      // root reads any directory whatever its mode, so chmod 000 cannot make one unreadable.
      this.skip();
    }
    const locked = join(watched, 'locked');
    mkdirSync(locked);
    chmodSync(locked, 0o000);
    try {
      assert.equal(await create({ dirs: [locked] }), null);
      assert.match(warnings[0]!, /EACCES/);
    } finally {
      chmodSync(locked, 0o700);
    }
  });

  it('otherProcesses: counts a watched dir that disappears as empty, warning once, and sees it come back', async function () {
    const gone = join(watched, 'gone');
    mkdirSync(gone);
    writeFileSync(join(gone, 'old'), '');
    const instance = await probe({ dirs: [gone], otherProcesses: true });
    const before = await sample(instance);
    rmSync(gone, { recursive: true });
    const during = await sample(instance);
    await sample(instance);
    assert.equal(during.value, 0);
    assert.deepEqual(warnings, [`cannot read ${gone} (ENOENT); counting it as empty while it cannot be read`]);

    mkdirSync(gone);
    writeFileSync(join(gone, 'old'), '');
    writeFileSync(join(gone, 'new'), '');
    const after = await sample(instance);
    assert.deepEqual(instance.newItems!(before, after).map((item) => item.id), [join(gone, 'new')]);
  });
});
