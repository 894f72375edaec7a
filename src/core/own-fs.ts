/**
 * The fs functions leakguard writes its summary, report and findings with, as they were
 * when leakguard loaded (as Node's own "primordials"): a test may stub `fs.writeSync` or
 * `fs.renameSync` and leave them stubbed, and the summary and the report must still be
 * written. Loaded with the plugin, before any test file (see mocha/register.ts); `openSync`
 * is taken before instrument/file-opens.ts wraps it.
 */
import * as fs from 'node:fs';

export const ownFs = {
  closeSync: fs.closeSync,
  fsyncSync: fs.fsyncSync,
  mkdirSync: fs.mkdirSync,
  mkdtempSync: fs.mkdtempSync,
  openSync: fs.openSync,
  readdirSync: fs.readdirSync,
  readFileSync: fs.readFileSync,
  readlinkSync: fs.readlinkSync,
  renameSync: fs.renameSync,
  rmSync: fs.rmSync,
  rmdirSync: fs.rmdirSync,
  statSync: fs.statSync,
  writeFileSync: fs.writeFileSync,
  writeSync: fs.writeSync,
} as const;
