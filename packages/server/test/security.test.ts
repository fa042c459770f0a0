/**
 * What an attacker with a socket.io client can and cannot do, beyond the cases of
 * signaling.test.ts (forged `from`, rooms kept apart, room cap) and malformed-payloads.test.ts:
 * races on the room cap, exact payload caps, a join flood, harvesting TURN credentials, and
 * secrets leaking into logs, metrics or error answers.
 */
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import {
  PROTOCOL_LIMITS,
  type IceConfig,
  type JoinAnswer,
  type SignalMessage,
} from '@icelane/protocol';
import { createJwtAuthorize } from '../src/auth/index.js';
import { createCloudflareProvider, createCoturnProvider } from '../src/credentials/index.js';
import { captureLogger } from './credentials/log-capture.js';
import { startCloudflareFake, type CloudflareFake } from './credentials/cloudflare-fake.js';
import {
  connect,
  disconnectAll,
  joined,
  nextEvent,
  record,
  request,
  type TestClient,
} from './support/clients.js';
import { hs256, inSeconds } from './support/jwt-signer.js';
import { closeObserved, startObservedServer } from './support/observed-server.js';
import { closeAll, startTestServer } from './support/server.js';

let cloudflare: CloudflareFake | null = null;
afterEach(async () => {
  disconnectAll();
  await closeAll();
  await closeObserved();
  await cloudflare?.close();
  cloudflare = null;
});

/** A clock the test moves, so rate limits do not depend on how fast the machine is. */
function frozenClock() {
  let now = 1_000_000;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

const turnCredentials = (ice: IceConfig | undefined) =>
  (ice?.iceServers ?? []).flatMap((server) => (server.credential ? [server.credential] : []));

describe('rooms and payload caps', () => {
  it('lets exactly the cap into a room when many join at the same moment', async () => {
    const server = await startTestServer({ options: { roomPeerCap: 3 } });
    const sockets = await Promise.all(Array.from({ length: 12 }, () => connect(server.url)));
    const answers = await Promise.all(
      sockets.map((socket) => request<JoinAnswer>(socket, 'room:join', { room: 'race' })),
    );
    expect(answers.filter((answer) => 'data' in answer)).toHaveLength(3);
    expect(answers.filter((answer) => 'error' in answer)).toEqual(
      Array(9).fill({ error: { code: 'room-full', message: 'the room is full' } }),
    );
    expect(await server.counter('icelane_joins_total', { outcome: 'room-full' })).toBe(9);
  });

  it('cannot reach its old room after moving to another one', async () => {
    const server = await startTestServer();
    const stayer = await joined(server.url, 'old');
    const mover = await joined(server.url, 'old');
    const stayerSignals = record<SignalMessage>(stayer.socket, 'signal');
    expect(await request(mover.socket, 'room:leave')).toHaveProperty('data');
    expect(await request(mover.socket, 'room:join', { room: 'new' })).toHaveProperty('data');
    expect(
      await request(mover.socket, 'signal', {
        to: stayer.answer.peerId,
        attempt: 1,
        data: { type: 'offer' },
      }),
    ).toMatchObject({ error: { code: 'unknown-peer' } });
    // A signal from the old room sent after: had the other arrived, it would be first.
    const fence = await joined(server.url, 'old');
    const arrived = nextEvent(stayer.socket, 'signal');
    await request(fence.socket, 'signal', {
      to: stayer.answer.peerId,
      attempt: 1,
      data: { type: 'offer' },
    });
    await arrived;
    expect(stayerSignals.map((message) => message.from)).toEqual([fence.answer.peerId]);
  });

  it('relays signal data of exactly the cap and refuses one byte more', async () => {
    const server = await startTestServer();
    const alice = await joined(server.url, 'caps');
    const bob = await joined(server.url, 'caps');
    const data = (bytes: number) => {
      const value = { type: 'offer', sdp: '' };
      value.sdp = 'a'.repeat(bytes - JSON.stringify(value).length);
      expect(Buffer.byteLength(JSON.stringify(value))).toBe(bytes);
      return value;
    };
    const send = (bytes: number) =>
      request(alice.socket, 'signal', { to: bob.answer.peerId, attempt: 1, data: data(bytes) });
    const received = record<SignalMessage>(bob.socket, 'signal');
    expect(await send(PROTOCOL_LIMITS.signalMaxBytes)).toEqual({ data: { delivered: true } });
    expect(await send(PROTOCOL_LIMITS.signalMaxBytes + 1)).toMatchObject({
      error: { code: 'invalid-payload' },
    });
    await expect.poll(() => received.length).toBe(1);

    const socket = await connect(server.url);
    const room = 'r'.repeat(PROTOCOL_LIMITS.roomNameMaxLength);
    const name = 'n'.repeat(PROTOCOL_LIMITS.displayNameMaxLength);
    expect(await request(socket, 'room:join', { room: `${room}r`, name })).toMatchObject({
      error: { code: 'invalid-payload' },
    });
    expect(await request(socket, 'room:join', { room, name: `${name}n` })).toMatchObject({
      error: { code: 'invalid-payload' },
    });
    expect(await request(socket, 'room:join', { room, name })).toHaveProperty('data');
  });
});

describe('floods and harvesting', () => {
  it('limits a join flood from one address while another address still joins', async () => {
    const clock = frozenClock();
    const server = await startTestServer({ options: { trustedProxies: 1 }, deps: { clock } });
    const from = (ip: string) => connect(server.url, { extraHeaders: { 'x-forwarded-for': ip } });
    const attacker = await Promise.all(Array.from({ length: 100 }, () => from('203.0.113.66')));
    const answers = await Promise.all(
      attacker.map((socket, i) => request(socket, 'room:join', { room: `flood-${i % 10}` })),
    );
    const admitted = answers.filter((answer) => 'data' in answer).length;
    // The default per-IP burst; the clock stands still, so nothing refilled meanwhile.
    expect(admitted).toBe(60);
    expect(await server.counter('icelane_joins_total', { outcome: 'rate-limited' })).toBe(40);
    expect(await server.counter('icelane_rate_limited_total', { event: 'room:join' })).toBe(40);

    const neighbour = await from('203.0.113.7');
    expect(await request(neighbour, 'room:join', { room: 'flood-0' })).toHaveProperty('data');
  });

  it('makes harvesting TURN credentials slow and visible in the metrics', async () => {
    const clock = frozenClock();
    const coturnSecret = randomBytes(24).toString('hex');
    const server = await startTestServer({
      ice: {
        provider: createCoturnProvider({ urls: ['turn:127.0.0.1:3478'], secrets: [coturnSecret] }),
      },
      deps: { clock },
    });
    // Answers carrying a TURN credential (coturn mints the same one twice in the same second
    // for a session, so values are not counted).
    let harvested = 0;
    const loot = (ice: IceConfig) => {
      if (turnCredentials(ice).length > 0) harvested++;
    };
    /** One round of a harvester on 30 sockets: join, refresh 10 times, `GET /ice` 2 times each. */
    const harvest = async (sockets: TestClient[]) => {
      await Promise.all(
        sockets.map(async (socket, i) => {
          const join = await request<JoinAnswer>(socket, 'room:join', { room: `loot-${i}` });
          if ('data' in join) loot(join.data.ice);
          for (let i = 0; i < 10; i++) {
            const refresh = await request<IceConfig>(socket, 'ice:refresh');
            if ('data' in refresh) loot(refresh.data);
          }
          for (let i = 0; i < 2; i++) {
            const response = await fetch(`${server.url}/ice`);
            if (response.ok) loot((await response.json()) as IceConfig);
            else await response.body?.cancel();
          }
        }),
      );
    };
    const sockets = await Promise.all(Array.from({ length: 30 }, () => connect(server.url)));
    await harvest(sockets);
    // 360 requests for credentials, 120 answered: the per-IP bursts of joins (with GET /ice)
    // and of refreshes, 60 each.
    expect(harvested).toBe(120);
    const refusedRefreshes = await server.counter('icelane_rate_limited_total', {
      event: 'ice:refresh',
    });
    const refusedIce = await server.counter('icelane_rate_limited_total', { event: 'GET /ice' });
    expect(refusedRefreshes).toBe(300 - 60);
    expect(refusedIce).toBe(60 - 30);
    expect(await server.counter('icelane_ice_refreshes_total', { outcome: 'rate-limited' })).toBe(
      240,
    );

    // Ten seconds later the same harvester gets at most 2 per second of each kind.
    clock.advance(10_000);
    for (const socket of sockets) await request(socket, 'room:leave');
    await harvest(sockets);
    expect(harvested).toBeLessThanOrEqual(120 + 20 + 20);
    expect(harvested).toBeGreaterThan(120);
  });
});

describe('secrets stay secret', () => {
  it('keeps the provider token, the coturn secret, the JWT secret and minted credentials out of logs, metrics and error answers', async () => {
    const jwtSecret = `jwt-${randomBytes(24).toString('hex')}`;
    const coturnSecrets = [randomBytes(20).toString('hex'), randomBytes(20).toString('hex')];
    cloudflare = await startCloudflareFake();
    const log = captureLogger();
    const authorize = () => createJwtAuthorize({ secret: jwtSecret }, { logger: log.logger });
    const backoff = { baseMs: 10, maxMs: 20, factor: 2 };
    const cloudflareServer = await startObservedServer({
      log,
      authorize,
      ice: {
        provider: createCloudflareProvider({
          keyId: cloudflare.keyId,
          apiToken: cloudflare.token,
          apiUrl: cloudflare.url,
          timeoutMs: 300,
        }),
        // Per session, so every join calls the API and every failure path is taken.
        scope: 'per-session',
        backoff,
        mintTimeoutMs: 400,
        joinTimeoutMs: 500,
      },
    });
    const coturnServer = await startObservedServer({
      log,
      authorize,
      ice: {
        provider: createCoturnProvider({ urls: ['turn:127.0.0.1:3478'], secrets: coturnSecrets }),
      },
      options: { rateLimits: { iceRefresh: { burst: 2, perSecond: 0.001 } } },
    });

    const token = hs256(jwtSecret, { sub: 'ada', exp: inSeconds(600) });
    const tokens = [
      token,
      hs256(jwtSecret, { exp: inSeconds(-600) }),
      hs256('y'.repeat(40), { exp: inSeconds(60) }),
    ];
    const errors: string[] = [];
    const minted: string[] = [];
    const keep = (answer: unknown) => {
      if (typeof answer === 'object' && answer !== null && 'error' in answer)
        errors.push(JSON.stringify(answer));
      if (typeof answer === 'object' && answer !== null && 'data' in answer) {
        const data = answer.data as { ice?: IceConfig } & Partial<IceConfig>;
        minted.push(...turnCredentials(data.ice ?? (data as IceConfig)));
      }
    };
    const getIce = async (url: string, bearer?: string) => {
      const response = await fetch(`${url}/ice`, {
        headers: bearer ? { authorization: `Bearer ${bearer}` } : {},
      });
      const body = await response.text();
      if (response.ok) minted.push(...turnCredentials(JSON.parse(body) as IceConfig));
      else errors.push(body);
    };
    const session = async (url: string, bearer: string | undefined) => {
      const socket = await connect(url, bearer ? { auth: { token: bearer } } : {});
      keep(await request(socket, 'room:join', { room: 'call', name: 'Ada' }));
      for (let i = 0; i < 3; i++) keep(await request(socket, 'ice:refresh'));
      keep(await request(socket, 'signal', { to: 'nobody', attempt: 1, data: { type: 'offer' } }));
      keep(await request(socket, 'signal', { to: 5 }));
      keep(await request(socket, 'connection:report', { peerId: 'x' }));
      keep(await request(socket, 'room:join', { room: 'again' }));
      await getIce(url, bearer);
      socket.disconnect();
    };

    for (const url of [cloudflareServer.url, coturnServer.url]) {
      for (const bearer of [...tokens, undefined]) await session(url, bearer);
    }
    // The Cloudflare API fails in every way it can; joins go on STUN-only meanwhile.
    for (const mode of [
      { kind: 'status', status: 500 },
      { kind: 'status', status: 401 },
      { kind: 'hang' },
      { kind: 'body', body: `{"iceServers":"${cloudflare.token}"}` },
      { kind: 'ok', status: 201 },
    ] as const) {
      cloudflare.mode = mode;
      await new Promise((resolve) => setTimeout(resolve, 30));
      await session(cloudflareServer.url, token);
    }
    const pages: string[] = [];
    for (const server of [cloudflareServer, coturnServer]) {
      for (const path of ['/metrics', '/readyz', '/healthz']) {
        pages.push(await (await fetch(`${server.url}${path}`)).text());
      }
    }

    // The run went through the paths that could leak: mints, failures, refusals, revocations.
    expect(cloudflare.issued.length).toBeGreaterThan(2);
    expect(minted.length).toBeGreaterThan(10);
    expect(errors.some((error) => error.includes('unauthorized'))).toBe(true);
    expect(errors.some((error) => error.includes('rate-limited'))).toBe(true);
    const logged = log.text();
    expect(logged).toContain('turn provider call failed');
    expect(logged).toContain('turn provider refused our credentials');
    expect(logged).toContain('join token refused');
    expect(cloudflare.revoked.length).toBeGreaterThan(0);

    const haystack = [logged, ...pages, ...errors].join('\n');
    const needles = [
      cloudflare.token,
      ...coturnSecrets,
      jwtSecret,
      ...cloudflare.issued.flatMap((issued) => [issued.username, issued.credential]),
      ...minted,
      ...tokens.map((t) => t.split('.')[2]!),
    ];
    for (const needle of needles)
      expect(haystack.includes(needle), `leaked ${needle.slice(0, 6)}…`).toBe(false);
  });
});
