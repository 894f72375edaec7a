'use strict';
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { createWorkspace } = require('../lib/workspace');

// Removed when the run ends (a root after(), outside the describe): no litter is left.
// leakguard judges what a test left when its suite ends: what the suite's own after()
// removed would count as cleaned up.
const forgotten = [];
after(() => forgotten.forEach((workspace) => workspace.remove()));

describe('invoice workspace', () => {
  it('writes an invoice but leaves the workspace behind', () => {
    const workspace = createWorkspace({ 'invoice.txt': 'INV-1: 42.00\n' });
    forgotten.push(workspace);
    assert.equal(fs.readFileSync(path.join(workspace.dir, 'invoice.txt'), 'utf8'), 'INV-1: 42.00\n');
  });

  it('writes an invoice and removes the workspace', () => {
    const workspace = createWorkspace({ 'invoice.txt': 'INV-2: 17.50\n' });
    try {
      assert.equal(fs.readFileSync(path.join(workspace.dir, 'invoice.txt'), 'utf8'), 'INV-2: 17.50\n');
    } finally {
      workspace.remove();
    }
  });
});
