'use strict';

/**
 * Where the caller is: the current stack as `fn (file:line:col)` frames, without the frames
 * of `ownFile` (the module asking), of Node itself and of node_modules (Mocha). Probes put
 * this in an item's `stack`, and leakguard prints where it was created from it ("created at
 * <the test's frame>, via <the first frame>").
 */
function callerFrames(ownFile, max = 5) {
  return (new Error().stack ?? '')
    .split('\n')
    .slice(1)
    .map((line) => line.trim().replace(/^at /, ''))
    .filter((frame) => !frame.includes(__filename) && !frame.includes(ownFile))
    .filter((frame) => !frame.includes('node:') && !frame.includes('node_modules'))
    .slice(0, max);
}

module.exports = { callerFrames };
