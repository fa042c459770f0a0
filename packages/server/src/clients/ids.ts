import { randomFillSync } from 'node:crypto';

const ID_BYTES = 12;
/** Ids drawn from one call to the system's CSPRNG: a call costs far more than its bytes. */
const POOL_BYTES = ID_BYTES * 256;

const pool = Buffer.alloc(POOL_BYTES);
let offset = pool.length;

/**
 * A random, URL-safe id: 16 characters of base64url (96 bits), within the protocol's peer id
 * pattern and length cap. Unguessable, so knowing a room does not let anyone address its peers.
 * Every id takes fresh bytes of the pool, which is refilled once used up; no byte serves twice.
 */
export function randomId(): string {
  return randomBase64url(ID_BYTES);
}

/** `bytes` fresh random bytes (at most the pool's size) as base64url: 4 characters per 3 bytes. */
export function randomBase64url(bytes: number): string {
  if (offset + bytes > pool.length) {
    randomFillSync(pool);
    offset = 0;
  }
  const text = pool.toString('base64url', offset, offset + bytes);
  offset += bytes;
  return text;
}
