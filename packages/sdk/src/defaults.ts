/**
 * The options of `joinRoom`, their one defaults object, and the single place they are merged and
 * checked.
 */
import type { IcePolicy, PeerMeta, Strategy } from '@icelane/protocol';
import { IcelaneError } from './errors.js';

export interface JoinOptions {
  /** A display name the other peers receive in `peer:joined`. */
  name?: string;
  /** Small flat metadata the other peers receive in `peer:joined`. */
  meta?: PeerMeta;
  /** Sent in the socket.io handshake as `auth.token`, for the server's join authorization. */
  token?: string;
  /** Local audio/video sent to every peer; `null` or absent for none. */
  media?: MediaStream | null;
  /** Open a data channel to every peer, for `send` and `data` events. @default true */
  dataChannel: boolean;
  /**
   * How ICE servers and policy are chosen per attempt. @default 'auto'
   * - `auto`: attempt 1 with STUN+TURN (policy `all`), then TURN only (policy `relay`).
   * - `relay`: TURN only from the first attempt: proves that TURN works.
   * - `direct`: STUN only, never TURN, no fallback.
   */
  strategy: Strategy;
  /** With `auto`: keep TURN out of attempt 1 (STUN only) to save relay cost. @default false */
  turnOnDemand: boolean;
  /**
   * With `auto`: remember, per network, a first attempt that failed there and the path that
   * connected instead, so the next call from that network starts on that path. Kept in
   * `localStorage` under `icelane:paths`, keyed by a hash of the network's public address; nothing
   * is kept where `localStorage` is missing or refuses. @default true
   */
  rememberPaths: boolean;
  /** How long a remembered path holds before attempt 1 is tried as configured again. @default 86400000 (24 h) */
  rememberPathsForMs: number;
  /** Overrides the first-attempt policy the server recommends (`auto` only). */
  policy?: IcePolicy;
  /**
   * How long one attempt may take before it counts as failed: a floor. A slow path gets 8 of its
   * round trips' timeouts (srtt + 4 rttvar) when that is longer, and an attempt still reaching
   * further stages (ICE up, DTLS up) is not ended (path-timing.ts, failure-detector.ts).
   * @default 5000
   */
  connectTimeoutMs: number;
  /**
   * Once both descriptions and remote candidates are in, how long the connectivity checks may go
   * unanswered before the attempt counts as failed (a symmetric NAT drops them all); a floor, 3 of
   * the path's round-trip timeouts when longer. @default 1500
   */
  checksSilentMs: number;
  /** Attempts per peer, the first included. @default 2 */
  maxAttempts: number;
  /**
   * Send telemetry to the server: each connection report (`connection:report`), each recovery
   * (`connection:recovery`) and relay usage (`connection:usage`). @default true
   */
  reportToServer: boolean;
  /** How often a relayed connection's usage totals are sent, when they changed. @default 60000 */
  usageIntervalMs: number;
  /**
   * How long before the TURN credentials expire the SDK asks for fresh ones; never before half
   * their remaining life has passed. @default 60000
   */
  iceRefreshLeadMs: number;
  /**
   * How long connecting to the server and each request to it may take. For connecting it is a
   * floor: once the transport is open, socket.io's CONNECT is given at least one round-trip
   * timeout of the time the opening took, when that is longer (signaling-deadline.ts).
   * @default 10000
   */
  signalingTimeoutMs: number;
  /** How often the selected candidate pair is re-read while connected. @default 3000 */
  statsIntervalMs: number;
  /**
   * Watch live calls and heal them in place (ICE restart, then relay-only ICE restart, then a new
   * connection) when their path dies. `false`: a connection that fails is replaced by a new one
   * while attempts remain, and the browser alone decides when it failed. @default true
   */
  recovery: boolean;
  /** How often each side sends a heartbeat on a live call. @default 250 */
  heartbeatIntervalMs: number;
  /**
   * How long the far side of a live call may be silent (no heartbeat, data or media) before its
   * path counts as lost and is healed; a floor, 2 of the call's round-trip timeouts when longer.
   * @default 1000
   */
  pathSilentMs: number;
  /**
   * How long one step of healing may take before the next, stronger one; a floor, 4 of the call's
   * round-trip timeouts when longer. @default 4000
   */
  restartTimeoutMs: number;
  /** How long the OS's network-change hints are gathered before a restart. @default 250 */
  networkHintDebounceMs: number;
}

/** Every default of {@link JoinOptions}, in one place. */
export const joinDefaults = {
  dataChannel: true,
  strategy: 'auto',
  turnOnDemand: false,
  rememberPaths: true,
  rememberPathsForMs: 86_400_000,
  connectTimeoutMs: 5_000,
  checksSilentMs: 1_500,
  maxAttempts: 2,
  reportToServer: true,
  usageIntervalMs: 60_000,
  iceRefreshLeadMs: 60_000,
  signalingTimeoutMs: 10_000,
  statsIntervalMs: 3_000,
  recovery: true,
  heartbeatIntervalMs: 250,
  pathSilentMs: 1_000,
  restartTimeoutMs: 4_000,
  networkHintDebounceMs: 250,
} as const satisfies Partial<JoinOptions>;

export type ResolvedJoinOptions = JoinOptions;

const STRATEGIES: readonly Strategy[] = ['auto', 'relay', 'direct'];
const POLICIES: readonly IcePolicy[] = ['all', 'relay'];
const DURATIONS = [
  'connectTimeoutMs',
  'checksSilentMs',
  'iceRefreshLeadMs',
  'signalingTimeoutMs',
  'statsIntervalMs',
  'usageIntervalMs',
  'heartbeatIntervalMs',
  'pathSilentMs',
  'restartTimeoutMs',
  'networkHintDebounceMs',
  'rememberPathsForMs',
] as const;

/** Merges options over {@link joinDefaults} and rejects what cannot work, naming the option. */
export function resolveJoinOptions(options: Partial<JoinOptions> = {}): ResolvedJoinOptions {
  const merged: ResolvedJoinOptions = { ...joinDefaults, ...withoutUndefined(options) };
  const bad = (message: string) => new IcelaneError('invalid-options', message);

  if (!STRATEGIES.includes(merged.strategy)) {
    throw bad(`strategy must be one of ${STRATEGIES.join(', ')}`);
  }
  if (merged.policy !== undefined && !POLICIES.includes(merged.policy)) {
    throw bad(`policy must be one of ${POLICIES.join(', ')}`);
  }
  if (!Number.isInteger(merged.maxAttempts) || merged.maxAttempts < 1 || merged.maxAttempts > 10) {
    throw bad('maxAttempts must be an integer from 1 to 10');
  }
  for (const key of DURATIONS) {
    const value = merged[key];
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
      throw bad(`${key} must be a positive number of milliseconds`);
    }
  }
  if (merged.name !== undefined && typeof merged.name !== 'string') {
    throw bad('name must be a string');
  }
  if (merged.token !== undefined && typeof merged.token !== 'string') {
    throw bad('token must be a string');
  }
  if (merged.media != null && typeof (merged.media as MediaStream).getTracks !== 'function') {
    throw bad('media must be a MediaStream or null');
  }
  return merged;
}

function withoutUndefined<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(options).filter(([, value]) => value !== undefined),
  ) as Partial<T>;
}
