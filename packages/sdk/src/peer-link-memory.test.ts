import { describe, expect, it, vi } from 'vitest';
import { useFakeTimersPerTest } from '../test/fakes/fake-timers.js';
import { openLink } from '../test/fakes/link-harness.js';
import { STUN_URL, TURN_URL } from '../test/fakes/ice.js';
import { chromePrflxToRelay, chromeSrflx } from '../test/stats-fixtures.js';
import { networkKey } from './path-memory/network-key.js';
import { networkPaths } from './path-memory/network-paths.js';
import { PathStore, type PathStorage } from './path-memory/path-store.js';

const OFFICE = '203.0.113.11';

/** One browser's storage: what a later page load on the same network finds again. */
function browserProfile() {
  const items = new Map<string, string>();
  const storage: PathStorage = {
    getItem: (key) => items.get(key) ?? null,
    setItem: (key, value) => void items.set(key, value),
  };
  const store = new PathStore(storage, 86_400_000);
  return {
    store,
    /** A room joined from `address` (its network check's public address). */
    join: (address = OFFICE) => networkPaths(Promise.resolve(address), store),
  };
}

/** A call whose attempt 1 fails on its path and whose attempt 2 connects through the relay. */
async function firstFailsThenRelay(link: ReturnType<typeof openLink>) {
  link.peers.last().fail();
  await vi.advanceTimersByTimeAsync(0);
  link.peers.last()._pc.stats = chromePrflxToRelay;
  link.peers.last().connect();
  await vi.advanceTimersByTimeAsync(0);
}

describe('a path remembered for the network', () => {
  useFakeTimersPerTest(1_000_000);

  it('TURN on demand: after STUN alone failed here, the next call takes TURN into attempt 1', async () => {
    const profile = browserProfile();
    const options = { turnOnDemand: true };
    const first = openLink({ options, paths: profile.join() });
    await vi.advanceTimersByTimeAsync(0);
    expect(first.peers.last().options.config.iceServers).toEqual([{ urls: STUN_URL }]);
    await firstFailsThenRelay(first);
    expect(profile.store.recall(networkKey(OFFICE))).toBe('turn');

    const next = openLink({ options, paths: profile.join() });
    await vi.advanceTimersByTimeAsync(0);
    expect(next.peers.all).toHaveLength(1);
    expect(next.peers.last().options.config).toEqual({
      iceServers: [{ urls: STUN_URL }, { urls: TURN_URL, username: 'u1', credential: 'c1' }],
      iceTransportPolicy: 'all',
    });
    // Another network's calls are not touched.
    const elsewhere = openLink({ options, paths: profile.join('203.0.113.12') });
    await vi.advanceTimersByTimeAsync(0);
    expect(elsewhere.peers.last().options.config.iceServers).toEqual([{ urls: STUN_URL }]);
  });

  it('auto: after STUN + TURN failed here and relay connected, the next call starts relay-only', async () => {
    const profile = browserProfile();
    await firstFailsThenRelay(openLink({ paths: profile.join() }));
    expect(profile.store.recall(networkKey(OFFICE))).toBe('relay');

    const next = openLink({ paths: profile.join() });
    await vi.advanceTimersByTimeAsync(0);
    expect(next.peers.last().options.config.iceTransportPolicy).toBe('relay');
    expect(next.eventsOf('peer:state').at(-1)).toMatchObject({ attempt: 1, policy: 'relay' });
  });

  it('learns nothing from a call that connected on attempt 1, nor from credentials refused', async () => {
    const profile = browserProfile();
    const direct = openLink({ options: { turnOnDemand: true }, paths: profile.join() });
    await vi.advanceTimersByTimeAsync(0);
    direct.peers.last()._pc.stats = chromeSrflx;
    direct.peers.last().connect();
    await vi.advanceTimersByTimeAsync(0);
    // A live call that dies and is replaced by a new connection is healing, not a first attempt.
    direct.peers.last().fail();
    await vi.advanceTimersByTimeAsync(0);
    direct.peers.last().connect();
    await vi.advanceTimersByTimeAsync(0);
    expect(profile.store.hasEntries()).toBe(false);
  });

  it('forgets the TURN path once a call with TURN offered picks a direct pair', async () => {
    const profile = browserProfile();
    profile.store.remember(networkKey(OFFICE), 'turn');
    const link = openLink({ options: { turnOnDemand: true }, paths: profile.join() });
    await vi.advanceTimersByTimeAsync(0);
    link.peers.last()._pc.stats = chromeSrflx;
    link.peers.last().connect();
    await vi.advanceTimersByTimeAsync(0);
    expect(profile.store.recall(networkKey(OFFICE))).toBeUndefined();
  });

  it('never changes the relay and direct strategies', async () => {
    const profile = browserProfile();
    profile.store.remember(networkKey(OFFICE), 'relay');
    const direct = openLink({ options: { strategy: 'direct' }, paths: profile.join() });
    await vi.advanceTimersByTimeAsync(0);
    expect(direct.peers.last().options.config.iceServers).toEqual([{ urls: STUN_URL }]);
  });
});
