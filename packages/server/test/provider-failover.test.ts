/**
 * Provider failover seen from the clients of a real server: Cloudflare (the local fake of its
 * API) first, a real coturn next. Cloudflare answers 500, then hangs; real socket.io clients
 * joining meanwhile receive coturn credentials that really allocate a relay on coturn; when
 * Cloudflare recovers, a probe after the cool-down brings new joins back to it. The breaker's
 * rules are unit-tested on fake timers in credentials/breaker.test.ts and failover.test.ts.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { JoinAnswer } from '@icelane/protocol';
import { startCoturn, type Coturn } from '@icelane/testing';
import { createCoturnProvider } from '../src/credentials/index.js';
import { startCloudflareFake, type CloudflareFake } from '@icelane/testing';
import { allocateAndRelay, receivedMessages } from './credentials/turn-allocation.js';
import { connect, disconnectAll, request } from './support/clients.js';
import { closeAll, startTestServer, type TestServer } from './support/server.js';
import { cloudflareProviderOn } from './support/cloudflare-provider.js';

const COOLDOWN_MS = 1_500;
const JOIN_TIMEOUT_MS = 600;
/** What a join may take beyond the join timeout on a busy 2-core machine. */
const SLACK_MS = 1_500;
const unlimited = { burst: 100_000, perSecond: 100_000 };

let coturn: Coturn;
let cloudflare: CloudflareFake | null = null;

beforeAll(async () => {
  coturn = await startCoturn({ secret: `failover-secret-${process.pid}` });
});
afterAll(async () => {
  await coturn?.stop();
});
afterEach(async () => {
  disconnectAll();
  await closeAll();
  await cloudflare?.close();
  cloudflare = null;
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Joined {
  answer: JoinAnswer;
  latencyMs: number;
  provider: 'cloudflare' | 'coturn' | 'none';
}

/** A real client joins a room, reads which provider's TURN server it got, and leaves. */
async function joinOnce(server: TestServer, room: string): Promise<Joined> {
  const socket = await connect(server.url);
  const started = Date.now();
  const answer = await request<JoinAnswer>(socket, 'room:join', { room });
  const latencyMs = Date.now() - started;
  if (!('data' in answer)) throw new Error(`join failed: ${JSON.stringify(answer)}`);
  await request(socket, 'room:leave');
  socket.disconnect();
  const turn = answer.data.ice.iceServers.find((server) => server.username);
  const urls = turn ? [turn.urls].flat() : [];
  const provider = !turn
    ? 'none'
    : urls.includes(coturn.udpUrl)
      ? 'coturn'
      : urls.some((url) => url.includes('turn.cloudflare.com'))
        ? 'cloudflare'
        : 'none';
  return { answer: answer.data, latencyMs, provider };
}

async function waitFor<T>(attempt: () => Promise<T | null>, boundMs: number): Promise<T> {
  const deadline = Date.now() + boundMs;
  for (;;) {
    const value = await attempt();
    if (value !== null) return value;
    if (Date.now() > deadline) throw new Error(`not within ${boundMs} ms`);
    await sleep(100);
  }
}

describe('TURN provider failover, end to end', () => {
  it('hands joining clients coturn credentials that allocate while Cloudflare fails, and returns to Cloudflare once it recovers', async () => {
    cloudflare = await startCloudflareFake();
    const api = cloudflare;
    // Down from the start: no cached Cloudflare credential to serve meanwhile.
    api.mode = { kind: 'status', status: 500 };
    const server = await startTestServer({
      ice: {
        stunUrls: [coturn.stunUrl],
        provider: cloudflareProviderOn(api, {
          // Long enough that a 500 answered on a busy machine is still counted as an error, not a
          // timeout; the hang below is given up at this bound.
          timeoutMs: 1_000,
        }),
        fallbacks: [createCoturnProvider({ urls: [coturn.udpUrl], secrets: [coturn.secret] })],
        breaker: { failureThreshold: 2, cooldownMs: COOLDOWN_MS },
        joinTimeoutMs: JOIN_TIMEOUT_MS,
        mintTimeoutMs: 1_200,
        backoff: { baseMs: 250, maxMs: 1_000, factor: 2 },
      },
      options: { rateLimits: { join: unlimited, joinPerIp: unlimited } },
    });
    const readyz = async () =>
      (await (await fetch(`${server.url}/readyz`)).json()) as {
        ready: boolean;
        provider: { provider: string; providers: { provider: string; breaker: string }[] };
      };
    const joins: Joined[] = [];
    const join = async (room: string) => {
      const joined = await joinOnce(server, room);
      joins.push(joined);
      return joined;
    };

    // 500s: every join gets coturn, the first ones after Cloudflare failed them, then directly.
    for (let i = 0; i < 4; i++) {
      const joined = await join(`failover-${i}`);
      expect(joined.provider).toBe('coturn');
      expect(joined.answer.ice.turn).toBe(true);
    }
    // A client that stays in its call, on coturn's servers, through the recovery below.
    const held = await connect(server.url);
    const heldJoin = await request<JoinAnswer>(held, 'room:join', { room: 'failover-held' });
    if (!('data' in heldJoin)) throw new Error(JSON.stringify(heldJoin));
    expect(heldJoin.data.ice.iceServers.some((s) => s.urls === coturn.udpUrl)).toBe(true);

    // The credentials a client received really open a relay on coturn.
    const run = await allocateAndRelay(coturn, joins[0]!.answer.ice);
    expect(run.code, run.output).toBe(0);
    expect(receivedMessages(run.output)).toBeGreaterThan(0);
    expect(await readyz()).toMatchObject({
      ready: true,
      provider: {
        provider: 'coturn',
        providers: [
          { provider: 'cloudflare', breaker: 'open' },
          { provider: 'coturn', breaker: 'closed' },
        ],
      },
    });

    // Then Cloudflare hangs: joins keep getting coturn without waiting on it, while the probes
    // after each cool-down time out.
    api.mode = { kind: 'hang' };
    const hangStart = Date.now();
    const timedOut = () =>
      server.counter('icelane_credential_mints_total', {
        provider: 'cloudflare',
        outcome: 'timeout',
      });
    const failedCalls = async () =>
      (await server.counter('icelane_credential_mints_total', {
        provider: 'cloudflare',
        outcome: 'error',
      })) + (await timedOut());
    const onCoturnSoFar = () => joins.filter((joined) => joined.provider === 'coturn').length;
    // Two cool-downs at least, until a probe's call has timed out (a probe that finds the
    // provider still backing off makes no call), and until the joins on coturn outnumber the
    // calls to Cloudflare: an open breaker keeps joins off the failing provider, so on a slow
    // machine fewer joins fit in a cool-down but no more calls are made. Without the breaker
    // every join would call, and the loop would end at its bound.
    while (
      Date.now() - hangStart < 2 * COOLDOWN_MS + 500 ||
      (await timedOut()) === 0 ||
      (await failedCalls()) >= onCoturnSoFar()
    ) {
      if (Date.now() - hangStart > 20_000) {
        throw new Error(
          `within 20 s: ${await timedOut()} timed-out probes, ${await failedCalls()} Cloudflare calls for ${onCoturnSoFar()} joins on coturn`,
        );
      }
      expect((await join('failover-hang')).provider).toBe('coturn');
      await sleep(100);
    }
    const slowest = Math.max(...joins.map((joined) => joined.latencyMs));
    expect(slowest).toBeLessThan(JOIN_TIMEOUT_MS + SLACK_MS);

    // Recovery: the next probe mints, and new joins are Cloudflare's again.
    api.mode = { kind: 'ok', status: 201 };
    const recoveredAt = Date.now();
    await waitFor(async () => {
      const joined = await join('failover-back');
      return joined.provider === 'cloudflare' ? joined : null;
    }, COOLDOWN_MS + 5_000);
    const backAfterMs = Date.now() - recoveredAt;
    const onCoturn = joins.filter((joined) => joined.provider === 'coturn').length;
    console.log(
      `failover: ${onCoturn} joins on coturn during the outage, slowest ${slowest} ms; ` +
        `back on cloudflare ${backAfterMs} ms after it recovered`,
    );
    expect(joins.every((joined) => joined.answer.ice.turn)).toBe(true);
    expect(await readyz()).toMatchObject({
      provider: { provider: 'cloudflare', providers: [{ breaker: 'closed' }, {}] },
    });
    expect((await join('failover-after')).provider).toBe('cloudflare');

    const counter = (name: string, labels?: Record<string, string>) => server.counter(name, labels);
    // Its relay usage, reported now that Cloudflare serves again, is still coturn's.
    const report = {
      peerId: 'remotePeerId0001',
      attempt: 1,
      bytesSent: 1_000,
      bytesReceived: 2_000,
      relayedMs: 500,
      relayProtocol: 'udp',
      final: true,
    };
    expect(await request(held, 'connection:usage', report)).toEqual({ data: { recorded: true } });
    expect(await counter('icelane_relay_bytes_total', { provider: 'coturn' })).toBe(3_000);
    expect(await counter('icelane_relay_bytes_total', { provider: 'cloudflare' })).toBe(0);
    const moves = (from: string, to: string) =>
      counter('icelane_turn_failovers_total', { from, to });
    expect(await moves('cloudflare', 'coturn')).toBe(1);
    expect(await moves('coturn', 'cloudflare')).toBe(1);
    // The held client's join too.
    expect(await counter('icelane_turn_answers_total', { provider: 'coturn' })).toBe(onCoturn + 1);
    expect(await counter('icelane_turn_answers_total', { provider: 'cloudflare' })).toBe(2);
    expect(await counter('icelane_stun_only_answers_total')).toBe(0);
    const cloudflareCalls = (outcome: string) =>
      counter('icelane_credential_mints_total', { provider: 'cloudflare', outcome });
    expect(await cloudflareCalls('error')).toBeGreaterThan(0);
    expect(await cloudflareCalls('timeout')).toBeGreaterThan(0);
    // Fewer calls than joins: an open breaker keeps joins off the failing provider.
    expect((await cloudflareCalls('error')) + (await cloudflareCalls('timeout'))).toBeLessThan(
      onCoturn,
    );
  }, 60_000);
});
