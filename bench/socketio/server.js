// The Socket.IO 4 peer of the Pagewire benchmarks, with the semantics of the Pagewire bench server:
// GET /echo renders a small HTML page; a socket answers event `echo` by emitting it back, is in
// room `fan` from its connection on, and event `fanout` broadcasts its data to that room as `fan`.
// Both transports are allowed (websocket and HTTP long-polling), as Socket.IO's defaults do.
//
// Control, the same as the JVM bench servers: prints `READY <port>` once listening; reads commands
// on stdin: `heap` forces a GC (node --expose-gc) and prints `HEAP <heapUsed bytes>`; `stop` exits.
//
// Usage: node --expose-gc server.js <port>
'use strict';

const http = require('node:http');
const readline = require('node:readline');
const { Server } = require('socket.io');

const HTML = '<!doctype html><html><head><title>echo</title></head><body><p>echo</p></body></html>';

const port = Number(process.argv[2] || 0);
const httpServer = http.createServer((req, res) => {
  if (req.method === 'GET' && req.url.split('?')[0] === '/echo') {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    res.end(HTML);
    return;
  }
  res.writeHead(404, { 'content-type': 'text/plain' });
  res.end('not found\n');
});
const io = new Server(httpServer, { transports: ['polling', 'websocket'], serveClient: false });
io.on('connection', (socket) => {
  socket.join('fan');
  socket.on('echo', (data) => socket.emit('echo', data));
  socket.on('fanout', (data) => io.to('fan').emit('fan', data));
});

// The JVM servers' backlog too (Node's default is 511), so that a burst of connects meets the same queue.
httpServer.listen({ port, host: '127.0.0.1', backlog: 1024 }, () => {
  console.log(`READY ${httpServer.address().port}`);
});

readline
  .createInterface({ input: process.stdin })
  .on('line', (line) => {
    const command = line.trim();
    if (command === 'heap') {
      if (typeof global.gc !== 'function') {
        console.log('ERROR heap needs node --expose-gc');
        return;
      }
      global.gc();
      console.log(`HEAP ${process.memoryUsage().heapUsed}`);
    } else if (command === 'stop') {
      process.exit(0);
    } else if (command !== '') {
      console.log(`ERROR unknown command: ${command}`);
    }
  })
  .on('close', () => process.exit(0));
