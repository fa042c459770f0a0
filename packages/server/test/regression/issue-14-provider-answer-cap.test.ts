/**
 * Issue 14, defect 11: the provider's answer was read whole, with no size cap (a 20 MB answer
 * during 20 per-session joins peaked at 404 MB). Now an answer above the cap is refused as a bad
 * response, its rest never read, and the error names neither the token nor the content.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createCloudflareProvider } from '../../src/credentials/cloudflare.js';
import { PROVIDER_ANSWER_MAX_BYTES } from '../../src/credentials/http-call.js';
import { ProviderError } from '../../src/credentials/provider.js';

const TOKEN = 'cf-token-never-printed-7d1e';
const ANSWER_BYTES = 20 * 1024 * 1024;
const servers: Server[] = [];

afterEach(async () => {
  await Promise.all(
    servers.splice(0).map(
      (server) =>
        new Promise((resolve) => {
          server.closeAllConnections();
          server.close(resolve);
        }),
    ),
  );
});

/**
 * A Cloudflare API whose answer is valid and 20 MB large: the servers, then padding. Counts the
 * bytes it managed to send, with or without a `content-length`.
 */
async function hugeAnswerApi(declareLength: boolean) {
  const head = JSON.stringify({
    iceServers: [{ urls: ['turn:127.0.0.1:3478'], username: 'u', credential: 'c' }],
    padding: '',
  }).slice(0, -2);
  const chunk = 'x'.repeat(64 * 1024);
  const chunks = Math.ceil(ANSWER_BYTES / chunk.length);
  const total = head.length + chunks * chunk.length + 2;
  const state = { sent: 0, url: '' };
  const server = createServer((req, res) => {
    req.resume();
    res.writeHead(201, {
      'content-type': 'application/json',
      ...(declareLength && { 'content-length': String(total) }),
    });
    res.write(head);
    let i = 0;
    const pump = () => {
      while (i < chunks) {
        i++;
        state.sent += chunk.length;
        if (!res.write(chunk)) return void res.once('drain', pump);
      }
      res.end('"}');
    };
    res.on('error', () => {});
    pump();
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return state;
}

async function mintFrom(url: string): Promise<unknown> {
  const provider = createCloudflareProvider({ keyId: 'key', apiToken: TOKEN, apiUrl: url });
  return provider.mint({ ttlSeconds: 60 }).then(
    () => null,
    (error: unknown) => error,
  );
}

describe('issue 14: a provider answer larger than the cap', () => {
  for (const declareLength of [false, true]) {
    it(`is refused as a bad response, not read whole (${declareLength ? 'with' : 'without'} content-length)`, async () => {
      const api = await hugeAnswerApi(declareLength);
      const error = await mintFrom(api.url);
      expect(error).toBeInstanceOf(ProviderError);
      const { kind, message } = error as ProviderError;
      expect(kind).toBe('bad-response');
      expect(message).toBe(
        `cloudflare mint: answer larger than ${PROVIDER_ANSWER_MAX_BYTES} bytes`,
      );
      expect(message).not.toContain(TOKEN);
      // The reader stopped early: far from the whole answer crossed the socket.
      expect(api.sent).toBeLessThan(ANSWER_BYTES / 2);
    });
  }
});
