import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeSocket } from '../test/fakes/fake-socket.js';
import { roundTripEstimate } from './path-timing.js';
import { PROBE_SIGNAL, signalingProbe, signalingProbeDefaults } from './signaling-probe.js';

/** A socket whose engine records being closed, as socket.io's does before it reconnects. */
function socketWithEngine() {
  const socket = new FakeSocket();
  const engine = { closed: 0, close: () => void (engine.closed += 1) };
  Object.assign(socket, { io: { engine } });
  return { socket, engine };
}

/** The server answers probes after `delayMs` (with `unknown-peer`, as a real server does). */
function answerAfter(socket: FakeSocket, delayMs: number) {
  socket.answer('signal', () => new Promise((r) => setTimeout(r, delayMs)) as never);
}

describe('the signaling probe', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('sends a signal to this peer itself, which no other peer receives', () => {
    const { socket } = socketWithEngine();
    signalingProbe(socket.signaling).check('me');
    expect(socket.requests[0]?.args[0]).toEqual({
      to: 'me',
      attempt: 1,
      data: { type: PROBE_SIGNAL },
    });
  });

  it('waits the longest before any round trip was measured', () => {
    const { socket } = socketWithEngine();
    const probe = signalingProbe(socket.signaling, { minTimeoutMs: 400, maxTimeoutMs: 1_000 });
    expect(probe.timeoutMs()).toBe(1_000);
  });

  it('closes a connection that does not answer in time, so socket.io reconnects now', async () => {
    const { socket, engine } = socketWithEngine();
    signalingProbe(socket.signaling, { minTimeoutMs: 400, maxTimeoutMs: 1_000 }).check('me');
    await vi.advanceTimersByTimeAsync(999);
    expect(engine.closed).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(engine.closed).toBe(1);
  });

  it('leaves a connection that answers, even late within its wait, or with an error', async () => {
    const { socket, engine } = socketWithEngine();
    const probe = signalingProbe(socket.signaling);
    answerAfter(socket, 900);
    probe.check('me');
    await vi.advanceTimersByTimeAsync(2_000);
    socket.answer('signal', () => ({ error: { code: 'unknown-peer', message: 'no such peer' } }));
    probe.check('me');
    await vi.advanceTimersByTimeAsync(2_000);
    expect(engine.closed).toBe(0);
  });

  it('waits less on a connection measured fast, never under its floor', async () => {
    const { socket, engine } = socketWithEngine();
    const probe = signalingProbe(socket.signaling, { minTimeoutMs: 400, maxTimeoutMs: 1_000 });
    answerAfter(socket, 20);
    for (let i = 0; i < 5; i++) {
      probe.measure('me');
      await vi.advanceTimersByTimeAsync(50);
    }
    expect(probe.timeoutMs()).toBe(400);
    socket.answer('signal', undefined);
    probe.check('me');
    await vi.advanceTimersByTimeAsync(400);
    expect(engine.closed).toBe(1);
  });

  it('follows a connection whose round trips grow, up to the longest wait', async () => {
    const { socket } = socketWithEngine();
    const probe = signalingProbe(socket.signaling, { minTimeoutMs: 400, maxTimeoutMs: 1_000 });
    answerAfter(socket, 150);
    probe.measure('me');
    await vi.advanceTimersByTimeAsync(200);
    // 150 ms and half of it as variation: 150 + 4 * 75.
    expect(probe.timeoutMs()).toBe(450);
    answerAfter(socket, 600);
    probe.measure('me');
    await vi.advanceTimersByTimeAsync(700);
    // 150 * 7/8 + 600 / 8 = 206, and a variation of 169: the wait grew past the slow answer.
    expect(probe.timeoutMs()).toBe(881);
    answerAfter(socket, 990);
    for (let i = 0; i < 3; i++) {
      probe.measure('me');
      await vi.advanceTimersByTimeAsync(1_000);
    }
    expect(probe.timeoutMs()).toBe(1_000);
  });

  it('a measuring probe closes nothing when it goes unanswered', async () => {
    const { socket, engine } = socketWithEngine();
    signalingProbe(socket.signaling).measure('me');
    await vi.advanceTimersByTimeAsync(5_000);
    expect(engine.closed).toBe(0);
  });

  it('sends one probe at a time, and none while the connection is known to be down', async () => {
    const { socket } = socketWithEngine();
    const probe = signalingProbe(socket.signaling);
    probe.check('me');
    probe.check('me');
    expect(socket.requestCount('signal')).toBe(1);
    await vi.advanceTimersByTimeAsync(1_000);
    socket.drop();
    probe.check('me');
    expect(socket.requestCount('signal')).toBe(1);
  });

  it('measures a slow connection in a row of probes, each after the last answer, into the room estimate', async () => {
    const { socket } = socketWithEngine();
    const roundTrips = roundTripEstimate();
    const probe = signalingProbe(socket.signaling, signalingProbeDefaults, roundTrips);
    // 1.2 s: longer than any probe in trouble waits, still measured.
    answerAfter(socket, 1_200);
    probe.measure('me', 3);
    await vi.advanceTimersByTimeAsync(1_200);
    expect(socket.requestCount('signal')).toBe(2);
    await vi.advanceTimersByTimeAsync(2_400);
    expect(socket.requestCount('signal')).toBe(3);
    expect(roundTrips.current()).toEqual({ srttMs: 1_200, rttvarMs: 337.5 });
  });
});
