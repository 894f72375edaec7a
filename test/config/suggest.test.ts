import { strict as assert } from 'node:assert';
import { didYouMean, editDistance, nearest } from '../../src/config/suggest';

describe('config: suggestions', () => {
  it('counts edits, a swap of neighbours as one, ignoring case', () => {
    assert.equal(editDistance('mode', 'mode'), 0);
    assert.equal(editDistance('Mode', 'mode'), 0);
    assert.equal(editDistance('mdoe', 'mode'), 1);
    assert.equal(editDistance('hep', 'heap'), 1);
    assert.equal(editDistance('', 'rss'), 3);
    assert.equal(editDistance('kitten', 'sitting'), 3);
  });

  it('suggests only near candidates', () => {
    const keys = ['mode', 'report', 'probes', 'plugins', 'sampleTimeoutMs'];
    assert.equal(nearest('mdoe', keys), 'mode');
    assert.equal(nearest('probe', keys), 'probes');
    assert.equal(nearest('sampleTimeout', keys), 'sampleTimeoutMs');
    assert.equal(nearest('verbose', keys), undefined);
    assert.equal(nearest('ab', ['rss', 'fds']), undefined);
    assert.equal(didYouMean('jsn', ['json']), ' — did you mean "json"?');
    assert.equal(didYouMean('xyz', ['json']), '');
  });
});
