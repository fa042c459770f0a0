/** The demo command's processes: SIGTERM (what Ctrl-C sends) stops coturn and the server. */
import { createServer } from 'node:net';
import { expect, test } from '@playwright/test';
import { startDemoStack } from './demo-stack.js';

test('stopping the demo frees its ports, so it can start again', async () => {
  const { url, turnPort, stop } = await startDemoStack();
  await stop();
  const port = Number(new URL(url).port);
  await expect(fetch(url)).rejects.toThrow();
  // Both ports can be bound again: coturn and the server are gone, not orphaned.
  for (const p of [port, turnPort]) {
    await new Promise<void>((resolve, reject) => {
      const server = createServer();
      server.once('error', reject);
      server.listen(p, '127.0.0.1', () => server.close(() => resolve()));
    });
  }
});
