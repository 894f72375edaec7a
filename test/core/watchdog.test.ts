/**
 * The watchdog's worker thread opens descriptors for its own event loop (an epoll, an
 * eventfd, a pipe). They must be open before leakguard measures any test, and closed
 * when the watchdog stops: otherwise the first test of a run with custom probes (or of a
 * `mocha --watch` rerun, whose previous watchdog was still ending) is blamed for them.
 */
import { strict as assert } from 'node:assert';
import { ProbeWatchdog } from '../../src/core/watchdog';
import { openDescriptors } from '../helpers/descriptors';

/** The open descriptors of event loops (an epoll and an eventfd each), by target. */
function eventLoopDescriptors(): string[] {
  return openDescriptors()
    .map(([, target]) => target)
    .filter((target) => /anon_inode:\[?(eventpoll|eventfd)/.test(target));
}

describe('the probe watchdog', function () {
  before(function () {
    if (process.platform !== 'linux') this.skip();
  });

  it("has its thread's descriptors open once start() resolves, and closed once stop() does", async () => {
    const before = eventLoopDescriptors();
    const watchdog = await ProbeWatchdog.start(['custom'], 60_000);
    assert.ok(watchdog, 'no worker could be started');
    const running = eventLoopDescriptors();
    assert.ok(running.length > before.length, `no descriptor of the worker's event loop yet: ${running.join(', ')}`);
    await watchdog.stop();
    // Fewer, not equal: another test's worker may end meanwhile, and that is no concern here.
    const stopped = eventLoopDescriptors();
    assert.ok(stopped.length <= before.length, `the worker's descriptors are still open: ${stopped.join(', ')}`);
  });
});
