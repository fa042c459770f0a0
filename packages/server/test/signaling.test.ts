import { afterEach, describe, expect, it } from 'vitest';
import type { IceConfig, JoinAnswer, PeerInfo, SignalMessage } from '@icelane/protocol';
import { connect, disconnectAll, joined, nextEvent, record, request } from './support/clients.js';
import { STATIC_TURN, closeAll, startTestServer } from './support/server.js';

afterEach(async () => {
  disconnectAll();
  await closeAll();
});

const offer = { type: 'offer', sdp: 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n' };

describe('joining a room', () => {
  it('answers with a server-assigned id, the peers already there and the ICE servers', async () => {
    const server = await startTestServer();
    const first = await joined(server.url, 'standup', { name: 'Ada', meta: { colour: 'red' } });
    expect(first.answer.peerId).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(first.answer.room).toBe('standup');
    expect(first.answer.peers).toEqual([]);

    const announced = nextEvent<PeerInfo>(first.socket, 'peer:joined');
    const second = await joined(server.url, 'standup', { name: 'Grace' });
    expect(second.answer.peerId).not.toBe(first.answer.peerId);
    expect(second.answer.peers).toEqual([
      { peerId: first.answer.peerId, name: 'Ada', meta: { colour: 'red' } },
    ]);
    expect(await announced).toEqual({ peerId: second.answer.peerId, name: 'Grace' });

    const ice = second.answer.ice;
    expect(ice.turn).toBe(true);
    expect(ice.policy).toBe('all');
    expect(ice.iceServers).toContainEqual({
      urls: STATIC_TURN.urls,
      username: STATIC_TURN.username,
      credential: STATIC_TURN.credential,
    });
    expect(await server.counter('icelane_joins_total', { outcome: 'ok' })).toBe(2);
  });

  it('ignores a peer id the client proposes', async () => {
    const server = await startTestServer();
    const { answer } = await joined(server.url, 'r1', { peerId: 'chosen-by-me' });
    expect(answer.peerId).not.toBe('chosen-by-me');
  });

  it('refuses a second join on the same socket', async () => {
    const server = await startTestServer();
    const { socket } = await joined(server.url, 'r1');
    const again = await request(socket, 'room:join', { room: 'r2' });
    expect(again).toEqual({ error: { code: 'already-joined', message: expect.any(String) } });
  });

  it('refuses the peer past the room cap and lets one in once a place frees up', async () => {
    const server = await startTestServer({ options: { roomPeerCap: 2 } });
    await joined(server.url, 'small');
    const second = await joined(server.url, 'small');
    const third = await connect(server.url);
    expect(await request(third, 'room:join', { room: 'small' })).toEqual({
      error: { code: 'room-full', message: 'the room is full' },
    });
    // Another room is not affected by this one being full.
    await joined(server.url, 'other');

    second.socket.disconnect();
    await expect
      .poll(() => request(third, 'room:join', { room: 'small' }))
      .toMatchObject({
        data: { room: 'small' },
      });
  });
});

describe('relaying signals', () => {
  it('delivers to the addressed peer with the sender stamped, ignoring a forged "from"', async () => {
    const server = await startTestServer();
    const alice = await joined(server.url, 'call');
    const bob = await joined(server.url, 'call');
    const received = nextEvent<SignalMessage>(bob.socket, 'signal');
    const ack = await request(alice.socket, 'signal', {
      to: bob.answer.peerId,
      attempt: 1,
      data: offer,
      from: 'someone-else',
    });
    expect(ack).toEqual({ data: { delivered: true } });
    expect(await received).toEqual({ from: alice.answer.peerId, attempt: 1, data: offer });
    expect(await server.counter('icelane_signals_relayed_total')).toBe(1);
  });

  it('relays an offer just under the size cap, however its characters are encoded', async () => {
    const server = await startTestServer();
    const alice = await joined(server.url, 'call');
    const bob = await joined(server.url, 'call');
    // Line breaks and non-ASCII text grow when serialized; the cap is on what crosses the wire.
    const line = 'a=candidate:1 1 udp 2122260223 192.0.2.1 54321 typ host é\r\n';
    const sdp = line.repeat(
      Math.floor((64 * 1024 - 100) / (Buffer.byteLength(JSON.stringify(line)) - 2)),
    );
    const big = { type: 'offer', sdp };
    expect(Buffer.byteLength(JSON.stringify(big))).toBeGreaterThan(63 * 1024);
    const received = nextEvent<SignalMessage>(bob.socket, 'signal');
    expect(
      await request(alice.socket, 'signal', { to: bob.answer.peerId, attempt: 1, data: big }),
    ).toEqual({ data: { delivered: true } });
    expect((await received).data).toEqual(big);
  });

  it('keeps rooms apart: a peer of another room is unknown and receives nothing', async () => {
    const server = await startTestServer();
    const alice = await joined(server.url, 'room-a');
    const mallory = await joined(server.url, 'room-b');
    const aliceSignals = record<SignalMessage>(alice.socket, 'signal');

    const ack = await request(mallory.socket, 'signal', {
      to: alice.answer.peerId,
      attempt: 1,
      data: offer,
    });
    expect(ack).toEqual({ error: { code: 'unknown-peer', message: 'no such peer in this room' } });

    // A signal from Alice's own room, sent after: had the other arrived, it would be first.
    const carol = await joined(server.url, 'room-a');
    const fence = nextEvent<SignalMessage>(alice.socket, 'signal');
    await request(carol.socket, 'signal', { to: alice.answer.peerId, attempt: 1, data: offer });
    await fence;
    expect(aliceSignals.map((message) => message.from)).toEqual([carol.answer.peerId]);
  });

  it('cannot reach a socket by naming a room after its id', async () => {
    const server = await startTestServer();
    const victim = await joined(server.url, 'private');
    const victimEvents = record(victim.socket, 'peer:joined');
    const intruder = await joined(server.url, victim.socket.id!);
    const friend = await joined(server.url, 'private');
    expect(victimEvents).toEqual([{ peerId: friend.answer.peerId }]);
    expect(intruder.answer.peers).toEqual([]);
  });

  it('refuses signals before a join and to itself', async () => {
    const server = await startTestServer();
    const loner = await connect(server.url);
    expect(await request(loner, 'signal', { to: 'abc', attempt: 1, data: offer })).toMatchObject({
      error: { code: 'not-in-room' },
    });
    const alice = await joined(server.url, 'call');
    expect(
      await request(alice.socket, 'signal', { to: alice.answer.peerId, attempt: 1, data: offer }),
    ).toMatchObject({ error: { code: 'unknown-peer' } });
  });
});

describe('refreshing ICE servers', () => {
  it('answers the ICE configuration to a joined peer and refuses one that is not', async () => {
    const server = await startTestServer();
    const { socket } = await joined(server.url, 'call');
    const answer = await request<IceConfig>(socket, 'ice:refresh');
    expect(answer).toEqual({
      data: expect.objectContaining({ turn: true, policy: 'all', expiresAt: null }),
    });

    const stranger = await connect(server.url);
    expect(await request(stranger, 'ice:refresh')).toMatchObject({
      error: { code: 'not-in-room' },
    });
  });
});

describe('leaving', () => {
  it('tells the others and releases the session on room:leave and on disconnect', async () => {
    const server = await startTestServer();
    const alice = await joined(server.url, 'call');
    const bob = await joined(server.url, 'call');
    const carol = await joined(server.url, 'call');

    const bobLeft = nextEvent(alice.socket, 'peer:left');
    expect(await request(bob.socket, 'room:leave')).toEqual({ data: { left: true } });
    expect(await bobLeft).toEqual({ peerId: bob.answer.peerId });
    expect(await request(bob.socket, 'room:leave')).toMatchObject({
      error: { code: 'not-in-room' },
    });

    const carolLeft = nextEvent(alice.socket, 'peer:left');
    carol.socket.disconnect();
    expect(await carolLeft).toEqual({ peerId: carol.answer.peerId });
    expect(server.released).toHaveLength(2);

    // A peer that left is unknown to signals, and may join again under a new id.
    expect(
      await request(alice.socket, 'signal', { to: bob.answer.peerId, attempt: 1, data: offer }),
    ).toMatchObject({ error: { code: 'unknown-peer' } });
    const again = await request<JoinAnswer>(bob.socket, 'room:join', { room: 'call' });
    expect(again).toMatchObject({ data: { peers: [{ peerId: alice.answer.peerId }] } });
  });
});

describe('connection reports', () => {
  it('counts a connection once per attempt, with its candidate types and the relay fallback', async () => {
    const server = await startTestServer();
    const alice = await joined(server.url, 'call');
    const report = {
      peerId: 'AAAAAAAAAAAAAAAA',
      attempt: 2,
      strategy: 'auto',
      local: { type: 'relay', protocol: 'udp', relayProtocol: 'udp' },
      remote: { type: 'prflx', protocol: 'udp' },
      relayed: true,
      timeToConnectMs: 400,
    };
    expect(await request(alice.socket, 'connection:report', report)).toEqual({
      data: { recorded: true },
    });
    // The same connection reported again when its pair changes is not a second connection.
    await request(alice.socket, 'connection:report', report);
    const labels = {
      local_type: 'relay',
      remote_type: 'prflx',
      relay_protocol: 'udp',
      relayed: 'true',
    };
    expect(await server.counter('icelane_connections_total', labels)).toBe(1);
    expect(await server.counter('icelane_relay_fallbacks_total')).toBe(1);
    const text = await server.metrics.registry.metrics();
    expect(text).toContain('icelane_time_to_connect_seconds_sum{relayed="true"} 0.4');
  });
});
