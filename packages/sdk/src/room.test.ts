import { describe, expect, it, vi } from 'vitest';
import type { SignalData } from '@icelane/protocol';
import { CONTROL_CHANNEL_ID } from './control-channel.js';
import { useFakeTimersPerTest } from '../test/fakes/fake-timers.js';
import { iceConfig, TURN_URL } from '../test/fakes/ice.js';
import { openRoom } from '../test/fakes/room-harness.js';
import { chromeSrflx } from '../test/stats-fixtures.js';
import { receiverAt3s, receiverAt6s } from '../test/quality-fixtures.js';
import { joinDefaults } from './defaults.js';

const OFFER: SignalData = { type: 'offer', sdp: 'v=0 offer' };
const ANSWER: SignalData = { type: 'answer', sdp: 'v=0 answer' };
const CANDIDATE: SignalData = { type: 'candidate', candidate: { candidate: 'candidate:1' } };

/** A room that joined with peers `a` and `b` already in it, its offers to them under way. */
async function roomWithTwo(options = {}) {
  const harness = openRoom({ peers: [{ peerId: 'a', name: 'Ada' }, { peerId: 'b' }], options });
  await vi.advanceTimersByTimeAsync(0);
  const [a, b] = harness.peers.all;
  return { ...harness, a: a!, b: b! };
}

/** A room that joined with peer `a` already in it, its offer to it under way. */
async function roomWithOne(options: NonNullable<Parameters<typeof openRoom>[0]>['options'] = {}) {
  const harness = openRoom({ peers: [{ peerId: 'a' }], options });
  await vi.advanceTimersByTimeAsync(0);
  return { ...harness, a: harness.peers.last() };
}

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('did not throw');
}

describe('a joined room', () => {
  useFakeTimersPerTest();

  it("offers to every peer the join answer lists, once the app holds the room, with the room's ICE servers", async () => {
    const { peers, events } = openRoom({ peers: [{ peerId: 'a', name: 'Ada' }, { peerId: 'b' }] });
    expect(peers.all).toEqual([]);
    expect(events).toEqual([]);
    await vi.advanceTimersByTimeAsync(0);

    expect(events).toEqual([
      ['peer:joined', { peerId: 'a', name: 'Ada' }],
      ['peer:state', { peerId: 'a', state: 'connecting', attempt: 1, policy: 'all' }],
      ['peer:joined', { peerId: 'b' }],
      ['peer:state', { peerId: 'b', state: 'connecting', attempt: 1, policy: 'all' }],
    ]);
    expect(peers.all.map((peer) => peer.options.initiator)).toEqual([true, true]);
    for (const peer of peers.all) {
      expect(peer.options.config).toEqual({
        iceServers: iceConfig(1).iceServers,
        iceTransportPolicy: 'all',
      });
    }
  });

  it('starts relay-only when the server recommends policy `relay`', async () => {
    const { peers } = openRoom({ peers: [{ peerId: 'a' }], ice: iceConfig(1, 'relay') });
    await vi.advanceTimersByTimeAsync(0);
    expect(peers.last().options.config).toEqual({
      iceServers: [{ urls: TURN_URL, username: 'u1', credential: 'c1' }],
      iceTransportPolicy: 'relay',
    });
  });

  it('waits for the offer of a peer that joins later', async () => {
    const { socket, peers, eventsOf } = openRoom();
    await vi.advanceTimersByTimeAsync(0);
    socket.serverEmit('peer:joined', { peerId: 'c', name: 'Cy' });
    expect(eventsOf('peer:joined')).toEqual([{ peerId: 'c', name: 'Cy' }]);
    expect(peers.all).toHaveLength(1);
    expect(peers.last().options.initiator).toBe(false);
  });

  it("sends each link's signals to its peer with the attempt, and hands incoming ones to the sender's link", async () => {
    const { socket, a, b } = await roomWithTwo();
    a.emitSignal(OFFER);
    expect(socket.signals()).toEqual([{ to: 'a', attempt: 1, data: { ...OFFER, gen: 0 } }]);
    socket.serverEmit('signal', { from: 'b', attempt: 1, data: ANSWER });
    expect(b.received).toEqual([ANSWER]);
    expect(a.received).toEqual([]);
  });

  it('sends no signal while the signaling connection is down', async () => {
    const { socket, a } = await roomWithTwo();
    socket.drop();
    a.emitSignal(OFFER);
    expect(socket.signals()).toEqual([]);
  });

  it('answers an offer that overtakes its peer:joined', async () => {
    const { socket, peers, eventsOf } = openRoom();
    await vi.advanceTimersByTimeAsync(0);
    socket.serverEmit('signal', { from: 'z', attempt: 1, data: OFFER });
    expect(eventsOf('peer:joined')).toEqual([{ peerId: 'z' }]);
    expect(peers.last().options.initiator).toBe(false);
    expect(peers.last().received).toEqual([OFFER]);
  });

  it("falls back to relay-only on credentials fetched from the server after the failure, and drops the failed attempt's late signals", async () => {
    const { socket, peers, a, eventsOf } = await roomWithTwo();
    a.fail();
    await vi.advanceTimersByTimeAsync(0);

    expect(socket.requestCount('ice:refresh')).toBe(1);
    expect(socket.signals('a')).toEqual([
      { to: 'a', attempt: 2, data: { type: 'icelane:retry', reason: 'ice-failed' } },
    ]);
    expect(eventsOf('fallback')).toEqual([
      { peerId: 'a', attempt: 2, reason: 'ice-failed', policy: 'relay' },
    ]);
    const retry = peers.last();
    expect(retry.options.config).toEqual({
      iceServers: [{ urls: TURN_URL, username: 'u2', credential: 'c2' }],
      iceTransportPolicy: 'relay',
    });
    socket.serverEmit('signal', { from: 'a', attempt: 1, data: ANSWER });
    socket.serverEmit('signal', { from: 'a', attempt: 2, data: ANSWER });
    expect(retry.received).toEqual([ANSWER]);
  });

  it('closes the link of a peer that leaves mid-attempt, and says nothing more of it', async () => {
    const { socket, room, peers, a, events, eventsOf } = await roomWithOne();
    socket.serverEmit('peer:left', { peerId: 'a' });
    expect(events.at(-1)).toEqual(['peer:left', { peerId: 'a' }]);
    expect(a.destroyedBySdk).toBe(true);
    expect(room.peers()).toEqual([]);
    const seen = events.length;
    await vi.advanceTimersByTimeAsync(60_000);
    expect(events.slice(seen)).toEqual([]);
    expect(eventsOf('error')).toEqual([]);
    expect(peers.all).toHaveLength(1);
    expect(socket.requestCount('ice:refresh')).toBe(0);
  });

  it('rates a live call from its statistics: a quality event, and the latest in peers()', async () => {
    const { room, a, eventsOf } = await roomWithOne();
    a._pc.stats = receiverAt3s;
    a.connect();
    await vi.advanceTimersByTimeAsync(0);
    a._pc.stats = receiverAt6s;
    await vi.advanceTimersByTimeAsync(joinDefaults.statsIntervalMs);
    expect(eventsOf('quality').map(({ peerId, quality }) => [peerId, quality.rating])).toEqual([
      ['a', 'excellent'],
    ]);
    expect(room.peers()[0]?.quality?.receiving.bitrateKbps).toBe(216);
  });

  it('keeps a live call whose peer lost its signaling, until the connection itself ends', async () => {
    const { socket, a, eventsOf } = await roomWithTwo();
    a.connect();
    socket.serverEmit('peer:left', { peerId: 'a' });
    expect(eventsOf('peer:left')).toEqual([]);
    expect(a.destroyed || a.destroying).toBe(false);
    a.remoteClose();
    await vi.advanceTimersByTimeAsync(0);
    expect(eventsOf('peer:left')).toEqual([{ peerId: 'a' }]);
  });

  it('keeps a live call through a signaling drop, and tells the peer its new id over the call', async () => {
    const { socket, room, peers, a, eventsOf } = await roomWithOne();
    a.connect();
    const control = a._pc.channel(CONTROL_CHANNEL_ID)!;
    control.open();
    socket.answer('room:join', () => ({
      data: { peerId: 'me-2', room: 'standup', peers: [{ peerId: 'a' }], ice: iceConfig(5) },
    }));
    socket.drop();
    expect(eventsOf('signaling')).toEqual([{ state: 'reconnecting' }]);
    socket.reconnect();
    await vi.advanceTimersByTimeAsync(0);

    expect(room.peerId).toBe('me-2');
    expect(control.sent).toEqual([JSON.stringify({ type: 'signaling-id', peerId: 'me-2' })]);
    expect(eventsOf('signaling')).toEqual([{ state: 'reconnecting' }, { state: 'connected' }]);
    expect(eventsOf('peer:left')).toEqual([]);
    expect(eventsOf('peer:joined')).toHaveLength(1);
    expect(peers.all).toEqual([a]);
    expect(a.destroying || a.destroyed).toBe(false);
  });

  it('follows a peer that rejoined under a new id it said over the call, and never takes it for a newcomer', async () => {
    // Without the live watch: this fake far side sends no heartbeats, and 5 s of silence is a
    // lost path to heal (see peer-link.test.ts).
    const { socket, a, peers, eventsOf } = await roomWithOne({ recovery: false });
    a.connect();
    socket.serverEmit('peer:left', { peerId: 'a' });
    a._pc
      .channel(CONTROL_CHANNEL_ID)!
      .deliver(JSON.stringify({ type: 'signaling-id', peerId: 'a-2' }));
    socket.serverEmit('peer:joined', { peerId: 'a-2' });
    await vi.advanceTimersByTimeAsync(5_000);
    expect(eventsOf('peer:joined')).toEqual([{ peerId: 'a' }]);
    expect(eventsOf('peer:left')).toEqual([]);
    expect(peers.all).toEqual([a]);

    a.emitSignal(CANDIDATE);
    expect(socket.signals().at(-1)).toEqual({
      to: 'a-2',
      attempt: 1,
      data: { ...CANDIDATE, gen: 0 },
    });
    socket.serverEmit('signal', { from: 'a-2', attempt: 1, data: CANDIDATE });
    expect(a.received).toEqual([CANDIDATE]);
  });

  it('tells the server it leaves before closing any connection, then disconnects', async () => {
    const { socket, room, a, b } = await roomWithTwo();
    a.connect();
    const openWhenAsked: boolean[] = [];
    socket.answer('room:leave', () => {
      openWhenAsked.push(!a.destroying && !a.destroyed, !b.destroying && !b.destroyed);
      return { data: { left: true } };
    });
    await room.leave();
    expect(openWhenAsked).toEqual([true, true]);
    expect(a.destroyedBySdk && b.destroyedBySdk).toBe(true);
    expect(socket.disconnects).toBe(1);
  });

  it('leaves within a second when the server does not answer', async () => {
    const { socket, room, a } = await roomWithTwo();
    socket.answer('room:leave', undefined);
    let left = false;
    void room.leave().then(() => (left = true));
    await vi.advanceTimersByTimeAsync(999);
    expect(left).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(left).toBe(true);
    expect(a.destroyedBySdk).toBe(true);
    expect(socket.disconnects).toBe(1);
  });

  it('refuses to send once left', async () => {
    const { room } = await roomWithTwo();
    await room.leave();
    expect(thrown(() => room.send('hi'))).toMatchObject({ code: 'not-joined' });
    await expect(room.refreshIce()).rejects.toMatchObject({ code: 'not-joined' });
  });

  it('sends to every connected peer, skipping those still connecting', async () => {
    const { room, a, b } = await roomWithTwo();
    a.connect();
    room.send('to all');
    expect(a.sent).toEqual(['to all']);
    expect(b.sent).toEqual([]);
  });

  it('sends to every peer whose channel is open, skipping one whose channel closed under it', async () => {
    const { room, a, b } = await roomWithTwo();
    a.connect();
    b.connect();
    // Firefox closes every channel when its interface goes; the link waits for the reason.
    b.remoteClose();
    await vi.advanceTimersByTimeAsync(0);
    expect(() => room.send('to all')).not.toThrow();
    expect(a.sent).toEqual(['to all']);
    expect(b.sent).toEqual([]);
  });

  it('sends to one peer; an unknown peer is not-joined, a closed channel send-failed', async () => {
    const { room, a } = await roomWithTwo();
    a.connect();
    room.send('to a', 'a');
    expect(a.sent).toEqual(['to a']);
    expect(thrown(() => room.send('x', 'nobody'))).toMatchObject({
      code: 'not-joined',
      peerId: 'nobody',
    });
    expect(thrown(() => room.send('x', 'b'))).toMatchObject({ code: 'send-failed', peerId: 'b' });
  });

  it('tells the app of a call in order: joined, connecting, connected, the path, then data', async () => {
    const { peers, events } = openRoom({ peers: [{ peerId: 'a' }] });
    await vi.advanceTimersByTimeAsync(0);
    peers.last()._pc.stats = chromeSrflx;
    peers.last().connect();
    await vi.advanceTimersByTimeAsync(0);
    peers.last().deliver('hello');
    expect(
      events.map(([name, payload]) => [name, 'state' in payload ? payload.state : '']),
    ).toEqual([
      ['peer:joined', ''],
      ['peer:state', 'connecting'],
      ['peer:state', 'connected'],
      ['report', ''],
      ['data', ''],
    ]);
    expect(events.at(-1)).toEqual(['data', { peerId: 'a', data: 'hello' }]);
  });

  it('passes connection reports on to the server unless told not to', async () => {
    for (const reportToServer of [true, false]) {
      const { socket, a } = await roomWithTwo({ reportToServer });
      a._pc.stats = chromeSrflx;
      a.connect();
      await vi.advanceTimersByTimeAsync(0);
      const reports = socket.emitted.filter((entry) => entry.event === 'connection:report');
      expect(reports).toHaveLength(reportToServer ? 1 : 0);
    }
  });

  it('stops calling a listener once it unsubscribes', async () => {
    const { room, socket } = openRoom();
    await vi.advanceTimersByTimeAsync(0);
    const joined: string[] = [];
    const off = room.on('peer:joined', ({ peerId }) => joined.push(peerId));
    socket.serverEmit('peer:joined', { peerId: 'c' });
    off();
    socket.serverEmit('peer:joined', { peerId: 'd' });
    expect(joined).toEqual(['c']);
  });

  it('gives live connections the fresh ICE servers it asks for', async () => {
    const { room, a, eventsOf } = await roomWithTwo();
    a.connect();
    const ice = await room.refreshIce();
    expect(ice.iceServers[1]).toMatchObject({ username: 'u2' });
    expect(room.ice).toBe(ice);
    expect(eventsOf('ice')).toEqual([ice]);
    expect(a._pc.configurations).toEqual([
      { iceServers: ice.iceServers, iceTransportPolicy: 'all' },
    ]);
  });

  it("reports a refused ICE refresh as ice-refresh-failed, with the server's code", async () => {
    const { room, socket, eventsOf } = openRoom();
    socket.answer('ice:refresh', () => ({ error: { code: 'internal', message: 'provider down' } }));
    const failure = room.refreshIce();
    await expect(failure).rejects.toMatchObject({
      code: 'ice-refresh-failed',
      details: { code: 'internal' },
    });
    expect(eventsOf('error').map((error) => error.message)).toEqual([
      'could not refresh the ICE servers: provider down',
    ]);
  });
});
