/**
 * Rejoining with a resume token (issue 11, item 5): the rejoin sends the token of the last join,
 * the room follows a peer the server says rejoined under a new id without telling the app of a
 * leave or a join, and a client never takes its own previous id for another peer.
 */
import { describe, expect, it, vi } from 'vitest';
import type { SignalData } from '@icelane/protocol';
import { useFakeTimersPerTest } from '../test/fakes/fake-timers.js';
import { iceConfig } from '../test/fakes/ice.js';
import { openRoom } from '../test/fakes/room-harness.js';

const CANDIDATE: SignalData = { type: 'candidate', candidate: { candidate: 'candidate:1' } };

/** A room that joined with peer `a` already in it, its offer to it under way. */
async function roomWithOne() {
  const harness = openRoom({ peers: [{ peerId: 'a' }] });
  await vi.advanceTimersByTimeAsync(0);
  return { ...harness, a: harness.peers.last() };
}

type RoomWithOne = Awaited<ReturnType<typeof roomWithOne>>;

/**
 * The room follows peer `a` under its new id `a-2` with nothing for the app: the call's signals go
 * to `a-2` and those from `a-2` reach it, no leave and no second join are announced, and the
 * call's peer connection is the only one.
 */
async function expectFollowedAsA2({ socket, a, peers, eventsOf }: RoomWithOne): Promise<void> {
  a.emitSignal(CANDIDATE);
  expect(socket.signals().at(-1)).toEqual({
    to: 'a-2',
    attempt: 1,
    data: { ...CANDIDATE, gen: 0 },
  });
  await vi.advanceTimersByTimeAsync(5_000);
  expect(eventsOf('peer:joined')).toEqual([{ peerId: 'a' }]);
  expect(eventsOf('peer:left')).toEqual([]);
  expect(peers.all).toEqual([a]);
  socket.serverEmit('signal', { from: 'a-2', attempt: 1, data: CANDIDATE });
  expect(a.received).toEqual([CANDIDATE]);
}

/**
 * This side drops and rejoins; its answer lists peer `a` back as `a-2` (it dropped too and rejoined
 * first). `beforeAnswer` runs as the server takes the join, before its answer arrives.
 */
async function rejoinBesidePeerBackAsA2(socket: RoomWithOne['socket'], beforeAnswer = () => {}) {
  socket.answer('room:join', () => {
    beforeAnswer();
    return {
      data: {
        peerId: 'me-2',
        room: 'standup',
        peers: [{ peerId: 'a-2', rejoinOf: 'a' }],
        ice: iceConfig(5),
        resumeToken: 'token-2',
      },
    };
  });
  socket.drop();
  socket.reconnect();
  await vi.advanceTimersByTimeAsync(5_000);
}

describe('a room rejoining with resume tokens', () => {
  useFakeTimersPerTest();

  it('sends the token of its last join when it rejoins, and never takes its own previous id for a peer', async () => {
    const { socket, room, a, peers, eventsOf } = await roomWithOne();
    a.connect();
    let joins = 0;
    socket.answer('room:join', () => ({
      data: {
        peerId: `me-${++joins + 1}`,
        room: 'standup',
        // A server without tokens may still list this client's previous id.
        peers: [{ peerId: 'a' }, { peerId: joins === 1 ? 'me' : 'me-2' }],
        ice: iceConfig(5),
        resumeToken: `token-${joins}`,
      },
    }));
    socket.drop();
    socket.reconnect();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(room.peerId).toBe('me-2');
    socket.drop();
    socket.reconnect();
    await vi.advanceTimersByTimeAsync(5_000);

    const rejoins = socket.requests.filter((request) => request.event === 'room:join');
    expect(rejoins.map((request) => request.args[0])).toEqual([
      { room: 'standup' },
      { room: 'standup', resume: 'token-1' },
    ]);
    expect(eventsOf('peer:joined')).toEqual([{ peerId: 'a' }]);
    expect(peers.all).toEqual([a]);
  });

  it('takes a late signal from an id that left for nothing, not for a newcomer that replaces the live call', async () => {
    const { socket, a, peers, eventsOf } = await roomWithOne();
    a.connect();
    // Its signaling died (no resume yet): the call goes on without it.
    socket.serverEmit('peer:left', { peerId: 'a' });
    // A signal that dead connection sent before it went, relayed after its leave.
    socket.serverEmit('signal', { from: 'a', attempt: 1, data: CANDIDATE });
    await vi.advanceTimersByTimeAsync(5_000);
    expect(peers.all).toEqual([a]);
    expect(eventsOf('peer:joined')).toEqual([{ peerId: 'a' }]);
    expect(eventsOf('peer:state').map((e) => e.state)).not.toContain('closed');
  });

  it('follows a peer the server says rejoined under a new id, with nothing for the app', async () => {
    const harness = await roomWithOne();
    harness.a.connect();
    harness.socket.serverEmit('peer:left', { peerId: 'a', rejoinedAs: 'a-2' });
    harness.socket.serverEmit('peer:joined', { peerId: 'a-2', rejoinOf: 'a' });
    await expectFollowedAsA2(harness);
  });

  it('follows it at once by rejoinOf when a plain peer:left came first', async () => {
    const harness = await roomWithOne();
    harness.a.connect();
    harness.socket.serverEmit('peer:left', { peerId: 'a' });
    harness.socket.serverEmit('peer:joined', { peerId: 'a-2', rejoinOf: 'a' });
    await expectFollowedAsA2(harness);
  });

  it('follows a peer that dropped at the same time, listed in its own join answer as the rejoin of the linked id', async () => {
    const harness = await roomWithOne();
    harness.a.connect();
    // Both lost signaling; the peer was back first, while this side was away, and missed nothing
    // but the `peer:joined` it sent then.
    await rejoinBesidePeerBackAsA2(harness.socket);
    await expectFollowedAsA2(harness);
  });

  it("holds a signal from the peer's new id that comes before this side's rejoin is answered", async () => {
    const { socket, a, peers, eventsOf } = await roomWithOne();
    a.connect();
    // The peer was back first, heard this side's new id and signals it at once: over long
    // polling, its signal and the join's answer can come in one response, the signal first.
    await rejoinBesidePeerBackAsA2(socket, () =>
      socket.serverEmit('signal', { from: 'a-2', attempt: 1, data: CANDIDATE }),
    );
    // Not a newcomer: the same call, under its new id.
    expect(peers.all).toEqual([a]);
    expect(a.received).toEqual([CANDIDATE]);
    expect(eventsOf('peer:joined')).toEqual([{ peerId: 'a' }]);
  });

  it('starts over with a peer that rejoined before its connection was up', async () => {
    const { socket, eventsOf, peers } = await roomWithOne();
    socket.serverEmit('peer:left', { peerId: 'a', rejoinedAs: 'a-2' });
    socket.serverEmit('peer:joined', { peerId: 'a-2', rejoinOf: 'a' });
    await vi.advanceTimersByTimeAsync(0);
    expect(eventsOf('peer:left')).toEqual([{ peerId: 'a' }]);
    expect(eventsOf('peer:joined')).toEqual([{ peerId: 'a' }, { peerId: 'a-2' }]);
    // It offers, being the one that joined anew; this side waits.
    expect(peers.last().options.initiator).toBe(false);
  });

  it('rejoins in the handshake of the reconnection, once when a drop comes before the answer', async () => {
    const { socket, room, a, eventsOf } = await roomWithOne();
    a.connect();
    // The first reconnection drops again before the server answers its join.
    socket.drop();
    socket.reconnect();
    await vi.advanceTimersByTimeAsync(500);
    socket.drop();
    await vi.advanceTimersByTimeAsync(20_000);
    socket.answer('room:join', () => ({
      data: {
        peerId: 'me-2',
        room: 'standup',
        peers: [{ peerId: 'a' }],
        ice: iceConfig(5),
        resumeToken: 'token-2',
      },
    }));
    socket.reconnect();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(room.peerId).toBe('me-2');
    expect(socket.requestCount('room:join')).toBe(2);
    expect(eventsOf('error')).toEqual([]);
    expect(eventsOf('signaling').filter((event) => event.state === 'connected')).toHaveLength(1);
    // The next reconnection's handshake carries the join with the token of this answer.
    expect(socket.auth).toEqual({ join: { room: 'standup', resume: 'token-2' } });
  });
});
