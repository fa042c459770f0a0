/**
 * The SDK's one error class. Every failure the SDK reports — a rejected `joinRoom`, an `error`
 * event — is an {@link IcelaneError} with a string `code`.
 */
import type { AddressFamily, CandidateType, IcePolicy, IceServer } from '@icelane/protocol';
import { IPV6_ONLY_CAUSE, isIpv6OnlyWithIpv4Servers } from './family-mismatch.js';
import { LOOPBACK_TURN_CAUSE, isLoopbackTurnOnly } from './loopback-turn.js';

/**
 * - `join-failed`: the server refused the join; `details.code` is the server's error code.
 * - `signaling-failed`: the server could not be reached within `signalingTimeoutMs`.
 * - `connect-failed`: every attempt to connect to a peer failed; `details.attempts` lists them.
 *   `details.cause` is `ipv6-only-ipv4-servers` when this side had IPv6 only and every STUN/TURN
 *   server was an IPv4 literal (an IPv6-only network without a CLAT cannot reach them), and
 *   `loopback-turn` when relay candidates were gathered from TURN servers that are all on this
 *   machine's loopback (a TURN server relays to loopback peers only when configured to).
 * - `media-failed`: the local media could not be added to a connection.
 * - `invalid-options`: `joinRoom` was called with an option it cannot use.
 * - `not-joined`: the room was left, or the peer is not in it.
 * - `send-failed`: the data channel to a peer is not open.
 * - `ice-refresh-failed`: the server did not answer `ice:refresh` with fresh ICE servers.
 * - `healing-unavailable`: `recovery` is on but the simple-peer build lacks a private method the
 *   healing patches; `details.missing` names them.
 */
export type IcelaneErrorCode =
  | 'join-failed'
  | 'signaling-failed'
  | 'connect-failed'
  | 'media-failed'
  | 'invalid-options'
  | 'not-joined'
  | 'send-failed'
  | 'ice-refresh-failed'
  | 'healing-unavailable';

/** Why one connection attempt was given up. */
export type FailureReason =
  'timeout' | 'ice-failed' | 'checks-silent' | 'no-relay-candidate' | 'turn-auth' | 'path-lost';

/** One failed attempt, as listed in a `connect-failed` error's `details.attempts`. */
export interface FailedAttempt {
  attempt: number;
  policy: IcePolicy;
  /** Whether TURN servers were configured for this attempt. */
  turn: boolean;
  reason: FailureReason;
  /** The candidate types this side gathered, e.g. `['host', 'srflx']`. */
  localCandidateTypes: CandidateType[];
  /** The address families of the addresses this side gathered (mDNS names tell none). */
  localAddressFamilies?: AddressFamily[];
}

/** Words for each failure reason, used in error messages. */
export const FAILURE_REASON_TEXT: Record<FailureReason, string> = {
  timeout: 'did not connect before the connect deadline',
  'ice-failed': 'ICE failed: every candidate pair failed',
  'checks-silent': 'no connectivity check was answered: a symmetric NAT or a firewall drops them',
  'no-relay-candidate': 'no relay candidate was gathered: is the TURN server reachable?',
  'turn-auth': 'the TURN server refused the credentials (401)',
  'path-lost': 'the live call lost its path and ICE restarts did not bring it back',
};

export interface IcelaneErrorInit {
  cause?: unknown;
  peerId?: string;
  details?: Record<string, unknown>;
}

/**
 * @example
 * try { await joinRoom(url, 'room') } catch (e) {
 *   if (e instanceof IcelaneError && e.code === 'join-failed') console.log(e.details?.code);
 * }
 */
export class IcelaneError extends Error {
  override readonly name = 'IcelaneError';
  readonly code: IcelaneErrorCode;
  /** Set when the error concerns one remote peer. */
  readonly peerId?: string;
  /** Machine-readable facts: the server's `code` for `join-failed`, `attempts` for `connect-failed`. */
  readonly details?: Record<string, unknown>;

  constructor(code: IcelaneErrorCode, message: string, init: IcelaneErrorInit = {}) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.code = code;
    if (init.peerId !== undefined) this.peerId = init.peerId;
    if (init.details !== undefined) this.details = init.details;
  }
}

/** The single error raised after the last attempt to reach a peer failed. */
export function connectFailedError(
  peerId: string,
  attempts: FailedAttempt[],
  iceServers: readonly IceServer[] = [],
): IcelaneError {
  const tried = attempts
    .map((a) => {
      const types = a.localCandidateTypes.length ? a.localCandidateTypes.join(', ') : 'none';
      const servers = a.turn ? 'with TURN' : 'without TURN';
      return `attempt ${a.attempt} (policy ${a.policy}, ${servers}): ${FAILURE_REASON_TEXT[a.reason]}; local candidates gathered: ${types}`;
    })
    .join('; ');
  const families = attempts.flatMap((a) => a.localAddressFamilies ?? []);
  const cause = isIpv6OnlyWithIpv4Servers(families, iceServers)
    ? IPV6_ONLY_CAUSE
    : isLoopbackTurnOnly(attempts, iceServers)
      ? LOOPBACK_TURN_CAUSE
      : undefined;
  return new IcelaneError(
    'connect-failed',
    `could not connect to peer ${peerId}: ${tried}${cause ? `; cause: ${cause.text}` : ''}`,
    { peerId, details: cause ? { attempts, cause: cause.code } : { attempts } },
  );
}
