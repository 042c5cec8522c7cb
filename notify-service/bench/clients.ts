/**
 * WebSocket clients for the benchmark, in a process of their own (the server's memory is
 * measured without them). Records each notification's latency from its `createdAt`.
 */
import { WebSocket } from 'ws';
import type { ClientCommand, ClientReply } from './protocol.ts';

const send = (reply: ClientReply) => process.send?.(reply);
const sockets: WebSocket[] = [];
let latencies: number[] = [];
let received = 0;

function open(url: string, token: string, localAddress: string): Promise<boolean> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`${url}/ws/notifications?access_token=${token}`, {
      localAddress,
      perMessageDeflate: false,
    });
    ws.on('open', () => {
      sockets.push(ws);
      resolve(true);
    });
    ws.on('message', (data) => {
      const at = Date.now();
      const frame = JSON.parse(data.toString()) as { notification?: { createdAt: string } };
      if (!frame.notification) return;
      received += 1;
      latencies.push(at - Date.parse(frame.notification.createdAt));
    });
    ws.on('error', () => resolve(false));
  });
}

process.on('message', async (message: ClientCommand) => {
  switch (message.cmd) {
    case 'open': {
      let failed = 0;
      for (let i = 0; i < message.tokens.length; i += 200) {
        const batch = message.tokens.slice(i, i + 200);
        const results = await Promise.all(
          batch.map((token, j) =>
            open(message.url, token, message.localAddresses[(i + j) % message.localAddresses.length]!),
          ),
        );
        failed += results.filter((ok) => !ok).length;
      }
      send({ type: 'opened', open: sockets.length, failed });
      return;
    }
    case 'reset':
      latencies = [];
      received = 0;
      return;
    case 'report':
      send({ type: 'report', received, latencies });
      return;
    case 'close':
      for (const ws of sockets) ws.terminate();
      send({ type: 'closed' });
      setTimeout(() => process.exit(0), 100);
  }
});
