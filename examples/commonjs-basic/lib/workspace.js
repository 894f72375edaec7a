'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

/** A scratch directory in the OS temp dir, holding `files` ({ name: content }). The caller must `remove()` it. */
function createWorkspace(files = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'invoice-workspace-'));
  for (const [name, content] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), content);
  return {
    dir,
    remove: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

module.exports = { createWorkspace };
