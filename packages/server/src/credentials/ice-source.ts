/**
 * What the signaling layer asks for: the ICE configuration to hand a client. Implemented by the
 * credentials module (STUN list + provider + scope + cache + assembly).
 */
import type { IceConfig } from '@icelane/protocol';
import type { ProviderName } from './provider.js';

export interface IceSession {
  /** Opaque id of the client session (never a peer id shown to others). */
  sessionId: string;
}

/**
 * `ok`: TURN credentials are being handed out. `degraded`: the provider is failing and answers are
 * stale or STUN-only. `misconfigured`: the provider refused our credentials (401/403).
 * `none`: no TURN provider is configured (STUN only by choice).
 */
export type ProviderState = 'ok' | 'degraded' | 'misconfigured' | 'none';

export interface ProviderHealth {
  provider: ProviderName | null;
  state: ProviderState;
  consecutiveFailures: number;
  lastSuccessAt: number | null;
  /** A short, secret-free description of the last failure. */
  lastError: string | null;
}

export interface IceSource {
  /**
   * The ICE configuration for a session. Never rejects and never waits longer than the configured
   * join timeout: when no usable TURN credential is at hand, it answers STUN-only (`turn: false`).
   */
  iceFor(session: IceSession): Promise<IceConfig>;
  /** The session ended: revoke its per-session credential where the provider allows. */
  release(session: IceSession): void;
  health(): ProviderHealth;
  /** Stops background refreshes and pending timers. */
  close(): Promise<void>;
}
