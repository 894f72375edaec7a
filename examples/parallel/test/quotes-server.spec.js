'use strict';
const assert = require('node:assert/strict');
const http = require('node:http');
const { startQuotesServer, stopQuotesServer } = require('../lib/quotes-server');

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
after(() => Promise.all(forgotten.map(stopQuotesServer)));

describe('quotes server', () => {
  it('answers /quote but never closes the server', async () => {
    const server = await startQuotesServer();
    forgotten.push(server);
    assert.deepEqual(await get(server, '/quote'), { status: 200, body: '{"price":101}' });
  });

  it('answers /quote and closes the server', async () => {
    const server = await startQuotesServer();
    try {
      assert.deepEqual(await get(server, '/quote'), { status: 200, body: '{"price":101}' });
    } finally {
      await stopQuotesServer(server);
    }
  });
});
