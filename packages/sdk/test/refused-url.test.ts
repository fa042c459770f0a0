/**
 * Issue 23: a server URL where nothing listens took the whole signaling timeout (10 s) to fail.
 * Connection refused is an answer, not a timeout: the join now ends in about a second.
 */
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { IcelaneError } from '../src/errors.js';
import { connectSignaling } from '../src/signaling.js';

/** A loopback port nothing listens on: bound, read and released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('joining at a URL where nothing listens', () => {
  it('fails with signaling-failed in about a second, well before the timeout', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const started = Date.now();
    const { connected } = connectSignaling(url, { timeoutMs: 10_000, join: { room: 'r' } });
    const error = await connected.catch((e: unknown) => e);
    const elapsedMs = Date.now() - started;
    expect(error).toBeInstanceOf(IcelaneError);
    expect(error).toMatchObject({ code: 'signaling-failed' });
    expect((error as Error).message).toMatch(/could not reach the signaling server at .*no answer/);
    // Three refusals with socket.io's retries between (0.1, 0.2, 0.4 s, each ±50 %): 1.05 s at
    // most; the bound leaves a loaded machine room and is a fifth of the timeout.
    expect(elapsedMs).toBeLessThan(2_000);
  });
});
