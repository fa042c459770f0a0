/**
 * What a TURN credential says about its user: never the user id itself (an e-mail address, a
 * customer number), only a keyed hash of it that the provider's own usage figures can be grouped
 * by, and that the server's usage log (which names both) ties back to the user.
 */
import { createHmac, randomBytes } from 'node:crypto';

/** A key for {@link userHandle}; the same on every node keeps handles stable across nodes. */
export function userHandleKey(): string {
  return randomBytes(32).toString('base64url');
}

/** `u` and 16 URL-safe characters (96 bits) of HMAC-SHA256(key, user): no `:`, no PII. */
export function userHandle(key: string, user: string): string {
  return `u${createHmac('sha256', key).update(user).digest('base64url').slice(0, 16)}`;
}
