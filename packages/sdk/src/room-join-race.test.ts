/**
 * Two peers joining a room at the same moment through different server nodes. The roster admits
 * one first: only the later one's join answer lists the other, so the later one offers and the
 * earlier one waits. But each node announces its peer to the room through the socket.io adapter,
 * and the announcement of the earlier peer can reach the later one after its own join answer,
 * before it has offered: whatever the order, exactly one of the two must offer.
 */
import { describe, expect, it, vi } from 'vitest';
import type { SignalData } from '@icelane/protocol';
import { useFakeTimersPerTest } from '../test/fakes/fake-timers.js';
import { openRoom } from '../test/fakes/room-harness.js';

const OFFER: SignalData = { type: 'offer', sdp: 'v=0 offer' };

/** When the later joiner hears `peer:joined` for the earlier one its answer listed. */
type Heard = 'before its offers' | 'after its offers' | 'never';

describe('two peers joining at once through different nodes', () => {
  useFakeTimersPerTest();

  it('offers to a peer its join answer listed even when that peer is announced before the offers go out', async () => {
    const { socket, peers, eventsOf } = openRoom({ peers: [{ peerId: 'x', name: 'Xi' }] });
    socket.serverEmit('peer:joined', { peerId: 'x', name: 'Xi' });
    await vi.advanceTimersByTimeAsync(0);

    expect(peers.all.map((peer) => peer.options.initiator)).toEqual([true]);
    expect(eventsOf('peer:joined')).toEqual([{ peerId: 'x', name: 'Xi' }]);
  });

  it.each<[Heard, boolean]>([
    ['before its offers', true],
    ['before its offers', false],
    ['after its offers', true],
    ['after its offers', false],
    ['never', true],
    ['never', false],
  ])(
    'makes exactly one side offer when the later joiner hears of the earlier one %s, the earlier hearing of it: %s',
    async (laterHears, earlierHears) => {
      const earlier = openRoom({ peerId: 'x' });
      const later = openRoom({ peerId: 'j', peers: [{ peerId: 'x' }] });
      if (earlierHears) earlier.socket.serverEmit('peer:joined', { peerId: 'j' });
      if (laterHears === 'before its offers')
        later.socket.serverEmit('peer:joined', { peerId: 'x' });
      await vi.advanceTimersByTimeAsync(0);
      if (laterHears === 'after its offers')
        later.socket.serverEmit('peer:joined', { peerId: 'x' });

      // An offer reaches the other side, which answers it even when it never heard of the sender.
      for (const [from, to] of [
        [later, earlier],
        [earlier, later],
      ] as const) {
        const offerer = from.peers.all.find((peer) => peer.options.initiator);
        offerer?.emitSignal(OFFER);
        for (const { attempt, data } of from.socket.signals()) {
          to.socket.serverEmit('signal', { from: from.room.peerId, attempt, data });
        }
      }

      const initiators = [...earlier.peers.all, ...later.peers.all].map((p) => p.options.initiator);
      expect(initiators.sort()).toEqual([false, true]);
      expect(later.peers.all[0]?.options.initiator).toBe(true);
    },
  );

  it('links a listed peer that rejoined under a new id before the offers went out, and not its old id', async () => {
    const { socket, peers, eventsOf } = openRoom({ peers: [{ peerId: 'x' }] });
    socket.serverEmit('peer:joined', { peerId: 'x' });
    socket.serverEmit('peer:left', { peerId: 'x', rejoinedAs: 'x-2' });
    socket.serverEmit('peer:joined', { peerId: 'x-2', rejoinOf: 'x' });
    await vi.advanceTimersByTimeAsync(0);

    // The rejoin's answer listed this side: the peer offers under its new id.
    expect(eventsOf('peer:joined')).toEqual([{ peerId: 'x-2' }]);
    expect(peers.all.map((peer) => peer.options.initiator)).toEqual([false]);
  });

  it('follows a listed peer announced early that later rejoins under a new id', async () => {
    const { socket, peers, eventsOf } = openRoom({ peers: [{ peerId: 'x' }] });
    socket.serverEmit('peer:joined', { peerId: 'x' });
    await vi.advanceTimersByTimeAsync(0);
    socket.serverEmit('peer:left', { peerId: 'x', rejoinedAs: 'x-2' });
    socket.serverEmit('peer:joined', { peerId: 'x-2', rejoinOf: 'x' });

    expect(eventsOf('peer:joined')).toEqual([{ peerId: 'x' }, { peerId: 'x-2' }]);
    expect(eventsOf('peer:left')).toEqual([{ peerId: 'x' }]);
    expect(peers.all.map((peer) => peer.options.initiator)).toEqual([true, false]);
  });

  it('offers to a peer announced as in the room before it, which its join answer missed', async () => {
    // A Redis failover lost the peer's entry: this side's answer did not list it, while the peer
    // heard of this side and waits for its offer. Written again, it is announced `earlier`.
    const { socket, peers, eventsOf } = openRoom({});
    await vi.advanceTimersByTimeAsync(0);
    socket.serverEmit('peer:joined', { peerId: 'b', earlier: true });
    socket.serverEmit('peer:joined', { peerId: 'c' });

    expect(eventsOf('peer:joined')).toEqual([{ peerId: 'b' }, { peerId: 'c' }]);
    expect(peers.all.map((peer) => peer.options.initiator)).toEqual([true, false]);
  });
});
