import { randomFillSync } from 'node:crypto';

const ID_BYTES = 12;
/** Ids drawn from one call to the system's CSPRNG: a call costs far more than its bytes. */
const IDS_PER_FILL = 256;

const pool = Buffer.alloc(ID_BYTES * IDS_PER_FILL);
let offset = pool.length;

/**
 * A random, URL-safe id: 16 characters of base64url (96 bits), within the protocol's peer id
 * pattern and length cap. Unguessable, so knowing a room does not let anyone address its peers.
 * Every id takes fresh bytes of the pool, which is refilled once used up; no byte serves twice.
 */
export function randomId(): string {
  if (offset === pool.length) {
    randomFillSync(pool);
    offset = 0;
  }
  const id = pool.toString('base64url', offset, offset + ID_BYTES);
  offset += ID_BYTES;
  return id;
}
