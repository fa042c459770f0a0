import { describe, expect, it } from 'vitest';
import { memoryStore } from '../../src/credentials/store.js';

const credential = { iceServers: [], issuedAt: 0, expiresAt: 1 };

describe('memory store', () => {
  it('stores and reads a credential by key', async () => {
    const store = memoryStore();
    expect(await store.get('a')).toBeNull();
    await store.set('a', credential);
    expect(await store.get('a')).toBe(credential);
    expect(await store.get('b')).toBeNull();
  });

  it('gives the lease to one holder at a time and releases it when the task ends', async () => {
    const store = memoryStore();
    let release!: () => void;
    const first = store.withLock(
      'k',
      10_000,
      () => new Promise<string>((r) => (release = () => r('minted'))),
    );
    expect(await store.withLock('k', 10_000, () => Promise.resolve('second'))).toEqual({
      acquired: false,
    });
    // Other keys are independent.
    expect(await store.withLock('other', 10_000, () => Promise.resolve(1))).toEqual({
      acquired: true,
      value: 1,
    });
    release();
    expect(await first).toEqual({ acquired: true, value: 'minted' });
    expect(await store.withLock('k', 10_000, () => Promise.resolve('third'))).toEqual({
      acquired: true,
      value: 'third',
    });
  });

  it('releases the lease when the task fails', async () => {
    const store = memoryStore();
    await expect(
      store.withLock('k', 10_000, () => Promise.reject(new Error('boom'))),
    ).rejects.toThrow('boom');
    expect(await store.withLock('k', 10_000, () => Promise.resolve(2))).toEqual({
      acquired: true,
      value: 2,
    });
  });

  it('lets a lease lapse after leaseMs, so a stuck holder does not block the others', async () => {
    let clock = 0;
    const store = memoryStore({ now: () => clock });
    void store.withLock('k', 1_000, () => new Promise(() => {}));
    expect(await store.withLock('k', 1_000, () => Promise.resolve(1))).toEqual({ acquired: false });
    clock = 1_001;
    expect(await store.withLock('k', 1_000, () => Promise.resolve(2))).toEqual({
      acquired: true,
      value: 2,
    });
  });
});
