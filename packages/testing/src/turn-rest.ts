/**
 * TURN REST API credentials, as coturn's `use-auth-secret` checks them: the username is
 * `<expiry unix seconds>:<id>`, the password `base64(HMAC-SHA1(secret, username))`. Written here
 * apart from the server's own minting, so tests check the server against coturn's rule rather
 * than against itself, and raw self-tests can log in without a signaling server.
 */
import { createHmac } from 'node:crypto';

/** The password coturn expects for `username` under `secret`. */
export function turnRestPassword(secret: string, username: string): string {
  return createHmac('sha1', secret).update(username).digest('base64');
}

/** A login valid for `ttlSeconds` from now. */
export function turnRestCredential(
  secret: string,
  id: string,
  ttlSeconds: number,
): { username: string; credential: string } {
  const username = `${Math.floor(Date.now() / 1000) + ttlSeconds}:${id}`;
  return { username, credential: turnRestPassword(secret, username) };
}
