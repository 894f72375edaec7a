'use strict';
/**
 * The naive reference design: a full GC and every counter read in full, before and after
 * every test. Needs `node --expose-gc`. Used only to show what leakguard's design saves.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

function sampleEverything() {
  global.gc();
  const memory = process.memoryUsage();
  const fds = fs.readdirSync('/proc/self/fd').map((fd) => {
    try {
      return fs.readlinkSync(path.join('/proc/self/fd', fd));
    } catch {
      return undefined; // the descriptor readdir itself used, closed by now
    }
  });
  const resources = process.getActiveResourcesInfo();
  const tmp = fs.readdirSync(os.tmpdir());
  return { memory, fds, resources, tmp };
}

// Readings are taken, not compared: comparing a few arrays is cheap next to taking them.
exports.mochaHooks = { beforeEach: sampleEverything, afterEach: sampleEverything };
