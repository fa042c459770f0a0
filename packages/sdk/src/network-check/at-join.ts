/**
 * The room's own network check, run once at join (its code loaded only then) when something
 * uses it: TURN on demand needs this side's mapping, the path memory the network's public
 * address. Bounded so attempt 1 never waits long for it.
 */
import type { IceConfig } from '@icelane/protocol';
import type { ResolvedJoinOptions } from '../defaults.js';
import { browserStorage } from '../path-memory/path-store.js';
import { checkNetwork, preloadNetworkCheck } from './check.js';
import type { NetworkClass } from './network-class.js';
import type { MappingBehaviour } from './classify.js';
import { NETWORK_WAIT_MS } from './network-hint.js';

export interface NetworkAtJoin {
  /** This side's mapping, for the exchange of TURN on demand; `null` when it is not used. */
  mapping: Promise<MappingBehaviour> | null;
  /** The public address, for the path memory; `null` when it is not used. */
  publicAddress: Promise<string | null> | null;
}

type JoinCheckOptions = Pick<ResolvedJoinOptions, 'strategy' | 'turnOnDemand' | 'rememberPaths'>;

/**
 * The mapping is used with `auto`, TURN on demand and a probe STUN endpoint; the address with
 * `auto`, `rememberPaths` and a storage to remember in.
 */
export function networkAtJoin(ice: IceConfig, options: JoinCheckOptions): NetworkAtJoin {
  const exchange = usesMapping(options) && Boolean(ice.stunProbe?.length);
  const memory = usesAddress(options);
  if (!exchange && !memory) return { mapping: null, publicAddress: null };
  const check: Promise<NetworkClass | null> =
    typeof RTCPeerConnection === 'undefined'
      ? Promise.resolve(null)
      : checkNetwork(ice, { turn: false, timeoutMs: NETWORK_WAIT_MS }).catch(() => null);
  return {
    mapping: exchange ? check.then((network) => network?.mapping ?? 'unknown') : null,
    publicAddress: memory ? check.then((network) => network?.publicAddress ?? null) : null,
  };
}

/**
 * Loads the check's code while the join request is under way, when these options may run the
 * check at join (whether the server hands out a probe endpoint is only known from its answer).
 */
export function preloadForJoin(options: JoinCheckOptions): void {
  if (typeof RTCPeerConnection === 'undefined') return;
  if (usesMapping(options) || usesAddress(options)) preloadNetworkCheck();
}

function usesMapping(options: JoinCheckOptions): boolean {
  return options.strategy === 'auto' && options.turnOnDemand;
}

function usesAddress(options: JoinCheckOptions): boolean {
  return options.strategy === 'auto' && options.rememberPaths && browserStorage() !== null;
}
