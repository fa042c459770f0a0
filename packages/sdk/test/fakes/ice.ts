/**
 * ICE configurations as the server hands them out: one STUN and one TURN server, whose TURN
 * credentials are numbered so a test can tell a fresh configuration from the first one.
 */
import type { IceConfig, IcePolicy } from '@icelane/protocol';

export const STUN_URL = 'stun:stun.example.com:3478';
export const TURN_URL = 'turn:turn.example.com:3478?transport=udp';

const HOUR_MS = 3_600_000;

/** The `n`th configuration the server issued: TURN username `u<n>`, valid for an hour. */
export function iceConfig(n = 1, policy: IcePolicy = 'all'): IceConfig {
  return {
    iceServers: [{ urls: STUN_URL }, { urls: TURN_URL, username: `u${n}`, credential: `c${n}` }],
    expiresAt: Date.now() + HOUR_MS,
    turn: true,
    policy,
  };
}
