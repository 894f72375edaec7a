/**
 * The summary in a terminal: its wrapped lines follow the terminal's width (a real
 * pseudo-terminal of 60 columns, from util-linux `script`), and it has no colour when
 * Mocha has none (`--no-color`), even where it would otherwise (FORCE_COLOR).
 */
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { Fixture, MOCHA_BIN, REGISTER } from '../helpers/fixture';

const CONFIG = JSON.stringify({
  probes: Object.fromEntries(['heap', 'rss', 'fds', 'tmpdir', 'listeners', 'globals', 'children', 'env'].map((name) => [name, { enabled: false }])),
});
const SPEC = `const timers = [];
after(() => timers.forEach(clearInterval));
it('leaves an interval', () => { timers.push(setInterval(() => {}, 1000)); });
`;
const ANSI = /\u001b\[[0-9;]*m/g;

/** Mocha with leakguard in a pseudo-terminal `columns` wide: what the terminal showed, and the exit code. */
function runInTerminal(fixture: Fixture, columns: number): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const command = `stty cols ${columns} && exec "$LG_NODE" "$LG_MOCHA" --require "$LG_REGISTER" test`;
    const child = spawn('script', ['-qec', command, '/dev/null'], {
      cwd: fixture.dir,
      env: { ...process.env, TMPDIR: fixture.tmp, NO_COLOR: '1', LG_NODE: process.execPath, LG_MOCHA: MOCHA_BIN, LG_REGISTER: REGISTER },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output: output.replace(/\r/g, '') }));
  });
}

describe('summary in a terminal', function () {
  this.timeout(120_000);
  let fixture: Fixture;
  before(() => {
    fixture = new Fixture({ '.leakguardrc.json': CONFIG, 'test/leak.spec.js': SPEC });
  });
  after(() => fixture.remove());

  it('wraps the hint to the terminal\'s width', async () => {
    const { code, output } = await runInTerminal(fixture, 60);
    assert.equal(code, 0, output);
    const lines = output.replace(ANSI, '').split('\n');
    const start = lines.findIndex((line) => line.startsWith('    hint: '));
    assert.ok(start !== -1, output);
    const hint = lines.slice(start, lines.findIndex((line, index) => index > start && !line.startsWith('          ')));
    // At 100 columns the hint takes 3 lines; at 60 it takes more, none wider than 60.
    assert.ok(hint.length > 3 && hint.every((line) => line.length <= 60), hint.join('\n'));
  });

  it('is coloured with FORCE_COLOR, and not with mocha --no-color', async () => {
    const options = { env: { FORCE_COLOR: '1' }, shellPrefix: 'unset NO_COLOR' };
    const coloured = await fixture.run(['test'], options);
    assert.match(coloured.stderr, /\u001b\[31mleaves an interval \(test\/leak\.spec\.js\)\u001b\[39m/);
    const plain = await fixture.run(['--no-color', 'test'], options);
    assert.equal(plain.code, 0, plain.stderr);
    assert.match(plain.stderr, /^leaves an interval \(test\/leak\.spec\.js\)$/m);
    assert.doesNotMatch(plain.stderr, /\u001b\[/);
  });
});
