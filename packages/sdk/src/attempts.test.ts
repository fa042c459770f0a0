import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SignalData } from '@icelane/protocol';
import {
  RETRY_SIGNAL,
  initialAttemptState,
  stepAttempt,
  type AttemptAction,
  type AttemptInput,
  type AttemptState,
} from './attempts.js';
import type { FailedAttempt, FailureReason } from './errors.js';

const CONNECT_TIMEOUT_MS = 5_000;
const REFRESH_MS = 40;
const facts = { policy: 'all' as const, turn: true, localCandidateTypes: ['host' as const] };

interface FakePeer {
  attempt: number;
  initiator: boolean;
  received: SignalData[];
  destroyed: boolean;
}

interface Message {
  attempt: number;
  data: SignalData;
}

/**
 * One side of a link, with the state machine driving fake peers. Timers (the connect deadline,
 * the ICE refresh, the signaling latency, ICE connecting) are fake: the test moves the clock.
 */
class Side {
  state: AttemptState;
  peers: FakePeer[] = [];
  failures: FailedAttempt[][] = [];
  sent: Message[] = [];
  other!: Side;
  private deadline: ReturnType<typeof setTimeout> | undefined;

  constructor(
    readonly name: string,
    initiator: boolean,
    private readonly network: { connects(attempt: number): boolean; latencyMs(m: Message): number },
  ) {
    this.state = initialAttemptState(initiator, 2);
  }

  get peer(): FakePeer | undefined {
    const last = this.peers.at(-1);
    return last && !last.destroyed ? last : undefined;
  }

  start() {
    this.input({ type: 'ready', attempt: 1 });
  }

  input(input: AttemptInput, data?: SignalData) {
    const step = stepAttempt(this.state, input);
    this.state = step.state;
    for (const action of step.actions) this.run(action, data);
  }

  receive(message: Message) {
    if (message.data.type === RETRY_SIGNAL) {
      const reason = message.data.reason as FailureReason;
      this.input({ type: 'remote-retry', attempt: message.attempt, reason, ...facts });
    } else {
      this.input({ type: 'signal', attempt: message.attempt, ...facts }, message.data);
    }
  }

  private pending: SignalData[] = [];

  private run(action: AttemptAction, data: SignalData | undefined) {
    switch (action.type) {
      case 'create-peer': {
        const peer = {
          attempt: action.attempt,
          initiator: action.initiator,
          received: [],
          destroyed: false,
        };
        this.peers.push(peer);
        const attempt = action.attempt;
        this.deadline = setTimeout(
          () => this.input({ type: 'local-failure', attempt, reason: 'timeout', ...facts }),
          CONNECT_TIMEOUT_MS,
        );
        if (action.initiator) this.send(attempt, { type: 'offer', sdp: `offer ${attempt}` });
        return;
      }
      case 'deliver-signal':
        return this.deliver(data!);
      case 'buffer-signal':
        this.pending.push(data!);
        return;
      case 'flush-signals': {
        const pending = this.pending;
        this.pending = [];
        pending.forEach((signal) => this.deliver(signal));
        return;
      }
      case 'drop-signal':
        return;
      case 'send-retry':
        return this.send(action.attempt, { type: RETRY_SIGNAL, reason: action.reason });
      case 'prepare-attempt': {
        this.destroyPeer();
        this.pending = [];
        const attempt = action.attempt;
        setTimeout(() => this.input({ type: 'ready', attempt }), REFRESH_MS);
        return;
      }
      case 'destroy-peer':
        return this.destroyPeer();
      case 'fail':
        this.failures.push(action.failures);
        return;
    }
  }

  private deliver(signal: SignalData) {
    const peer = this.peer!;
    peer.received.push(signal);
    if (signal.type === 'offer')
      this.send(peer.attempt, { type: 'answer', sdp: `answer ${peer.attempt}` });
    const complete = signal.type === (peer.initiator ? 'answer' : 'offer');
    if (complete && this.network.connects(peer.attempt)) {
      const attempt = peer.attempt;
      setTimeout(() => {
        clearTimeout(this.deadline);
        this.input({ type: 'connected', attempt });
      }, 100);
    }
  }

  private send(attempt: number, data: SignalData) {
    const message = { attempt, data };
    this.sent.push(message);
    setTimeout(() => this.other.receive(message), this.network.latencyMs(message));
  }

  private destroyPeer() {
    clearTimeout(this.deadline);
    if (this.peer) this.peer.destroyed = true;
  }
}

/** A link whose attempt-1 peer connection exists. */
function onAttemptOne(initiator: boolean, maxAttempts: number): AttemptState {
  return stepAttempt(initialAttemptState(initiator, maxAttempts), { type: 'ready', attempt: 1 })
    .state;
}

function pair(network: Partial<ConstructorParameters<typeof Side>[2]> = {}) {
  const net = { connects: () => true, latencyMs: () => 10, ...network };
  const newcomer = new Side('newcomer', true, net);
  const resident = new Side('resident', false, net);
  newcomer.other = resident;
  resident.other = newcomer;
  return { newcomer, resident };
}

describe('the attempt state machine', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('connects on attempt 1 when the network allows it', async () => {
    const { newcomer, resident } = pair();
    resident.start();
    newcomer.start();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(newcomer.state).toMatchObject({ phase: 'connected', attempt: 1 });
    expect(resident.state).toMatchObject({ phase: 'connected', attempt: 1 });
    expect(newcomer.peers).toHaveLength(1);
    expect(resident.peers).toHaveLength(1);
  });

  it('retries together with one offer when both sides detect the failure at once', async () => {
    const { newcomer, resident } = pair({ connects: (attempt) => attempt === 2 });
    resident.start();
    newcomer.start();
    // Both deadlines fire in the same tick; both sides send a retry notice.
    await vi.advanceTimersByTimeAsync(CONNECT_TIMEOUT_MS);
    expect(newcomer.sent.filter((m) => m.data.type === RETRY_SIGNAL)).toEqual([
      { attempt: 2, data: { type: RETRY_SIGNAL, reason: 'timeout' } },
    ]);
    expect(resident.sent.filter((m) => m.data.type === RETRY_SIGNAL)).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1_000);

    for (const side of [newcomer, resident]) {
      expect(side.state).toMatchObject({ phase: 'connected', attempt: 2 });
      expect(side.peers.map((p) => [p.attempt, p.destroyed])).toEqual([
        [1, true],
        [2, false],
      ]);
      expect(side.failures).toEqual([]);
    }
    const offers = [...newcomer.sent, ...resident.sent].filter((m) => m.data.type === 'offer');
    expect(offers.map((m) => m.attempt)).toEqual([1, 2]);
    expect(newcomer.sent.filter((m) => m.data.type === 'offer')).toHaveLength(2);
  });

  it('moves the other side along when only one side detects the failure', async () => {
    const { newcomer, resident } = pair({ connects: (attempt) => attempt === 2 });
    resident.start();
    newcomer.start();
    // The resident detects first (e.g. checks-silent), well before the deadline.
    await vi.advanceTimersByTimeAsync(1_500);
    resident.input({ type: 'local-failure', attempt: 1, reason: 'checks-silent', ...facts });
    await vi.advanceTimersByTimeAsync(1_000);
    expect(newcomer.state).toMatchObject({ phase: 'connected', attempt: 2 });
    expect(resident.state).toMatchObject({ phase: 'connected', attempt: 2 });
    expect(newcomer.state.failures[0]).toMatchObject({ attempt: 1, reason: 'checks-silent' });
    expect(newcomer.sent.some((m) => m.data.type === RETRY_SIGNAL)).toBe(false);
  });

  it('drops late signals of an old attempt', async () => {
    // The resident's attempt-1 answer is held up past the retry.
    const { newcomer, resident } = pair({
      connects: (attempt) => attempt === 2,
      latencyMs: (m) => (m.attempt === 1 && m.data.type === 'answer' ? 5_200 : 10),
    });
    resident.start();
    newcomer.start();
    await vi.advanceTimersByTimeAsync(5_100);
    expect(newcomer.state.attempt).toBe(2);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(newcomer.state).toMatchObject({ phase: 'connected', attempt: 2 });
    // The stale answer reached neither peer: attempt 1's was destroyed, attempt 2's saw only its own.
    for (const peer of newcomer.peers) {
      expect(peer.received.every((s) => s.sdp === `answer ${peer.attempt}`)).toBe(true);
    }
    expect(stepAttempt(newcomer.state, { type: 'signal', attempt: 1, ...facts }).actions).toEqual([
      { type: 'drop-signal' },
    ]);
  });

  it('creates no peer and raises no error when the remote leaves mid-retry', async () => {
    const { newcomer, resident } = pair({ connects: () => false });
    resident.start();
    newcomer.start();
    await vi.advanceTimersByTimeAsync(CONNECT_TIMEOUT_MS);
    expect(newcomer.state.phase).toBe('retrying');
    // The resident leaves while the newcomer is still fetching fresh ICE servers.
    newcomer.input({ type: 'close' });
    await vi.advanceTimersByTimeAsync(REFRESH_MS * 2);
    expect(newcomer.state.phase).toBe('closed');
    expect(newcomer.peers).toHaveLength(1);
    expect(newcomer.peers[0]!.destroyed).toBe(true);
    await vi.advanceTimersByTimeAsync(CONNECT_TIMEOUT_MS * 2);
    expect(newcomer.failures).toEqual([]);
    expect(stepAttempt(newcomer.state, { type: 'ready', attempt: 2 }).actions).toEqual([]);
  });

  it('gives up after the last attempt with one failure listing every attempt', async () => {
    const { newcomer, resident } = pair({ connects: () => false });
    resident.start();
    newcomer.start();
    await vi.advanceTimersByTimeAsync(CONNECT_TIMEOUT_MS * 4);
    for (const side of [newcomer, resident]) {
      expect(side.state.phase).toBe('failed');
      expect(side.failures).toHaveLength(1);
      expect(side.failures[0]!.map((f) => [f.attempt, f.reason])).toEqual([
        [1, 'timeout'],
        [2, 'timeout'],
      ]);
      expect(side.peers.every((p) => p.destroyed)).toBe(true);
    }
  });

  it('follows a signal of a newer attempt when the retry notice was lost', () => {
    const state = onAttemptOne(false, 2);
    const step = stepAttempt(state, { type: 'signal', attempt: 2, ...facts });
    expect(step.state).toMatchObject({ phase: 'retrying', attempt: 2, peerReady: false });
    expect(step.actions.map((a) => a.type)).toEqual(['prepare-attempt', 'buffer-signal']);
  });

  it('ignores retry notices and signals beyond the attempt limit', () => {
    const state = onAttemptOne(true, 2);
    const retry = { type: 'remote-retry', attempt: 3, reason: 'timeout', ...facts } as const;
    expect(stepAttempt(state, retry)).toEqual({ state, actions: [] });
    expect(stepAttempt(state, { type: 'signal', attempt: 7, ...facts }).actions).toEqual([
      { type: 'drop-signal' },
    ]);
  });

  it('never falls back with a single attempt', () => {
    const state = onAttemptOne(true, 1);
    const failure = { type: 'local-failure', attempt: 1, reason: 'ice-failed', ...facts } as const;
    const step = stepAttempt(state, failure);
    expect(step.state.phase).toBe('failed');
    expect(step.actions).toEqual([
      { type: 'destroy-peer' },
      { type: 'fail', failures: [{ attempt: 1, reason: 'ice-failed', ...facts }] },
    ]);
  });
});
