'use strict';
const assert = require('node:assert/strict');
const http = require('node:http');
const { startServer, stopServer } = require('../lib/server');

/** GET `path` on a fresh connection (no keep-alive), as { status, body }. */
function get(server, path) {
  const { port } = server.address();
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path, agent: false }, (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk) => (body += chunk));
        response.on('end', () => resolve({ status: response.statusCode, body }));
      })
      .on('error', reject);
  });
}

// Closed when the run ends (a root after(), outside the describe), so that Mocha can exit.
// leakguard judges what a test left when its suite ends: what the suite's own after()
// closed would count as cleaned up.
const forgotten = [];
after(() => Promise.all(forgotten.map(stopServer)));

describe('health server', () => {
  it('answers /health but never closes the server', async () => {
    const server = await startServer();
    forgotten.push(server);
    assert.deepEqual(await get(server, '/health'), { status: 200, body: '{"ok":true}' });
  });

  it('answers /health and closes the server', async () => {
    const server = await startServer();
    try {
      assert.deepEqual(await get(server, '/health'), { status: 200, body: '{"ok":true}' });
    } finally {
      await stopServer(server);
    }
  });
});
