// A node-ws client for Sockscope's proxy tests, on 127.0.0.1 only:
//   node node_proxy_client.js URL suite [deflate]
// sends text, binary, empty, unicode and 16 MiB messages, prints "OK <name>" for each echoed back
// unchanged, "EXTENSIONS <negotiated>", then "DONE" (or "ERROR <what>").
'use strict';
const WebSocket = require('ws');

const [url, scenario, option] = process.argv.slice(2);
const ws = new WebSocket(url, { perMessageDeflate: option === 'deflate', maxPayload: 64 << 20 });
const cases = [
  ['text', 'hello', false],
  ['binary', Buffer.from([...Array(256).keys()]), true],
  ['empty-text', '', false],
  ['unicode', 'h\u00e9llo \u2603 \u{1F600}', false],
  ['large-text', 'abc'.repeat(3000), false],
  ['16MiB', Buffer.alloc(16 << 20), true],
];
let index = 0;
function sendNext() {
  if (index === cases.length) {
    console.log(`EXTENSIONS ${ws.extensions}`);
    console.log('DONE');
    ws.close(1000);
    return;
  }
  ws.send(cases[index][1], { binary: cases[index][2] });
}
ws.on('open', () => {
  if (scenario !== 'suite') {
    console.log(`ERROR unknown scenario ${scenario}`);
    process.exit(1);
  }
  sendNext();
});
ws.on('message', (data, isBinary) => {
  const [name, payload, binary] = cases[index];
  const same = binary ? isBinary && Buffer.compare(data, payload) === 0
                      : !isBinary && data.toString() === payload;
  console.log(`${same ? 'OK' : 'MISMATCH'} ${name}`);
  ++index;
  sendNext();
});
ws.on('error', (e) => console.log(`ERROR ${e.message}`));
