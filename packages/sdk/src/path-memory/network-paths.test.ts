import { describe, expect, it } from 'vitest';
import { networkKey } from './network-key.js';
import { networkPaths } from './network-paths.js';
import { PathStore, type PathStorage } from './path-store.js';

const DAY_MS = 86_400_000;

function storeOnMap(): PathStore {
  const items = new Map<string, string>();
  const storage: PathStorage = {
    getItem: (key) => items.get(key) ?? null,
    setItem: (key, value) => void items.set(key, value),
  };
  return new PathStore(storage, DAY_MS);
}

function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

describe("the room's paths for its network", () => {
  it('attempt 1 waits for nothing while no network has a remembered path', () => {
    const paths = networkPaths(new Promise<string | null>(() => {}), storeOnMap());
    expect(paths.whenKnown()).toBeNull();
    expect(paths.recall()).toBeUndefined();
  });

  it('waits for the check once something is remembered, then recalls this network only', async () => {
    const store = storeOnMap();
    store.remember(networkKey('203.0.113.11'), 'relay');
    const address = deferred<string | null>();
    const paths = networkPaths(address.promise, store);
    const known = paths.whenKnown();
    expect(known).not.toBeNull();
    expect(paths.recall()).toBeUndefined();
    address.resolve('203.0.113.11');
    await known;
    expect(paths.recall()).toBe('relay');
    expect(paths.whenKnown()).toBeNull();

    const elsewhere = networkPaths(Promise.resolve('203.0.113.12'), store);
    await elsewhere.whenKnown();
    expect(elsewhere.recall()).toBeUndefined();
  });

  it('remembers and forgets under the network the check found, once it is known', async () => {
    const store = storeOnMap();
    const address = deferred<string | null>();
    const paths = networkPaths(address.promise, store);
    paths.remember('turn');
    address.resolve('203.0.113.11');
    await address.promise;
    await Promise.resolve();
    expect(store.recall(networkKey('203.0.113.11'))).toBe('turn');
    paths.forget();
    await Promise.resolve();
    expect(store.recall(networkKey('203.0.113.11'))).toBeUndefined();
  });

  it('remembers nothing where the check found no public address (UDP blocked) or failed', async () => {
    for (const address of [
      Promise.resolve(null),
      Promise.reject(new Error('no RTCPeerConnection')),
    ]) {
      const store = storeOnMap();
      const paths = networkPaths(address, store);
      paths.remember('turn');
      await address.catch(() => {});
      await Promise.resolve();
      expect(store.hasEntries()).toBe(false);
      expect(paths.recall()).toBeUndefined();
    }
  });
});
