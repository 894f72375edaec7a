'use strict';
const http = require('node:http');

/** A tiny HTTP app: `GET /health` answers `{"ok":true}`. Resolves once listening on a free port. */
function startServer() {
  const server = http.createServer((request, response) => {
    if (request.url === '/health') {
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify({ ok: true }));
      return;
    }
    response.statusCode = 404;
    response.end();
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

/** Stop accepting connections; resolves once the server is closed. */
function stopServer(server) {
  return new Promise((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
}

module.exports = { startServer, stopServer };
