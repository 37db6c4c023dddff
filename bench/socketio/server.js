// The Socket.IO 4 peer of the Pagewire benchmarks, with the semantics of the Pagewire bench server:
// GET /echo renders a small HTML page; a socket answers event `echo` by emitting it back, is in
// room `fan` from its connection on, and event `fanout` broadcasts its data to that room as `fan`.
// Both transports are allowed (websocket and HTTP long-polling), as Socket.IO's defaults do.
// GET /pageload is the page-load scenario's page, the equivalent of Pagewire's (BenchHtml.PAGELOAD):
// the same minimal HTML loading Socket.IO's client from this server, `/socket.io/socket.io.js` as
// Socket.IO's documentation writes it (served by Socket.IO itself: `serveClient`, its default), and
// recording `window.connected` on the socket's first 'connect'.
//
// As one node of a cluster (the bench's cluster scenario), with `--redis URI`: rooms and broadcasts
// span every node on that Redis through an adapter, `--adapter redis` (default:
// @socket.io/redis-adapter, pub/sub) or `--adapter streams` (@socket.io/redis-streams-adapter,
// with connection state recovery on, Socket.IO's answer to a client that reconnects to another
// node). A socket still lives on the node its connection reached: the adapters carry broadcasts,
// not a session's requests, so HTTP long-polling needs sticky sessions.
//
// Control, the same as the JVM bench servers: prints `READY <port>` once listening (and connected
// to Redis); reads commands on stdin: `heap` forces a GC (node --expose-gc) and prints
// `HEAP <heapUsed bytes>`; `stop` exits.
//
// Usage: node --expose-gc server.js <port> [--redis URI [--adapter redis|streams]]
'use strict';

const http = require('node:http');
const readline = require('node:readline');
const { Server } = require('socket.io');

const HTML = '<!doctype html><html><head><title>echo</title></head><body><p>echo</p></body></html>';
const PAGELOAD = `<!doctype html><html><head><title>pageload</title></head><body><p>pageload</p><script src="/socket.io/socket.io.js"></script><script>
const socket = io();
socket.on('connect', () => { window.connected ??= { at: performance.now(), transport: socket.io.engine.transport.name,
  resources: performance.getEntriesByType('resource').length }; });
</script></body></html>
`;

function options(argv) {
  const o = { port: Number(argv[0] || 0), redis: null, adapter: 'redis' };
  for (let i = 1; i < argv.length; i += 2) {
    const value = argv[i + 1];
    if (argv[i] === '--redis' && value) {
      o.redis = value;
    } else if (argv[i] === '--adapter' && (value === 'redis' || value === 'streams')) {
      o.adapter = value;
    } else {
      throw new Error(`unknown argument '${argv[i]}': usage: server.js <port> [--redis URI [--adapter redis|streams]]`);
    }
  }
  return o;
}

/** The cluster's adapter and the server options it needs, or none for a single node. */
async function cluster(o) {
  if (o.redis === null) {
    return {};
  }
  const { createClient } = require('redis');
  const client = createClient({ url: o.redis });
  client.on('error', (e) => console.error(`redis: ${e.message}`));
  if (o.adapter === 'streams') {
    const { createAdapter } = require('@socket.io/redis-streams-adapter');
    await client.connect();
    return { adapter: createAdapter(client), connectionStateRecovery: {} };
  }
  const { createAdapter } = require('@socket.io/redis-adapter');
  const sub = client.duplicate();
  sub.on('error', (e) => console.error(`redis: ${e.message}`));
  await Promise.all([client.connect(), sub.connect()]);
  return { adapter: createAdapter(client, sub) };
}

async function main() {
  const o = options(process.argv.slice(2));
  const httpServer = http.createServer((req, res) => {
    const path = req.url.split('?')[0];
    if (req.method === 'GET' && (path === '/echo' || path === '/pageload')) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      res.end(path === '/echo' ? HTML : PAGELOAD);
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('not found\n');
  });
  const io = new Server(httpServer, {
    transports: ['polling', 'websocket'],
    serveClient: true,
    ...(await cluster(o)),
  });
  io.on('connection', (socket) => {
    socket.join('fan');
    socket.on('echo', (data) => socket.emit('echo', data));
    socket.on('fanout', (data) => io.to('fan').emit('fan', data));
  });

  // The JVM servers' backlog too (Node's default is 511), so that a burst of connects meets the same queue.
  httpServer.listen({ port: o.port, host: '127.0.0.1', backlog: 1024 }, () => {
    console.log(`READY ${httpServer.address().port}`);
  });
}

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

main().catch((e) => {
  console.log(`ERROR ${e.message}`);
  console.error(e);
  process.exit(1);
});
