/**
 * A TURN REST API credential, as coturn's `use-auth-secret` checks it, for the raw self-tests that
 * run without the signaling server (which mints these itself).
 */
import { createHmac } from 'node:crypto';

export function turnRestCredential(
  secret: string,
  id: string,
  ttlSeconds: number,
): { username: string; credential: string } {
  const username = `${Math.floor(Date.now() / 1000) + ttlSeconds}:${id}`;
  const credential = createHmac('sha1', secret).update(username).digest('base64');
  return { username, credential };
}
