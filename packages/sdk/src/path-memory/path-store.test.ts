import { describe, expect, it } from 'vitest';
import {
  MAX_NETWORKS,
  PATH_STORAGE_KEY,
  PathStore,
  browserStorage,
  type PathStorage,
} from './path-store.js';

const DAY_MS = 86_400_000;

/** A `Storage` kept in a map, as `localStorage` behaves. */
function memoryStorage(): PathStorage & { items: Map<string, string> } {
  const items = new Map<string, string>();
  return {
    items,
    getItem: (key) => items.get(key) ?? null,
    setItem: (key, value) => void items.set(key, value),
  };
}

function clock(start = 1_700_000_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe('the paths remembered per network', () => {
  it('recalls what was remembered for a network, and nothing for another', () => {
    const store = new PathStore(memoryStorage(), DAY_MS);
    expect(store.hasEntries()).toBe(false);
    store.remember('office', 'turn');
    expect(store.recall('office')).toBe('turn');
    expect(store.recall('home')).toBeUndefined();
    expect(store.hasEntries()).toBe(true);
  });

  it('survives a new store on the same storage (the next page load)', () => {
    const storage = memoryStorage();
    new PathStore(storage, DAY_MS).remember('office', 'relay');
    expect(new PathStore(storage, DAY_MS).recall('office')).toBe('relay');
  });

  it('forgets a path once it expires', () => {
    const time = clock();
    const store = new PathStore(memoryStorage(), DAY_MS, time.now);
    store.remember('office', 'turn');
    time.advance(DAY_MS - 1);
    expect(store.recall('office')).toBe('turn');
    time.advance(1);
    expect(store.recall('office')).toBeUndefined();
    expect(store.hasEntries()).toBe(false);
  });

  it('forgets a network on request, and a later path replaces an earlier one', () => {
    const store = new PathStore(memoryStorage(), DAY_MS);
    store.remember('office', 'turn');
    store.remember('office', 'relay');
    expect(store.recall('office')).toBe('relay');
    store.forget('office');
    expect(store.recall('office')).toBeUndefined();
  });

  it(`keeps at most ${MAX_NETWORKS} networks, dropping those that expire first`, () => {
    const time = clock();
    const storage = memoryStorage();
    const store = new PathStore(storage, DAY_MS, time.now);
    for (let i = 0; i <= MAX_NETWORKS; i++) {
      store.remember(`network-${i}`, 'turn');
      time.advance(1_000);
    }
    expect(store.recall('network-0')).toBeUndefined();
    expect(store.recall(`network-${MAX_NETWORKS}`)).toBe('turn');
    const stored = JSON.parse(storage.items.get(PATH_STORAGE_KEY)!) as object;
    expect(Object.keys(stored)).toHaveLength(MAX_NETWORKS);
  });

  it('reads unreadable or foreign content as nothing remembered, and overwrites it', () => {
    for (const content of ['not json', 'null', '[1]', '{"office":{"path":"udp","until":1e15}}']) {
      const storage = memoryStorage();
      storage.items.set(PATH_STORAGE_KEY, content);
      const store = new PathStore(storage, DAY_MS);
      expect(store.recall('office')).toBeUndefined();
      store.remember('home', 'turn');
      expect(store.recall('home')).toBe('turn');
    }
  });

  it('is empty and never throws where the storage throws or is missing', () => {
    const refusing: PathStorage = {
      getItem: () => {
        throw new DOMException('denied', 'SecurityError');
      },
      setItem: () => {
        throw new DOMException('full', 'QuotaExceededError');
      },
    };
    for (const storage of [refusing, null]) {
      const store = new PathStore(storage, DAY_MS);
      expect(() => store.remember('office', 'turn')).not.toThrow();
      expect(store.recall('office')).toBeUndefined();
      expect(store.hasEntries()).toBe(false);
      expect(() => store.forget('office')).not.toThrow();
    }
  });
});

describe('the browser storage', () => {
  it('is null where there is no localStorage (a server)', () => {
    expect('localStorage' in globalThis).toBe(false);
    expect(browserStorage()).toBeNull();
  });

  it('is null where touching localStorage throws (a sandboxed frame)', () => {
    Object.defineProperty(globalThis, 'localStorage', {
      configurable: true,
      get() {
        throw new DOMException('denied', 'SecurityError');
      },
    });
    try {
      expect(browserStorage()).toBeNull();
    } finally {
      delete (globalThis as { localStorage?: unknown }).localStorage;
    }
  });
});
