/**
 * Which ICE servers and transport policy each attempt uses, from the strategy and the server's
 * latest ICE configuration. Pure.
 */
import { hasTurn, onlyTurn, withoutTurn } from '@icelane/protocol';
import type { IceConfig, IcePolicy, IceServer, Strategy } from '@icelane/protocol';
import type { FirstPath } from './path-memory/first-path.js';

export interface PlanOptions {
  strategy: Strategy;
  turnOnDemand: boolean;
  /** Overrides the server's recommended first-attempt policy. */
  policy?: IcePolicy;
  /** What this network's memory says attempt 1 needs (`auto` only; see path-memory/). */
  firstPath?: FirstPath | undefined;
}

/** What `RTCPeerConnection` is configured with for one attempt. */
export interface AttemptPlan {
  attempt: number;
  policy: IcePolicy;
  iceServers: IceServer[];
  /** Whether TURN servers are configured. */
  turn: boolean;
  /** Whether a relay candidate must appear (policy `relay`): none after gathering is a failure. */
  expectRelay: boolean;
}

/** The attempts a strategy allows at most: `direct` never falls back. */
export function attemptLimit(strategy: Strategy, maxAttempts: number): number {
  return strategy === 'direct' ? 1 : maxAttempts;
}

export function planAttempt(options: PlanOptions, ice: IceConfig, attempt: number): AttemptPlan {
  const relayOnly = (): AttemptPlan => {
    const iceServers = onlyTurn(ice.iceServers);
    return { attempt, policy: 'relay', iceServers, turn: hasTurn(iceServers), expectRelay: true };
  };
  const stunOnly = (): AttemptPlan => ({
    attempt,
    policy: 'all',
    iceServers: withoutTurn(ice.iceServers),
    turn: false,
    expectRelay: false,
  });

  if (options.strategy === 'direct') return stunOnly();
  if (options.strategy === 'relay' || attempt > 1) return relayOnly();
  // A remembered path needs TURN: without TURN servers now, it is today's plan after all.
  const remembered = hasTurn(ice.iceServers) ? options.firstPath : undefined;
  if (remembered === 'relay') return relayOnly();
  if (options.turnOnDemand && !remembered) return stunOnly();
  const policy = options.policy ?? ice.policy;
  if (policy === 'relay') return relayOnly();
  const iceServers = [...ice.iceServers];
  return { attempt, policy: 'all', iceServers, turn: hasTurn(iceServers), expectRelay: false };
}
