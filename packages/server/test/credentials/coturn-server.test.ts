/**
 * Credentials minted by the coturn provider, checked by a real coturn on loopback:
 * `turnutils_uclient` allocates a relay and exchanges messages through it only when coturn
 * accepts the credential.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCoturn, type Coturn } from '@icelane/testing';
import { createCoturnProvider } from '../../src/credentials/coturn.js';
import { createIceSource } from '../../src/credentials/ice-source.js';
import type { TurnCredential } from '../../src/credentials/provider.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { captureLogger } from './log-capture.js';
import { receivedMessages, allocateAndRelay } from './turn-allocation.js';

let coturn: Coturn;

beforeAll(async () => {
  coturn = await startCoturn({ secret: `coturn-secret-${process.pid}` });
});
afterAll(async () => {
  await coturn?.stop();
});

const relayWith = (credential: Pick<TurnCredential, 'iceServers'>) =>
  allocateAndRelay(coturn, credential);

describe('coturn provider against a real coturn', () => {
  it('mints credentials coturn accepts, and the relay carries messages', async () => {
    const provider = createCoturnProvider({ urls: [coturn.udpUrl], secrets: [coturn.secret] });
    const run = await relayWith(await provider.mint({ ttlSeconds: 600, sessionId: 'accepted' }));
    expect(run.code, run.output).toBe(0);
    expect(receivedMessages(run.output)).toBeGreaterThan(0);
  });

  it('hands a joining client, through the ICE source, a TURN server coturn accepts', async () => {
    const log = captureLogger();
    const ice = createIceSource(
      {
        stunUrls: [coturn.stunUrl],
        provider: createCoturnProvider({
          urls: [coturn.udpUrl, coturn.tcpUrl],
          secrets: [coturn.secret],
        }),
      },
      { logger: log.logger, metrics: createMetrics({ processMetrics: false }) },
    );
    try {
      const answer = await ice.iceFor({ sessionId: 'joiner' });
      expect(answer).toMatchObject({ turn: true, policy: 'all' });
      expect(answer.iceServers.flatMap((server) => server.urls)).toEqual([
        coturn.stunUrl,
        coturn.udpUrl,
        coturn.tcpUrl,
      ]);
      const run = await relayWith(answer);
      expect(run.code, run.output).toBe(0);
      expect(receivedMessages(run.output)).toBeGreaterThan(0);
      expect(log.text()).not.toContain(coturn.secret);
    } finally {
      await ice.close();
    }
  });

  it('keeps working during a rotation, minting with the secret listed first', async () => {
    const provider = createCoturnProvider({
      urls: [coturn.udpUrl],
      secrets: [coturn.secret, 'retired-secret'],
    });
    const run = await relayWith(await provider.mint({ ttlSeconds: 600 }));
    expect(run.code, run.output).toBe(0);
  });

  it('is refused when minted with another secret', async () => {
    const provider = createCoturnProvider({
      urls: [coturn.udpUrl],
      secrets: ['not-the-coturn-secret', coturn.secret],
    });
    const run = await relayWith(await provider.mint({ ttlSeconds: 600 }));
    expect(run.code).not.toBe(0);
    expect(receivedMessages(run.output)).toBe(0);
    expect(run.output).toMatch(/Cannot complete Allocation/);
  });

  it('is refused once expired', async () => {
    const twoHoursAgo = Date.now() - 2 * 3600_000;
    const provider = createCoturnProvider({
      urls: [coturn.udpUrl],
      secrets: [coturn.secret],
      now: () => twoHoursAgo,
    });
    const run = await relayWith(await provider.mint({ ttlSeconds: 3600 }));
    expect(run.code).not.toBe(0);
    expect(receivedMessages(run.output)).toBe(0);
  });
});
