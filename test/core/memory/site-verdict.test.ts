import { strict as assert } from 'node:assert';
import { judgeSite, type SiteEvidence } from '../../../src/core/memory/site-verdict';

const MiB = 1024 * 1024;
const threshold = MiB;

function evidence(partial: Partial<SiteEvidence>): SiteEvidence {
  return { testBytes: [], hookBytes: 0, stoppedGrowing: false, ownCode: false, ...partial };
}

describe('judgeSite', () => {
  it('several tests that each keep a little add up to a leak', () => {
    assert.equal(judgeSite(evidence({ testBytes: Array(30).fill(300 * 1024) }), threshold), 'leak');
  });

  it('a site that gave memory back while tests fed it and stopped growing is bounded (an LRU at its bound)', () => {
    assert.equal(judgeSite(evidence({ testBytes: [512 * 1024, 512 * 1024, 512 * 1024, 512 * 1024], stoppedGrowing: true }), threshold), 'bounded');
  });

  it('one stray sample from a second test does not make a lazily built table a leak', () => {
    assert.equal(judgeSite(evidence({ testBytes: [3 * MiB, 128 * 1024] }), threshold), 'one-time');
  });

  it('one test: the site growing again when it ran again is a leak, not growing is one-time growth', () => {
    assert.equal(judgeSite(evidence({ testBytes: [3 * MiB], keptAgainBytes: 3 * MiB }), threshold), 'leak');
    assert.equal(judgeSite(evidence({ testBytes: [3 * MiB], keptAgainBytes: 0 }), threshold), 'one-time');
    // A bounded cache that evicted as much as the run again added: the site did not grow.
    assert.equal(judgeSite(evidence({ testBytes: [3 * MiB], keptAgainBytes: 64 * 1024, ownCode: true }), threshold), 'one-time');
  });

  it('one test not run again: its own code storing memory is a leak, code it calls is one-time growth', () => {
    assert.equal(judgeSite(evidence({ testBytes: [2 * MiB], ownCode: true }), threshold), 'leak');
    assert.equal(judgeSite(evidence({ testBytes: [2 * MiB], ownCode: false }), threshold), 'one-time');
  });

  it('below the threshold in all is nothing to say; hooks alone are one-time growth', () => {
    assert.equal(judgeSite(evidence({ testBytes: [200 * 1024, 200 * 1024] }), threshold), 'small');
    assert.equal(judgeSite(evidence({ testBytes: [], hookBytes: 5 * MiB }), threshold), 'one-time');
  });
});
