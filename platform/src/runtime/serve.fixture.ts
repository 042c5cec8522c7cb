// A tiny service for serve.int.test.ts: one slow route, served with the shared runtime.
import { createHttpServer } from '../http/server.ts';
import { createLogger } from '../logging/index.ts';
import { serve } from './index.ts';

const logger = createLogger('fixture', 'silent');
const app = await createHttpServer({ logger, title: 'fixture' });
app.get('/slow', async () => {
  await new Promise((resolve) => setTimeout(resolve, 800));
  return { finished: true };
});
await serve({
  app,
  logger,
  host: '127.0.0.1',
  port: 0,
  onClose: async () => {
    process.stdout.write('resources released\n');
  },
});
const address = app.server.address();
process.stdout.write(`listening ${typeof address === 'object' && address ? address.port : 0}\n`);
