/**
 * One {@link PeerLink} on the fakes, with everything it sends and emits recorded: the setup the
 * link's tests share.
 */
import { vi, type Mock } from 'vitest';
import type { IceConfig, SignalData } from '@icelane/protocol';
import { resolveJoinOptions, type JoinOptions } from '../../src/defaults.js';
import { PeerLink } from '../../src/peer-link.js';
import type { NetworkPaths } from '../../src/path-memory/network-paths.js';
import { fakeSimplePeers } from './fake-simple-peer.js';
import { iceConfig } from './ice.js';
import type { RecordedEvent } from './room-harness.js';

export interface LinkSetup {
  initiator?: boolean;
  options?: Partial<JoinOptions>;
  /** Fresh ICE servers arrive only when the test resolves them (see `resolveIce`). */
  holdFreshIce?: boolean;
  /** The paths remembered for the link's network. */
  paths?: NetworkPaths;
  /** The room's ICE configuration, fresh ones included, instead of `iceConfig(n)`. */
  ice?: IceConfig;
}

export function openLink(setup: LinkSetup = {}) {
  const peers = fakeSimplePeers();
  const sent: { to: string; attempt: number; data: SignalData }[] = [];
  const events: RecordedEvent[] = [];
  let ice = setup.ice ?? iceConfig(1);
  let issued = 1;
  const held: (() => void)[] = [];
  const freshIce: Mock<(since: number) => Promise<IceConfig>> = vi.fn((_since: number) => {
    const next = setup.ice ?? iceConfig(++issued);
    const accept = () => (ice = next);
    if (!setup.holdFreshIce) return Promise.resolve(accept());
    return new Promise<IceConfig>((resolve) => held.push(() => resolve(accept())));
  });
  const onLost: Mock<() => void> = vi.fn();
  const onTrouble: Mock<() => void> = vi.fn();
  const link = new PeerLink({
    remote: { peerId: 'p-1', name: 'Ada' },
    initiator: setup.initiator ?? true,
    options: resolveJoinOptions(setup.options),
    SimplePeer: peers.SimplePeer,
    ice: () => ice,
    paths: setup.paths ?? null,
    freshIce,
    sendSignal: (to, attempt, data) => sent.push({ to, attempt, data }),
    emit: (event, payload) => events.push([event, payload] as RecordedEvent),
    onReport: vi.fn(),
    onUsage: vi.fn(),
    onControl: vi.fn(),
    onLost,
    onTrouble,
  });
  return {
    link,
    peers,
    sent,
    events,
    freshIce,
    onLost,
    onTrouble,
    /** Lets the held fresh-ICE requests answer. */
    resolveIce: () => held.splice(0).forEach((release) => release()),
    eventsOf: <K extends RecordedEvent[0]>(name: K) =>
      events
        .filter((event) => event[0] === name)
        .map((event) => event[1] as Extract<RecordedEvent, [K, unknown]>[1]),
  };
}
