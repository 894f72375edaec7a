'use strict';
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { createWorkspace } = require('../lib/workspace');

describe('invoice workspace', () => {
  // Removed once this suite is done, so that running the example again leaves no litter.
  const forgotten = [];
  after(() => forgotten.forEach((workspace) => workspace.remove()));

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
