/**
 * The room's network check runs at join and again at each rejoin: a handover drops signaling,
 * and the network this side is on afterwards may map differently.
 */
import { describe, expect, it, vi } from 'vitest';
import { useFakeTimersPerTest } from '../test/fakes/fake-timers.js';
import { iceConfig } from '../test/fakes/ice.js';
import { openRoom } from '../test/fakes/room-harness.js';

const networkAtJoin = vi.hoisted(() =>
  vi.fn((_ice: unknown, _options: unknown) => ({ mapping: null, publicAddress: null })),
);
vi.mock('./network-check/at-join.js', () => ({ networkAtJoin }));

describe("the room's network check", () => {
  useFakeTimersPerTest();

  it('runs at join and again with the new ICE servers when the room rejoins', async () => {
    networkAtJoin.mockClear();
    const { socket } = openRoom({ options: { turnOnDemand: true } });
    await vi.advanceTimersByTimeAsync(0);
    expect(networkAtJoin).toHaveBeenCalledTimes(1);
    socket.answer('room:join', () => ({
      data: { peerId: 'me-2', room: 'standup', peers: [], ice: iceConfig(7) },
    }));
    socket.drop();
    socket.reconnect();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(networkAtJoin).toHaveBeenCalledTimes(2);
    expect(networkAtJoin.mock.calls[1]![0]).toMatchObject({ iceServers: iceConfig(7).iceServers });
    expect(networkAtJoin.mock.calls[1]![1]).toMatchObject({ turnOnDemand: true });
  });
});
