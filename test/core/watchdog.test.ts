/**
 * The watchdog's worker thread opens descriptors for its own event loop (an epoll, an
 * eventfd, a pipe). They must be open before leakguard measures any test, and closed
 * when the watchdog stops: otherwise the first test of a run with custom probes (or of a
 * `mocha --watch` rerun, whose previous watchdog was still ending) is blamed for them.
 */
import { strict as assert } from 'node:assert';
import { readdirSync, readlinkSync } from 'node:fs';
import { ProbeWatchdog } from '../../src/core/watchdog';

/** The targets of this process's open descriptors, without the listing's own. */
function openTargets(): string[] {
  const targets: string[] = [];
  for (const name of readdirSync('/proc/self/fd')) {
    try {
      targets.push(readlinkSync(`/proc/self/fd/${name}`));
    } catch {
      // The listing's own descriptor, closed by now.
    }
  }
  return targets.sort();
}

/** The descriptors of event loops (an epoll and an eventfd each). */
const event = (targets: string[]): string[] => targets.filter((target) => /anon_inode:\[?(eventpoll|eventfd)/.test(target));

describe('the probe watchdog', function () {
  before(function () {
    if (process.platform !== 'linux') this.skip();
  });

  it("has its thread's descriptors open once start() resolves, and closed once stop() does", async () => {
    const before = event(openTargets());
    const watchdog = await ProbeWatchdog.start(['custom'], 60_000);
    assert.ok(watchdog, 'no worker could be started');
    const running = event(openTargets());
    assert.ok(running.length > before.length, `no descriptor of the worker's event loop yet: ${running.join(', ')}`);
    await watchdog.stop();
    // Fewer, not equal: another test's worker may end meanwhile, and that is no concern here.
    const stopped = event(openTargets());
    assert.ok(stopped.length <= before.length, `the worker's descriptors are still open: ${stopped.join(', ')}`);
  });
});
