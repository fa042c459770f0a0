/**
 * The Redis credential store on a real redis-server: what several nodes rely on to make one
 * provider call between them (a lease only one holder gets, released only by its holder) and to
 * read the credential another node stored.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisStore } from '../../src/credentials/redis-store.js';
import type { TurnCredential } from '../../src/credentials/provider.js';
import { startRedis, type RedisServer } from '@icelane/testing';

let server: RedisServer;
let nodeA: Redis;
let nodeB: Redis;

beforeAll(async () => {
  server = await startRedis();
  nodeA = new Redis(server.url);
  nodeB = new Redis(server.url);
}, 30_000);

afterAll(async () => {
  nodeA?.disconnect();
  nodeB?.disconnect();
  await server?.stop();
});

const credential = (expiresAt: number | null): TurnCredential => ({
  iceServers: [
    { urls: ['turn:127.0.0.1:3478?transport=udp'], username: 'user-1', credential: 'pw-1' },
  ],
  issuedAt: Date.now(),
  expiresAt,
});

let keys = 0;
const freshKey = () => `test:turn:${++keys}`;
/** A lease holder's work that ends when the test says so, and tells when it began. */
function heldWork<T>(value: T) {
  let began!: () => void;
  let finish!: () => void;
  const started = new Promise<void>((resolve) => (began = resolve));
  const work = () => {
    began();
    return new Promise<T>((resolve) => (finish = () => resolve(value)));
  };
  return { work, started, finish: () => finish() };
}

/** Polls Redis (its own clock expires leases) until `check` holds. */
async function untilRedis(check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('Redis did not get there within 10 s');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('Redis credential store', () => {
  it('hands one node the credential another node stored', async () => {
    const key = freshKey();
    const stored = credential(Date.now() + 600_000);
    await redisStore(nodeA).set(key, stored);
    expect(await redisStore(nodeB).get(key)).toEqual(stored);
    expect(await redisStore(nodeB).get(freshKey())).toBeNull();
  });

  it('lets Redis forget a credential when it expires, and keeps one that never does', async () => {
    const key = freshKey();
    await redisStore(nodeA).set(key, credential(Date.now() + 600_000));
    const ttl = await nodeA.pttl(key);
    expect(ttl).toBeGreaterThan(590_000);
    expect(ttl).toBeLessThanOrEqual(600_000);
    const forever = freshKey();
    await redisStore(nodeA).set(forever, credential(null));
    expect(await nodeA.pttl(forever)).toBe(-1);
  });

  it('reads something that is not a credential as nothing stored', async () => {
    const key = freshKey();
    await nodeA.set(key, 'not json');
    expect(await redisStore(nodeA).get(key)).toBeNull();
    await nodeA.set(key, JSON.stringify({ iceServers: 'no' }));
    expect(await redisStore(nodeA).get(key)).toBeNull();
  });

  it('gives the lease to one node at a time, and frees it when the holder is done', async () => {
    const key = freshKey();
    const a = heldWork('minted by A');
    const holding = redisStore(nodeA).withLock(key, 10_000, a.work);
    await a.started;
    let ranOnB = false;
    const refused = await redisStore(nodeB).withLock(key, 10_000, async () => {
      ranOnB = true;
    });
    expect(refused).toEqual({ acquired: false });
    expect(ranOnB).toBe(false);

    a.finish();
    expect(await holding).toEqual({ acquired: true, value: 'minted by A' });
    expect(await nodeA.exists(`${key}:lock`)).toBe(0);
    expect(await redisStore(nodeB).withLock(key, 10_000, async () => 'B')).toEqual({
      acquired: true,
      value: 'B',
    });
  });

  it('frees the lease of a holder that failed, and passes its failure on', async () => {
    const key = freshKey();
    const failing = redisStore(nodeA).withLock(key, 10_000, () =>
      Promise.reject(new Error('provider down')),
    );
    await expect(failing).rejects.toThrow('provider down');
    expect(await nodeA.exists(`${key}:lock`)).toBe(0);
  });

  it('lets another node take a lease that ran out, and the late holder does not free it', async () => {
    const key = freshKey();
    const a = heldWork(undefined);
    const slowA = redisStore(nodeA).withLock(key, 200, a.work);
    await a.started;
    // A node that died while minting must not block the others past its lease.
    await untilRedis(async () => (await nodeA.exists(`${key}:lock`)) === 0);
    const b = heldWork(undefined);
    const takenByB = redisStore(nodeB).withLock(key, 10_000, b.work);
    await b.started;
    a.finish();
    expect(await slowA).toEqual({ acquired: true, value: undefined });
    // A's release ran after its lease had passed to B: B's lease must still be there.
    expect(await nodeA.exists(`${key}:lock`)).toBe(1);
    expect(await redisStore(nodeA).withLock(key, 10_000, async () => 'A again')).toEqual({
      acquired: false,
    });
    b.finish();
    await takenByB;
    expect(await nodeA.exists(`${key}:lock`)).toBe(0);
  });
});
