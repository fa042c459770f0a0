/**
 * The one small interface every TURN credential provider implements.
 */
import type { IceServer } from '@icelane/protocol';

export type ProviderName = 'cloudflare' | 'coturn' | 'static';

/**
 * `shared`: one credential cached and handed to everyone (for providers where minting costs an
 * API call). `per-session`: minted for each join and bound to its session (free to mint, and
 * revocable where the provider allows).
 */
export type CredentialScope = 'shared' | 'per-session';

/** A minted TURN credential and the servers it opens. */
export interface TurnCredential {
  /** TURN servers carrying `username` and `credential`. */
  iceServers: IceServer[];
  /** ms since the epoch, recorded by us (providers such as Cloudflare return no timestamps). */
  issuedAt: number;
  /** ms since the epoch; `null` for static credentials that never expire. */
  expiresAt: number | null;
  /** What the provider needs to revoke this credential, when it can. */
  revokeId?: string;
}

export interface MintRequest {
  /** Requested lifetime; providers clamp it to what they allow. */
  ttlSeconds: number;
  /** Opaque id of the session a per-session credential is bound to. */
  sessionId?: string;
  /**
   * A non-identifying handle of the user (see `user-handle.ts`), for providers that attribute
   * usage per credential: Cloudflare's `customIdentifier`, coturn's REST username.
   */
  user?: string;
  /** Aborts the call (join timeout, shutdown). */
  signal?: AbortSignal;
}

export interface TurnProvider {
  readonly name: ProviderName;
  /** The scope that suits this provider when the configuration does not choose one. */
  readonly defaultScope: CredentialScope;
  /**
   * The values this provider holds that must never be printed (API token, shared secrets), so
   * the server can register them with its logger's redaction.
   */
  readonly secrets: readonly string[];
  /**
   * The STUN/TURN URLs it hands out, when the configuration fixes them; absent when the
   * provider's API chooses them. The start-up IPv4-literal check reads them.
   */
  readonly urls?: readonly string[];
  mint(request: MintRequest): Promise<TurnCredential>;
  /** Ends a credential early (a per-session credential when its peer leaves). */
  revoke?(credential: TurnCredential): Promise<void>;
}

/**
 * Why a provider call failed. `auth` (HTTP 401/403) is a configuration error: retrying will not
 * help, and health reports it. Messages never include the token or secret.
 */
export type ProviderErrorKind = 'auth' | 'unavailable' | 'timeout' | 'bad-response';

export class ProviderError extends Error {
  override readonly name = 'ProviderError';
  constructor(
    readonly kind: ProviderErrorKind,
    message: string,
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
