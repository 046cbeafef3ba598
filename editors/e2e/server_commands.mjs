// server_commands.mjs SERVER_BIN ROOT -- prints, as JSON, the command ids the server lists in
// executeCommandProvider.commands (the tests compare the editors' palettes against it).
import { spawn } from 'node:child_process';
import { pathToFileURL } from 'node:url';

const [server, root] = process.argv.slice(2);
const child = spawn(server, ['serve'], { stdio: ['pipe', 'pipe', 'ignore'] });
const send = (message) => {
  const body = JSON.stringify({ jsonrpc: '2.0', ...message });
  child.stdin.write(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
};
let buffer = Buffer.alloc(0);
const timer = setTimeout(() => {
  console.error('server_commands: no answer to initialize');
  child.kill();
  process.exit(1);
}, 20000);
child.stdout.on('data', (chunk) => {
  buffer = Buffer.concat([buffer, chunk]);
  for (;;) {
    const header = buffer.indexOf('\r\n\r\n');
    if (header < 0) return;
    const length = Number(/Content-Length: (\d+)/i.exec(buffer.subarray(0, header).toString())?.[1]);
    if (buffer.length < header + 4 + length) return;
    const message = JSON.parse(buffer.subarray(header + 4, header + 4 + length).toString());
    buffer = buffer.subarray(header + 4 + length);
    if (message.id === 1) {
      console.log(JSON.stringify(message.result?.capabilities?.executeCommandProvider?.commands ?? []));
      clearTimeout(timer);
      send({ id: 2, method: 'shutdown' });
    } else if (message.id === 2) {
      send({ method: 'exit' });
      child.stdin.end();
    }
  }
});
send({ id: 1, method: 'initialize', params: { processId: process.pid, rootUri: pathToFileURL(root).href, capabilities: {} } });
