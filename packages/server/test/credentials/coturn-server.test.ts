/**
 * Credentials minted by the coturn provider, checked by a real coturn on loopback:
 * `turnutils_uclient` allocates a relay and exchanges messages through it only when coturn
 * accepts the credential.
 */
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCoturn, stopChild, type Coturn } from '@icelane/testing';
import { createCoturnProvider } from '../../src/credentials/coturn.js';
import { createIceSource } from '../../src/credentials/ice-source.js';
import type { TurnCredential } from '../../src/credentials/provider.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { captureLogger } from './log-capture.js';

let coturn: Coturn;

beforeAll(async () => {
  coturn = await startCoturn({ secret: `coturn-secret-${process.pid}` });
});
afterAll(async () => {
  await coturn?.stop();
});

interface ClientRun {
  code: number | null;
  output: string;
}

/** Allocates with the credential and sends one message through the relay. */
async function relayWith(credential: Pick<TurnCredential, 'iceServers'>): Promise<ClientRun> {
  const { username, credential: password } = credential.iceServers.find(
    (server) => server.username,
  )!;
  const args = [
    '-y',
    '-n',
    '1',
    '-c',
    '-u',
    username!,
    '-w',
    password!,
    '-p',
    String(coturn.port),
    coturn.ip,
  ];
  const child = spawn('turnutils_uclient', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  const timer = setTimeout(() => void stopChild(child), 15_000);
  try {
    return { code: await exited, output };
  } finally {
    clearTimeout(timer);
    await stopChild(child);
  }
}

const receivedMessages = (output: string): number => {
  const counts = [...output.matchAll(/tot_recv_msgs=(\d+)/g)].map((match) => Number(match[1]));
  return counts.length > 0 ? Math.max(...counts) : 0;
};

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
