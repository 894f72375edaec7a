import { strict as assert } from 'node:assert';
import type { LeakItem, ProbeDefinition } from '../../src/core/probe';
import { safeHint } from '../../src/core/safe-item';
import { builtinProbes, handlesProbe } from '../../src/probes';
import { createProbe } from '../helpers/probe-harness';

/** Each kind of item a built-in probe makes, and a phrase of the hint it gets. */
const KINDS: Record<string, Array<[Partial<LeakItem> | undefined, RegExp]>> = {
  heap: [[undefined, /module-level arrays, maps or caches/]],
  rss: [[undefined, /native allocations/]],
  fds: [
    [{ type: 'file' }, /filehandle\.close\(\)/],
    [{ type: 'socket' }, /Close servers \(server\.close\(\)\)/],
    [{ type: 'pipe' }, /An anonymous pipe/],
    [{ type: 'anon_inode' }, /A kernel event object/],
    [{ type: 'other' }, /A file descriptor was opened/],
    [{ id: 'fd-table-full', type: 'other' }, /until none were left \(EMFILE\)/],
    [{ type: 'socket', pooledBy: 'http.globalAgent' }, /idle in http\.globalAgent's keep-alive pool.*http\.globalAgent\.destroy\(\)/],
    [undefined, /A file descriptor was opened/],
  ],
  handles: [
    [{ type: 'Timeout' }, /clearInterval\(\)\/clearTimeout\(\)/],
    [{ type: 'Immediate' }, /clearImmediate\(\)/],
    [{ type: 'TCPServerWrap' }, /server\.closeAllConnections\(\)/],
    [{ type: 'PipeServerWrap' }, /server\.closeAllConnections\(\)/],
    [{ type: 'TCPSocketWrap' }, /agent\.destroy\(\) for HTTP keep-alive/],
    [{ type: 'PipeWrap' }, /agent\.destroy\(\) for HTTP keep-alive/],
    [{ type: 'ProcessWrap' }, /child\.kill\(\)/],
    [{ type: 'FSEventWrap' }, /fs\.unwatchFile\(\)/],
    [{ type: 'StatWatcher' }, /fs\.unwatchFile\(\)/],
    [{ type: 'UDPWrap' }, /A UDP socket/],
    [{ type: 'FSReqCallback' }, /still in flight when the test ended/],
    [{ type: 'ShutdownWrap' }, /still in flight when the test ended/],
    [{ type: 'TTYWrap' }, /still keeping the event loop alive/],
    [{ type: 'constructor' }, /still keeping the event loop alive/],
    [undefined, /still keeping the event loop alive/],
  ],
  tmpdir: [[undefined, /fs\.rmSync\(dir, \{ recursive: true, force: true \}\)/]],
  listeners: [
    [{ type: 'SIGUSR2', emitter: 'process', event: 'SIGUSR2' }, /process\.off\('SIGUSR2', listener\)/],
    [undefined, /the emitter\.off\('event', listener\)/],
  ],
  globals: [
    [{ type: 'added' }, /undeclared variable/],
    [{ type: 'replaced' }, /sinon\.restore\(\)/],
    [{ type: 'removed' }, /A global was deleted/],
    [undefined, /undeclared variable/],
  ],
  children: [
    [{ type: 'process' }, /for exec\/execFile, pass a timeout/],
    [{ type: 'stray' }, /process\.kill\(-child\.pid\)/],
    [undefined, /for exec\/execFile, pass a timeout/],
  ],
  env: [
    [{ type: 'added' }, /process\.env/],
    [{ type: 'changed' }, /process\.env/],
    [{ type: 'removed' }, /process\.env/],
    [{ type: 'cwd' }, /chdir back/],
  ],
};

function hintOf(probe: ProbeDefinition<any>, item: Partial<LeakItem> | undefined): string {
  const full = item && { id: 'item', label: 'item', ...item };
  return typeof probe.hint === 'function' ? probe.hint(full) : String(probe.hint);
}

describe('built-in probes: messages', function () {
  it('give each kind of item its own hint, shown as written (not cut, nothing in it taken for a secret)', function () {
    assert.deepEqual(Object.keys(KINDS).sort(), builtinProbes.map((probe) => probe.name).sort());
    for (const probe of builtinProbes) {
      for (const [item, phrase] of KINDS[probe.name]!) {
        const hint = hintOf(probe, item);
        const which = `${probe.name} ${JSON.stringify(item)}`;
        assert.match(hint, phrase, which);
        assert.equal(safeHint(hint), hint, which);
      }
    }
  });

  it('handles: only what stays until code closes it keeps the settle wait from waiting', async function () {
    const instance = await createProbe(handlesProbe, { ignore: [] });
    const endsByItself = (type: string) => instance.mayEndByItself!([{ id: `${type}#1`, label: type, type }]);
    for (const type of ['TCPServerWrap', 'PipeServerWrap', 'FSEventWrap', 'StatWatcher', 'UDPWrap', 'TTYWrap', 'SignalWrap']) {
      assert.equal(endsByItself(type), false, type);
    }
    for (const type of ['Immediate', 'FSReqCallback', 'TCPSocketWrap', 'PipeWrap', 'ProcessWrap', 'WriteWrap', 'SomethingElse']) {
      assert.equal(endsByItself(type), true, type);
    }
  });
});
