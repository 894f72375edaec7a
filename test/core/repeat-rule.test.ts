import { strict as assert } from 'node:assert';
import { judgeRepeats, plainlyLeaking, stillSuspect } from '../../src/core/repeat-rule';

const MB = 1024 * 1024;
const threshold = MB;

describe('repeat rule', () => {
  describe('judgeRepeats', () => {
    it('calls it a leak only when every repeat kept at least half the threshold', () => {
      assert.equal(judgeRepeats([2 * MB, 2 * MB], threshold), 'leak');
      assert.equal(judgeRepeats([0.6 * MB, 0.5 * MB], threshold), 'leak');
      assert.equal(judgeRepeats([2 * MB, 0.1 * MB], threshold), 'retained-once');
      assert.equal(judgeRepeats([0, 2 * MB], threshold), 'retained-once');
      assert.equal(judgeRepeats([], threshold), 'retained-once');
    });
  });

  describe('stillSuspect', () => {
    it('holds before any repeat, and while every repeat so far grew', () => {
      assert.equal(stillSuspect([], threshold), true);
      assert.equal(stillSuspect([2 * MB], threshold), true);
      assert.equal(stillSuspect([0], threshold), false);
    });
  });

  describe('plainlyLeaking', () => {
    it('holds when every repeat kept about what the first run kept, over the threshold', () => {
      assert.equal(plainlyLeaking(2 * MB, [2 * MB], threshold), true);
      assert.equal(plainlyLeaking(2 * MB, [1.7 * MB], threshold), true);
      assert.equal(plainlyLeaking(2 * MB, [2.4 * MB, 2 * MB], threshold), true);
    });

    it('does not hold before a repeat has run', () => {
      assert.equal(plainlyLeaking(2 * MB, [], threshold), false);
    });

    it('does not hold for a repeat that kept much less or much more than the first run (a cache growing its table once more, noise)', () => {
      assert.equal(plainlyLeaking(2.3 * MB, [1.4 * MB], threshold), false);
      assert.equal(plainlyLeaking(1.73 * MB, [1.19 * MB], threshold), false);
      assert.equal(plainlyLeaking(2 * MB, [3 * MB], threshold), false);
    });

    it('does not hold for a repeat under the threshold, even one close to the first run', () => {
      assert.equal(plainlyLeaking(1.1 * MB, [0.95 * MB], threshold), false);
    });
  });
});
