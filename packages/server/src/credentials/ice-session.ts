/**
 * Whom an ICE answer is for. Its own file because the failover and each provider's source take
 * it as well as the ICE source above them, which must stay the only one importing them.
 */
export interface IceSession {
  /** Opaque id of the client session (never a peer id shown to others). */
  sessionId: string;
  /**
   * Who the client is, when its authorization said (a JWT's `sub`). Per-session credentials
   * carry only a keyed hash of it (`user-handle.ts`); a shared credential carries nothing.
   */
  user?: string;
}
