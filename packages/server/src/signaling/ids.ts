import { randomBytes } from 'node:crypto';

/**
 * A random, URL-safe id: 16 characters of base64url (96 bits), within the protocol's peer id
 * pattern and length cap. Unguessable, so knowing a room does not let anyone address its peers.
 */
export function randomId(): string {
  return randomBytes(12).toString('base64url');
}
