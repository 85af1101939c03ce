// WebSocket peers for Sockscope's tests, on 127.0.0.1 only, with Debian's node-ws.
// Prints "PORT <n>" once listening. Modes:
//   echo                  echoes every message
//   close CODE REASON     closes each connection with CODE and REASON right after the upgrade
//   flood COUNT SIZE      sends COUNT text messages of SIZE bytes to each client, then closes 1000
//   deflate-echo [nct]    echoes with permessage-deflate on (node-ws compresses messages of 1 KiB
//                         and more); nct: no context takeover both ways
'use strict';
const { WebSocketServer } = require('ws');

const [mode = 'echo', a, b] = process.argv.slice(2);
const options = { host: '127.0.0.1', port: 0 };
if (mode === 'deflate-echo') {
  options.perMessageDeflate = a === 'nct'
    ? { serverNoContextTakeover: true, clientNoContextTakeover: true } : true;
  options.maxPayload = 64 * 1024 * 1024;
}
const server = new WebSocketServer(options);

server.on('listening', () => console.log(`PORT ${server.address().port}`));
server.on('connection', (ws, request) => {
  if (mode === 'deflate-echo')
    console.log(`EXTENSIONS ${ws.extensions || ''} OFFER ${request.headers['sec-websocket-extensions'] || ''}`);
  ws.on('close', (code, reason) => console.log(`CLOSED ${code} ${reason}`));
  if (mode === 'close') {
    ws.close(Number(a), b || '');
  } else if (mode === 'flood') {
    const message = 'x'.repeat(Number(b || 64));
    for (let i = 0; i < Number(a); ++i) ws.send(message);
    ws.close(1000, 'done');
  } else {
    ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
  }
});
