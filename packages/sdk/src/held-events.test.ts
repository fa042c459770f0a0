import { describe, expect, it, vi } from 'vitest';
import { FakeSocket } from '../test/fakes/fake-socket.js';
import { iceConfig } from '../test/fakes/ice.js';
import { useFakeTimersPerTest } from '../test/fakes/fake-timers.js';
import { holdServerEvents } from './held-events.js';
import { keepReconnecting } from './reconnect.js';

const OFFER = { from: 'c', attempt: 1, data: { type: 'offer' as const, sdp: 'v=0' } };

const ANSWER = { data: { peerId: 'me', room: 'standup', peers: [], ice: iceConfig(1) } };

/**
 * A socket with the hold set and the join answered, and what a room's listeners attached later
 * would see.
 */
function heldSocket() {
  const socket = new FakeSocket();
  const held = holdServerEvents(socket.signaling);
  socket.serverEmit('room:joined', ANSWER);
  const seen: unknown[] = [];
  const roomListens = () => {
    socket.on('peer:joined', (peer: unknown) => seen.push(['peer:joined', peer]));
    socket.on('signal', (message: unknown) => seen.push(['signal', message]));
    held.releaseToRoom();
  };
  return { socket, held, seen, roomListens };
}

describe('server events between the join and the room', () => {
  useFakeTimersPerTest();

  it('reach the room in order once the app holds it, not at once', async () => {
    const { socket, seen, roomListens } = heldSocket();
    socket.serverEmit('peer:joined', { peerId: 'c' });
    socket.serverEmit('signal', OFFER);
    roomListens();
    // The app's `await joinRoom` resumes now: it subscribes before the room hears anything.
    expect(seen).toEqual([]);
    await vi.advanceTimersByTimeAsync(0);
    expect(seen).toEqual([
      ['peer:joined', { peerId: 'c' }],
      ['signal', OFFER],
    ]);
  });

  it('come before a newer event that arrives first, and each only once', async () => {
    const { socket, seen, roomListens } = heldSocket();
    socket.serverEmit('peer:joined', { peerId: 'c' });
    roomListens();
    socket.serverEmit('signal', OFFER);
    expect(seen).toEqual([
      ['peer:joined', { peerId: 'c' }],
      ['signal', OFFER],
    ]);
    await vi.advanceTimersByTimeAsync(0);
    socket.serverEmit('peer:joined', { peerId: 'd' });
    expect(seen).toHaveLength(3);
    expect(socket.listeners('signal')).toHaveLength(1);
  });

  it('are forgotten when the join failed', async () => {
    const { socket, held, seen } = heldSocket();
    socket.serverEmit('peer:joined', { peerId: 'c' });
    held.drop();
    socket.on('peer:joined', (peer: unknown) => seen.push(peer));
    await vi.advanceTimersByTimeAsync(0);
    expect(seen).toEqual([]);
    expect(socket.listeners('peer:joined')).toHaveLength(1);
  });

  it("a drop and return of the connection before the room listens reach the room's reconnect watch", async () => {
    const { socket, held } = heldSocket();
    socket.drop();
    socket.reconnect();
    const states: string[] = [];
    const rejoined = vi.fn();
    keepReconnecting(socket.signaling, {
      state: (state) => states.push(state),
      reconnected: rejoined,
    });
    held.releaseToRoom();
    await vi.advanceTimersByTimeAsync(0);
    expect(states).toEqual(['reconnecting']);
    expect(rejoined).toHaveBeenCalledTimes(1);
  });

  it("before the join's answer are the join's own: a drop then is not one the room rejoins after", async () => {
    const socket = new FakeSocket();
    const held = holdServerEvents(socket.signaling);
    socket.drop();
    socket.reconnect();
    socket.serverEmit('room:joined', ANSWER);
    socket.serverEmit('peer:joined', { peerId: 'c' });
    const states: string[] = [];
    const rejoined = vi.fn();
    const seen: unknown[] = [];
    keepReconnecting(socket.signaling, {
      state: (state) => states.push(state),
      reconnected: rejoined,
    });
    socket.on('room:joined', (answer: unknown) => seen.push(answer));
    socket.on('peer:joined', (peer: unknown) => seen.push(peer));
    held.releaseToRoom();
    await vi.advanceTimersByTimeAsync(0);
    expect(states).toEqual([]);
    expect(rejoined).not.toHaveBeenCalled();
    expect(seen).toEqual([{ peerId: 'c' }]);
  });

  it('reach every listener and event when one listener throws', async () => {
    const { socket, seen, roomListens } = heldSocket();
    socket.serverEmit('peer:joined', { peerId: 'c' });
    socket.serverEmit('signal', OFFER);
    socket.on('peer:joined', () => {
      throw new Error('app listener failed');
    });
    roomListens();
    await vi.advanceTimersByTimeAsync(0);
    expect(seen).toEqual([
      ['peer:joined', { peerId: 'c' }],
      ['signal', OFFER],
    ]);
    // The error is not swallowed: it is thrown on its own, as a listener's error would be.
    expect(() => vi.runOnlyPendingTimers()).toThrow('app listener failed');
  });
});
