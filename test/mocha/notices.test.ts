/**
 * leakguard's own warnings (src/core/notices.ts and the probes' message tables) as a real
 * Mocha run prints them: each once, word for word, on stderr, and none changes a result.
 */
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { Fixture, leakPairs } from '../helpers/fixture';

describe('notices (a real Mocha run)', function () {
  this.timeout(120_000);

  it('says once each what a setting or a tag does not do: an emitter never found, a dir that cannot be read, a tag naming no probe, a baseline update with no file', async () => {
    const fixture = new Fixture({
      '.leakguardrc.json': JSON.stringify({
        report: { json: 'leakguard-report.json' },
        probes: { listeners: { emitters: ['noSuchBus'] }, tmpdir: { dirs: ['missing-dir'] } },
      }),
      'test/notices.spec.js': String.raw`
const net = require('node:net');
const servers = [];
after(() => servers.forEach((server) => server.close()));
describe('notices', () => {
  it('leaks a server @leakguard-allow()', () => {
    servers.push(net.createServer().listen(0, '127.0.0.1'));
  });
});
`,
    });
    try {
      const result = await fixture.run(['test'], { env: { LEAKGUARD_UPDATE_BASELINE: '1' } });
      const missingDir = path.join(fixture.dir, 'missing-dir');
      const expected = [
        `leakguard: probe "tmpdir": cannot read ${missingDir} (ENOENT); not watching it`,
        'leakguard: probe "tmpdir": no directory to watch can be read; probe switched off',
        'leakguard: @leakguard-allow() in the title of test "notices leaks a server @leakguard-allow()" names no probe and allows nothing; write @leakguard-allow(handles)',
        'leakguard: probe "listeners": emitter "noSuchBus" (probes.listeners.emitters) was never found on globalThis as an EventEmitter; its listeners were not watched',
        'leakguard: LEAKGUARD_UPDATE_BASELINE is set, but the config names no baseline file: add "baseline": "leakguard-baseline.json" to it.',
      ];
      const stderrLines = result.stderr.split('\n');
      for (const line of expected) assert.equal(stderrLines.filter((printed) => printed === line).length, 1, `${line}\n--- stderr:\n${result.stderr}`);
      // The tag allowed nothing: the server is reported as a leak of that test.
      assert.deepEqual(leakPairs(result.report), ['handles: notices leaks a server @leakguard-allow()']);
    } finally {
      fixture.remove();
    }
  });
});
