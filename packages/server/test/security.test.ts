/**
 * What an attacker with a socket.io client can and cannot do, beyond the cases of
 * signaling.test.ts (forged `from`, rooms kept apart, room cap) and malformed-payloads.test.ts:
 * races on the room cap, exact payload caps, a join flood, harvesting TURN credentials.
 * security-secrets.test.ts checks that no secret leaks.
 */
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import {
  PROTOCOL_LIMITS,
  type IceConfig,
  type JoinAnswer,
  type SignalMessage,
} from '@icelane/protocol';
import { createCoturnProvider } from '../src/credentials/index.js';
import {
  connect,
  disconnectAll,
  joined,
  nextEvent,
  record,
  request,
  type TestClient,
} from './support/clients.js';
import { closeAll, startTestServer } from './support/server.js';

afterEach(async () => {
  disconnectAll();
  await closeAll();
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
    const server = await startTestServer({
      options: { trustedProxies: ['127.0.0.1'] },
      deps: { clock },
    });
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
