import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeSocket } from '../test/fakes/fake-socket.js';
import { roundTripEstimate } from './path-timing.js';
import { PROBE_SIGNAL, signalingProbe, signalingProbeDefaults } from './signaling-probe.js';

/**
 * A socket whose engine records being closed, as socket.io's does before it reconnects;
 * `connectTimeoutMs` is socket.io's `timeout` (the app's `signalingTimeoutMs`, 10 s by default).
 */
function socketWithEngine(connectTimeoutMs = 10_000) {
  const socket = new FakeSocket();
  const engine = { closed: 0, close: () => void (engine.closed += 1) };
  socket.io = Object.assign({ engine }, { timeout: () => connectTimeoutMs });
  return { socket, engine };
}

/**
 * The server answers probes after `delayMs` (with `unknown-peer`, as a real server does); an
 * answer later than the probe's wait is not taken, as socket.io's `timeout()` rejects first.
 */
function answerAfter(socket: FakeSocket, delayMs: number) {
  socket.answer('signal', () => {
    const waitMs = socket.requests.at(-1)?.timeoutMs ?? Infinity;
    return new Promise((resolve, reject) => {
      if (delayMs < waitMs) setTimeout(resolve, delayMs);
      else setTimeout(() => reject(new Error('operation has timed out')), waitMs);
    }) as never;
  });
}

/**
 * The probe judges one task after its wait, so that an answer already queued is handled first;
 * the fake clock runs a zero-delay timer set from another timer 1 ms later.
 */
const ONE_TASK_MS = 1;

/**
 * The page is busy for `ms`: its clock moves on while its timers wait, so each comes that much
 * late, in the order it was due (the fake clock moves every timer on with the system time).
 */
const busyPage = (ms: number) => vi.setSystemTime(Date.now() + ms);

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
    await vi.advanceTimersByTimeAsync(1 + ONE_TASK_MS);
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
    await vi.advanceTimersByTimeAsync(400 + ONE_TASK_MS);
    expect(engine.closed).toBe(1);
  });

  it('follows a connection whose round trips grow, up to the longest wait', async () => {
    const { socket } = socketWithEngine();
    const probe = signalingProbe(socket.signaling, { minTimeoutMs: 400, maxTimeoutMs: 1_000 });
    answerAfter(socket, 100);
    probe.measure('me');
    await vi.advanceTimersByTimeAsync(200);
    // 100 ms and half of it as variation: a resend after 100 + 200 (Linux's floor), then the
    // round trip's own timeout, 100 + 4 * 50.
    expect(probe.timeoutMs()).toBe(600);
    answerAfter(socket, 300);
    probe.measure('me');
    await vi.advanceTimersByTimeAsync(400);
    // 100 * 7/8 + 300 / 8 = 125, and a variation of 87.5: (125 + 350) * 2.
    expect(probe.timeoutMs()).toBe(950);
    answerAfter(socket, 990);
    for (let i = 0; i < 3; i++) {
      probe.measure('me');
      await vi.advanceTimersByTimeAsync(1_000);
    }
    expect(probe.timeoutMs()).toBe(1_000);
  });

  // Good LTE losing 10 % each way (docs/benchmarks.md): a 54 ms round trip; one probe or answer
  // in five is resent by TCP after its retransmission timeout, 54 + 200 ms on Linux, and one in
  // twenty-five meets that twice (the probe and its answer both lost once). The probe's own
  // answers carry the resends into its estimate; a wait of one round trip's timeout (at least
  // 400 ms) closed the connection at every second resend.
  it('on a lossy connection, waits out the resends of the probe and its answer: nothing closed', async () => {
    const { socket, engine } = socketWithEngine();
    const probe = signalingProbe(socket.signaling);
    const resendMs = 54 + 200;
    for (let i = 0; i < 100; i++) {
      const resends = i % 25 === 24 ? 2 : i % 5 === 4 ? 1 : 0;
      answerAfter(socket, 54 + resends * resendMs);
      probe.check('me');
      await vi.advanceTimersByTimeAsync(1_000);
    }
    expect(socket.requestCount('signal')).toBe(100);
    expect(engine.closed).toBe(0);
  });

  // A page busy for half a second (a machine at load ~40 on 2 cores delayed the page's timers by
  // up to 0.3 s, docs/benchmarks.md): the wait's timer runs late, and the answer, which came in
  // meanwhile, is handled just after it. Judged when the timer runs, a live connection was closed.
  it('on a busy page, waits as long as its timer came late: the answer queued behind it is taken', async () => {
    const { socket, engine } = socketWithEngine();
    const probe = signalingProbe(socket.signaling);
    answerAfter(socket, 1_010);
    probe.check('me');
    await vi.advanceTimersByTimeAsync(500);
    busyPage(500);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(engine.closed).toBe(0);
  });

  it('on a busy page, still closes a dead connection, once the page has waited the whole wait', async () => {
    const { socket, engine } = socketWithEngine();
    const probe = signalingProbe(socket.signaling);
    socket.answer('signal', undefined);
    probe.check('me');
    await vi.advanceTimersByTimeAsync(500);
    busyPage(500);
    // The timer, due at 1 s, runs at 1.5 s: it waits the 0.5 s it lost, then judges.
    await vi.advanceTimersByTimeAsync(999);
    expect(engine.closed).toBe(0);
    await vi.advanceTimersByTimeAsync(1 + ONE_TASK_MS);
    expect(engine.closed).toBe(1);
  });

  it('measures an answer that came after the wait, when nothing was closed', async () => {
    const { socket, engine } = socketWithEngine();
    const roundTrips = roundTripEstimate();
    for (let i = 0; i < 3; i++) roundTrips.add(20);
    const probe = signalingProbe(socket.signaling, signalingProbeDefaults, roundTrips);
    answerAfter(socket, 700);
    probe.check('me', () => false);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(engine.closed).toBe(0);
    // 20 * 7/8 + 700 / 8: the slow answer is in the estimate, and the next wait is longer.
    expect(roundTrips.current()?.srttMs).toBe(105);
    expect(probe.timeoutMs()).toBe(1_000);
  });

  it('on a clean fast connection, still closes a dead one after its floor', async () => {
    const { socket, engine } = socketWithEngine();
    const probe = signalingProbe(socket.signaling, { minTimeoutMs: 400, maxTimeoutMs: 1_000 });
    // Good LTE without loss: 54 ms, a few ms either way.
    for (const ms of [54, 58, 52, 55]) {
      answerAfter(socket, ms);
      probe.measure('me');
      await vi.advanceTimersByTimeAsync(100);
    }
    // A resend (54 + 200 + 54) fits in the floor: the wait is the floor, as before.
    expect(probe.timeoutMs()).toBe(400);
    socket.answer('signal', undefined);
    probe.check('me');
    await vi.advanceTimersByTimeAsync(399);
    expect(engine.closed).toBe(0);
    await vi.advanceTimersByTimeAsync(1 + ONE_TASK_MS);
    expect(engine.closed).toBe(1);
  });

  it('closes nothing when the call no longer needs signaling by the end of its wait', async () => {
    const { socket, engine } = socketWithEngine();
    const probe = signalingProbe(socket.signaling, { minTimeoutMs: 400, maxTimeoutMs: 1_000 });
    socket.answer('signal', undefined);
    // A silence asked for it; the far side was heard again meanwhile (a lossy link's silence).
    let inDoubt = true;
    probe.check('me', () => inDoubt);
    await vi.advanceTimersByTimeAsync(300);
    inDoubt = false;
    await vi.advanceTimersByTimeAsync(700);
    expect(engine.closed).toBe(0);
    // A path still silent (a rebinding cuts both): closed after the same wait.
    probe.check('me', () => true);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(engine.closed).toBe(1);
  });

  it('closes the connection if any call that asked still needs it: a second check joins the first', async () => {
    const { socket, engine } = socketWithEngine();
    const probe = signalingProbe(socket.signaling, { minTimeoutMs: 400, maxTimeoutMs: 1_000 });
    socket.answer('signal', undefined);
    let firstInDoubt = true;
    probe.check('me', () => firstInDoubt);
    await vi.advanceTimersByTimeAsync(200);
    // Another link loses its path while the first check waits; the first link's silence ends.
    probe.check('me', () => true);
    firstInDoubt = false;
    await vi.advanceTimersByTimeAsync(800 + ONE_TASK_MS);
    expect(socket.requestCount('signal')).toBe(1);
    expect(engine.closed).toBe(1);
  });

  it("checks at once while a measurement waits, and closes a dead connection in the check's time", async () => {
    const { socket, engine } = socketWithEngine();
    const probe = signalingProbe(socket.signaling, { minTimeoutMs: 400, maxTimeoutMs: 1_000 });
    socket.answer('signal', undefined);
    probe.measure('me', 3);
    await vi.advanceTimersByTimeAsync(100);
    probe.check('me');
    expect(socket.requestCount('signal')).toBe(2);
    await vi.advanceTimersByTimeAsync(1_000 + ONE_TASK_MS);
    expect(engine.closed).toBe(1);
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

  it('measures a round trip as long as the connection may take to open (`signalingTimeoutMs`)', async () => {
    // A 5.5 s round trip: the app allows the connection 30 s.
    const slow = socketWithEngine(30_000);
    const roundTrips = roundTripEstimate();
    answerAfter(slow.socket, 5_500);
    signalingProbe(slow.socket.signaling, signalingProbeDefaults, roundTrips).measure('me');
    await vi.advanceTimersByTimeAsync(5_500);
    expect(roundTrips.current()?.srttMs).toBe(5_500);
    // The default 10 s: the same round trip is measured no longer than that.
    const bounded = socketWithEngine();
    const unmeasured = roundTripEstimate();
    answerAfter(bounded.socket, 10_500);
    signalingProbe(bounded.socket.signaling, signalingProbeDefaults, unmeasured).measure('me');
    await vi.advanceTimersByTimeAsync(11_000);
    expect(bounded.socket.requests[0]?.timeoutMs).toBe(10_000);
    expect(unmeasured.current()).toBeUndefined();
    expect(bounded.engine.closed).toBe(0);
  });
});
