'use strict';
const http = require('node:http');

/** An HTTP server answering `GET /quote` with `{"price":101}`. Resolves once listening on a free port. */
function startQuotesServer() {
  const server = http.createServer((request, response) => {
    if (request.url === '/quote') {
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify({ price: 101 }));
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
function stopQuotesServer(server) {
  return new Promise((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
}

module.exports = { startQuotesServer, stopQuotesServer };
