/**
 * What a TURN credential says about its user: never the user id itself (an e-mail address, a
 * customer number), only a keyed hash of it that the provider's own usage figures can be grouped
 * by, and that the server's usage log (which names both) ties back to the user.
 */
import { createHmac, randomBytes } from 'node:crypto';

/** The shortest key {@link userHandle} accepts: a shorter one could be guessed, and with it the
 * users behind the handles. */
export const MIN_USER_HANDLE_KEY_BYTES = 32;

/**
 * A random key for {@link userHandle}. Handles made with it change when the process restarts and
 * differ between nodes: give every node the same key (`ICELANE_USER_HANDLE_KEY`) for stable ones.
 */
export function userHandleKey(): string {
  return randomBytes(32).toString('base64url');
}

/** Throws, without showing the key, when it is too short to keep the users behind handles secret. */
export function checkUserHandleKey(key: string): void {
  if (Buffer.byteLength(key) < MIN_USER_HANDLE_KEY_BYTES) {
    throw new Error(`the user handle key must be at least ${MIN_USER_HANDLE_KEY_BYTES} bytes`);
  }
}

/** `u` and 16 URL-safe characters (96 bits) of HMAC-SHA256(key, user): no `:`, no PII. */
export function userHandle(key: string, user: string): string {
  return `u${createHmac('sha256', key).update(user).digest('base64url').slice(0, 16)}`;
}
