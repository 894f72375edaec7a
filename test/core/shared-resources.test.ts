/**
 * One resource several probes saw in one unit is one item (core/shared-resources.ts), on
 * items shaped as the built-in probes make them. End to end, with a real child process
 * and a real server: test/mocha/causes.test.ts.
 */
import { strict as assert } from 'node:assert';
import type { Leak } from '../../src/core/report-model';
import { mergeSharedResources } from '../../src/core/shared-resources';

function leak(probe: string, items: Leak['items'], overrides: Partial<Leak> = {}): Leak {
  return { test: 't', kind: 'test', probe, delta: items.length, unit: 'count', threshold: 0, items, ...overrides };
}

const child = { id: 'child:1234', type: 'process', label: 'child process pid 1234: node worker.js', pid: 1234, fds: [20, 22, 24] };
const processHandle = { id: 'handle:4', type: 'ProcessWrap', label: 'child process pid 1234: node worker.js', pid: 1234, fds: [20, 22, 24] };
const pipeHandles = [20, 22, 24].map((fd, index) => ({ id: `handle:${index + 1}`, type: 'PipeWrap', label: 'pipe or Unix socket', fd }));
const pipeFds = [20, 22, 24].map((fd) => ({ id: String(fd), type: 'socket', label: `fd ${fd} -> unix socket unnamed (connected)`, fd }));

describe('mergeSharedResources', () => {
  it('a child process and its pipes: one item under children, the handles and fds leaks gone', () => {
    const merged = mergeSharedResources([leak('fds', pipeFds), leak('handles', [...pipeHandles, processHandle]), leak('children', [child])]);
    assert.equal(merged.length, 1);
    const [only] = merged;
    assert.equal(only!.probe, 'children');
    assert.equal(only!.delta, 1);
    assert.equal(only!.items.length, 1);
    assert.equal(only!.items[0]!.label, 'child process pid 1234: node worker.js, with 3 pipes (fds 20, 22, 24)');
    assert.deepEqual(
      (only!.items[0]!.facets as { probe: string; id: string }[]).map((facet) => `${facet.probe} ${facet.id}`).sort(),
      ['fds 20', 'fds 22', 'fds 24', 'handles handle:1', 'handles handle:2', 'handles handle:3', 'handles handle:4'],
    );
  });

  it('the same, merged in two steps (a unit\'s leaks found at different times): one suffix, every facet', () => {
    const first = mergeSharedResources([leak('handles', [...pipeHandles, processHandle]), leak('children', [child])]);
    const merged = mergeSharedResources([...first, leak('fds', pipeFds)]);
    assert.equal(merged.length, 1);
    assert.equal(merged[0]!.items[0]!.label, 'child process pid 1234: node worker.js, with 3 pipes (fds 20, 22, 24)');
    assert.deepEqual(
      (merged[0]!.items[0]!.facets as { probe: string; id: string }[]).map((facet) => `${facet.probe} ${facet.id}`).sort(),
      ['fds 20', 'fds 22', 'fds 24', 'handles handle:1', 'handles handle:2', 'handles handle:3', 'handles handle:4'],
    );
  });

  it('without the children probe, the process handle holds its pipes under handles', () => {
    const merged = mergeSharedResources([leak('handles', [...pipeHandles, processHandle])]);
    assert.equal(merged.length, 1);
    assert.equal(merged[0]!.delta, 1);
    assert.deepEqual(merged[0]!.items.map((item) => item.id), ['handle:4']);
  });

  it('a server and its listening descriptor: one item under handles, with its fd', () => {
    const server = { id: 'handle:9', type: 'TCPServerWrap', label: 'server listening on 127.0.0.1:4000', fd: 21, stack: ['/p/test/a.js:7:3'] };
    const file = { id: '30', type: 'file', label: 'fd 30 -> /tmp/x.log', fd: 30 };
    const fds = leak('fds', [{ id: '21', type: 'socket', label: 'fd 21 -> TCP listening 127.0.0.1:4000', fd: 21 }, file]);
    const merged = mergeSharedResources([fds, leak('handles', [server])]);
    assert.deepEqual(merged.map((each) => [each.probe, each.delta, each.items.map((item) => item.label)]), [
      // What else the fds probe saw stays its leak, one less.
      ['fds', 1, ['fd 30 -> /tmp/x.log']],
      ['handles', 1, ['server listening on 127.0.0.1:4000 (fd 21)']],
    ]);
    assert.deepEqual(merged[1]!.items[0]!.stack, server.stack);
  });

  it('keeps a leak that lost items only while what is left is over its threshold, and counts what was not kept', () => {
    const fds = leak('fds', [...pipeFds, { id: '30', label: 'fd 30', fd: 30 }], { threshold: 1, delta: 60, itemsTotal: 60 });
    const [left] = mergeSharedResources([fds, leak('children', [child])]).filter((each) => each.probe === 'fds');
    assert.equal(left!.delta, 57);
    assert.equal(left!.itemsTotal, 57);
    assert.deepEqual(left!.items.map((item) => item.id), ['30']);
    const under = leak('fds', [...pipeFds, { id: '30', label: 'fd 30', fd: 30 }], { threshold: 1 });
    assert.deepEqual(mergeSharedResources([under, leak('children', [child])]).map((each) => each.probe), ['children']);
  });

  it("a plugin probe's item that names its descriptor: kept under the plugin, before fds, after handles", () => {
    const connection = { id: 'orders#2', label: 'connection orders#2 acquired by findOrder', fd: 25 };
    const descriptor = { id: '25', type: 'socket', label: 'fd 25 -> TCP 127.0.0.1:50000 -> 127.0.0.1:5432 (ESTABLISHED)', fd: 25 };
    const underPlugin = mergeSharedResources([leak('fds', [descriptor]), leak('db-pool', [connection])]);
    assert.deepEqual(underPlugin.map((each) => [each.probe, each.items[0]!.label]), [['db-pool', 'connection orders#2 acquired by findOrder (fd 25)']]);
    const socket = { id: 'handle:3', type: 'TCPSocketWrap', label: 'socket 127.0.0.1:50000 -> 127.0.0.1:5432', fd: 25 };
    const underHandles = mergeSharedResources([leak('fds', [descriptor]), leak('handles', [socket]), leak('db-pool', [connection])]);
    assert.deepEqual(underHandles.map((each) => each.probe), ['handles']);
  });

  it('leaves alone what shares nothing: the same objects back', () => {
    const leaks = [leak('fds', [{ label: 'fd 30', fd: 30 }]), leak('handles', [{ label: 'timer' }]), leak('children', [{ ...child, fds: [] }])];
    const merged = mergeSharedResources(leaks);
    assert.equal(merged.length, 3);
    merged.forEach((each, index) => assert.equal(each, leaks[index]));
  });

  it('ignores names that are no pid or descriptor (a plugin probe\'s own fields)', () => {
    const leaks = [leak('db', [{ label: 'a', pid: -1, fd: 1.5, fds: ['20'] as unknown as number[] }]), leak('fds', [{ label: 'fd 20', fd: 20 }])];
    assert.deepEqual(mergeSharedResources(leaks), leaks);
  });
});
