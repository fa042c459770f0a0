import { afterEach, describe, expect, it } from 'vitest';
import { iceConfig } from '../../test/fakes/ice.js';
import { networkAtJoin } from './at-join.js';

const auto = { strategy: 'auto' as const, turnOnDemand: false, rememberPaths: true };

describe("the room's network check at join", () => {
  afterEach(() => {
    delete (globalThis as { localStorage?: unknown }).localStorage;
  });

  const withStorage = () => {
    (globalThis as { localStorage?: unknown }).localStorage = {
      getItem: () => null,
      setItem: () => {},
    };
  };

  it('runs for the path memory where there is a storage, and finds no address without WebRTC', async () => {
    withStorage();
    const network = networkAtJoin(iceConfig(), auto);
    expect(network.mapping).toBeNull();
    await expect(network.publicAddress).resolves.toBeNull();
  });

  it('does not run with rememberPaths off, without a storage, or for relay and direct', () => {
    expect(networkAtJoin(iceConfig(), auto)).toEqual({ mapping: null, publicAddress: null });
    withStorage();
    for (const options of [
      { ...auto, rememberPaths: false },
      { ...auto, strategy: 'relay' as const },
      { ...auto, strategy: 'direct' as const },
    ]) {
      expect(networkAtJoin(iceConfig(), options)).toEqual({ mapping: null, publicAddress: null });
    }
  });

  it('gives TURN on demand a mapping when the server hands out a probe endpoint', async () => {
    const ice = { ...iceConfig(), stunProbe: ['stun:stun.example.com:3479'] };
    const network = networkAtJoin(ice, { ...auto, turnOnDemand: true, rememberPaths: false });
    await expect(network.mapping).resolves.toBe('unknown');
    expect(network.publicAddress).toBeNull();
  });
});
