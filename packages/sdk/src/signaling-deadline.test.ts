import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import { useFakeTimersPerTest } from '../test/fakes/fake-timers.js';
import { connectDeadline } from './signaling-deadline.js';
import type { SignalingSocket } from './signaling.js';

const TIMEOUT_MS = 10_000;

/** A connection whose manager opens the transport when the test says (socket.io's `open`). */
function connecting() {
  const manager = new EventEmitter();
  const expired = vi.fn();
  const socket = { io: manager } as unknown as Pick<SignalingSocket, 'io'>;
  const stop = connectDeadline(socket, TIMEOUT_MS, expired);
  return { opened: () => manager.emit('open'), expired, stop, manager };
}

describe('connectDeadline', () => {
  useFakeTimersPerTest();

  it('gives the CONNECT a round-trip timeout of the opening when that outlasts the floor', async () => {
    // One-way delay 2 s: the WebSocket opens after 4 s; a first sample's timeout is 3 of it.
    const call = connecting();
    await vi.advanceTimersByTimeAsync(4_000);
    call.opened();
    await vi.advanceTimersByTimeAsync(TIMEOUT_MS - 4_000);
    expect(call.expired).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(4_000 + 3 * 4_000 - TIMEOUT_MS - 1);
    expect(call.expired).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(call.expired).toHaveBeenCalledOnce();
  });

  it('keeps the floor on a fast path, opened or not', async () => {
    const fast = connecting();
    await vi.advanceTimersByTimeAsync(100);
    fast.opened();
    const silent = connecting();
    await vi.advanceTimersByTimeAsync(TIMEOUT_MS - 101);
    expect(fast.expired).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(fast.expired).toHaveBeenCalledOnce();
    await vi.advanceTimersByTimeAsync(100);
    expect(silent.expired).toHaveBeenCalledOnce();
  });

  it('measures the first opening only: a reopening after a drop does not stretch it', async () => {
    const call = connecting();
    await vi.advanceTimersByTimeAsync(100);
    call.opened();
    // The transport dropped and socket.io opened it again late in the floor.
    await vi.advanceTimersByTimeAsync(9_700);
    call.opened();
    await vi.advanceTimersByTimeAsync(TIMEOUT_MS - 9_800 - 1);
    expect(call.expired).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(call.expired).toHaveBeenCalledOnce();
  });

  it('stops, and stops listening, once cleared', async () => {
    const call = connecting();
    call.stop();
    expect(call.manager.listenerCount('open')).toBe(0);
    await vi.advanceTimersByTimeAsync(TIMEOUT_MS * 10);
    expect(call.expired).not.toHaveBeenCalled();
  });
});
