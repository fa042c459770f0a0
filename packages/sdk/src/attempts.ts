/**
 * The attempt state machine of one link to a remote peer: which attempt is current, which
 * signals belong to it, when to retry and when to give up. Pure: every input returns the next
 * state and the actions to run, so both sides' coordination is testable without a browser.
 *
 * The rules that keep two sides in step:
 * - every signal carries its attempt; signals of an older attempt are dropped;
 * - the side that detects a failure moves to the next attempt and tells the other side
 *   (`icelane:retry`); a side that hears of (or receives a signal of) a newer attempt moves too;
 * - the same side offers on every attempt (the `initiator`), so a retry never has two offers or
 *   none, even when both sides detect the failure at once;
 * - after the last attempt, one `fail` action carries every failed attempt.
 */
import type { AddressFamily, CandidateType, IcePolicy } from '@icelane/protocol';
import type { FailedAttempt, FailureReason } from './errors.js';

export type LinkPhase = 'connecting' | 'connected' | 'retrying' | 'failed' | 'closed';

export interface AttemptState {
  phase: LinkPhase;
  attempt: number;
  /** The last attempt allowed now. */
  maxAttempts: number;
  /**
   * With a budget per incident, the attempts each time the call is lost, the connected one
   * included: a connection on attempt n may be replaced by attempts n+1 … n+budget-1.
   */
  perIncident?: number;
  /** Whether this side makes the offer, on every attempt. */
  initiator: boolean;
  /** Whether the peer connection of the current attempt exists (signals wait until it does). */
  peerReady: boolean;
  failures: FailedAttempt[];
}

/** What the current attempt was configured with, for the failure record. */
export interface AttemptFacts {
  policy: IcePolicy;
  turn: boolean;
  localCandidateTypes: CandidateType[];
  localAddressFamilies?: AddressFamily[];
}

export type AttemptInput =
  /** This side's failure detector gave up on an attempt. */
  | ({ type: 'local-failure'; attempt: number; reason: FailureReason } & AttemptFacts)
  /** The remote side says it moved to `attempt` after `reason`. */
  | ({ type: 'remote-retry'; attempt: number; reason: FailureReason } & AttemptFacts)
  /** A signal (offer, answer, candidate) of `attempt` arrived. */
  | ({ type: 'signal'; attempt: number } & AttemptFacts)
  /** The ICE configuration of `attempt` is ready (refreshed if needed): create its peer connection. */
  | { type: 'ready'; attempt: number }
  | { type: 'connected'; attempt: number }
  /** The remote peer left the room, or this side leaves. */
  | { type: 'close' };

export type AttemptAction =
  /**
   * Tear down the current peer connection and get the ICE configuration of the next attempt
   * (fresh if `refreshIce`), then input `ready`.
   */
  | { type: 'prepare-attempt'; attempt: number; refreshIce: boolean; reason: FailureReason }
  /** Create the peer connection of `attempt`; offer if `initiator`. */
  | { type: 'create-peer'; attempt: number; initiator: boolean }
  /** Send `{ type: 'icelane:retry', reason }` with `attempt` to the remote side. */
  | { type: 'send-retry'; attempt: number; reason: FailureReason }
  | { type: 'deliver-signal' }
  | { type: 'buffer-signal' }
  | { type: 'flush-signals' }
  | { type: 'drop-signal' }
  | { type: 'fail'; failures: FailedAttempt[] }
  | { type: 'destroy-peer' };

export interface Step {
  state: AttemptState;
  actions: AttemptAction[];
}

/** The control message type carried in signal data to coordinate a retry. */
export const RETRY_SIGNAL = 'icelane:retry';

/** The protocol's highest attempt number. */
const LAST_ATTEMPT = 100;

/**
 * `perIncident`: the budget of `maxAttempts` starts again each time a connection is up, so a call
 * can be replaced after any number of incidents; otherwise it holds for the link's whole life.
 */
export function initialAttemptState(
  initiator: boolean,
  maxAttempts: number,
  perIncident = false,
): AttemptState {
  return {
    phase: 'connecting',
    attempt: 1,
    maxAttempts,
    ...(perIncident ? { perIncident: maxAttempts } : {}),
    initiator,
    peerReady: false,
    failures: [],
  };
}

export function stepAttempt(state: AttemptState, input: AttemptInput): Step {
  const done = state.phase === 'failed' || state.phase === 'closed';
  switch (input.type) {
    case 'close':
      if (state.phase === 'closed') return { state, actions: [] };
      return {
        state: { ...state, phase: 'closed', peerReady: false },
        actions: [{ type: 'destroy-peer' }],
      };

    case 'ready':
      if (done || input.attempt !== state.attempt || state.peerReady) return { state, actions: [] };
      return {
        state: { ...state, phase: 'connecting', peerReady: true },
        actions: [
          { type: 'create-peer', attempt: state.attempt, initiator: state.initiator },
          { type: 'flush-signals' },
        ],
      };

    case 'connected': {
      if (done || input.attempt !== state.attempt) return { state, actions: [] };
      if (state.perIncident === undefined) {
        return { state: { ...state, phase: 'connected' }, actions: [] };
      }
      const maxAttempts = Math.min(LAST_ATTEMPT, input.attempt + state.perIncident - 1);
      return { state: { ...state, phase: 'connected', maxAttempts, failures: [] }, actions: [] };
    }

    case 'local-failure':
      if (done || input.attempt !== state.attempt) return { state, actions: [] };
      return advance(state, input, true);

    case 'remote-retry':
      if (done || input.attempt <= state.attempt || input.attempt > state.maxAttempts) {
        return { state, actions: [] };
      }
      return advance(state, input, false, input.attempt);

    case 'signal': {
      if (done || input.attempt < state.attempt || input.attempt > state.maxAttempts) {
        return { state, actions: [{ type: 'drop-signal' }] };
      }
      if (input.attempt > state.attempt) {
        // The retry notice was lost (e.g. across a signaling reconnect): the signal itself says
        // the remote side moved on. Follow it, and keep the signal for the new peer connection.
        const moved = advance(state, { ...input, reason: 'timeout' }, false, input.attempt);
        return { state: moved.state, actions: [...moved.actions, { type: 'buffer-signal' }] };
      }
      return { state, actions: [{ type: state.peerReady ? 'deliver-signal' : 'buffer-signal' }] };
    }
  }
}

/** Records the failure of the current attempt and moves to `next`, or gives up. */
function advance(
  state: AttemptState,
  failure: { reason: FailureReason } & AttemptFacts,
  notifyRemote: boolean,
  next = state.attempt + 1,
): Step {
  const failed: FailedAttempt = {
    attempt: state.attempt,
    policy: failure.policy,
    turn: failure.turn,
    reason: failure.reason,
    localCandidateTypes: [...failure.localCandidateTypes],
  };
  if (failure.localAddressFamilies) failed.localAddressFamilies = [...failure.localAddressFamilies];
  const failures = [...state.failures, failed];
  if (next > state.maxAttempts) {
    return {
      state: { ...state, phase: 'failed', peerReady: false, failures },
      actions: [{ type: 'destroy-peer' }, { type: 'fail', failures }],
    };
  }
  const actions: AttemptAction[] = [];
  if (notifyRemote) actions.push({ type: 'send-retry', attempt: next, reason: failure.reason });
  actions.push({
    type: 'prepare-attempt',
    attempt: next,
    refreshIce: true,
    reason: failure.reason,
  });
  return {
    state: { ...state, phase: 'retrying', attempt: next, peerReady: false, failures },
    actions,
  };
}
