'use strict';
/**
 * Preloaded with `node --require` into every benchmarked Mocha process: writes its peak
 * RSS and CPU time to $BENCH_USAGE_FILE at exit. Works where /usr/bin/time is missing.
 * CPU time is kept besides wall time because it suffers less from other load on the machine.
 */
const fs = require('node:fs');

process.on('exit', () => {
  const { maxRSS, userCPUTime, systemCPUTime } = process.resourceUsage();
  fs.writeFileSync(process.env.BENCH_USAGE_FILE, JSON.stringify({ peakRss: maxRSS * 1024, cpuMs: (userCPUTime + systemCPUTime) / 1000 }));
});
