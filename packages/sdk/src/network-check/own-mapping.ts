/**
 * The room's own network check for TURN on demand: run once at join (its code loaded only
 * then), bounded so attempt 1 never waits long for it.
 */
import type { IceConfig } from '@icelane/protocol';
import type { ResolvedJoinOptions } from '../defaults.js';
import { checkNetwork } from './check.js';
import type { MappingBehaviour } from './classify.js';
import { NETWORK_WAIT_MS } from './network-hint.js';

/** `null` when nothing will use it: not `auto` with TURN on demand, or no probe STUN endpoint. */
export function mappingForTurnOnDemand(
  ice: IceConfig,
  options: Pick<ResolvedJoinOptions, 'strategy' | 'turnOnDemand'>,
): Promise<MappingBehaviour> | null {
  if (options.strategy !== 'auto' || !options.turnOnDemand || !ice.stunProbe?.length) return null;
  if (typeof RTCPeerConnection === 'undefined') return Promise.resolve('unknown');
  return checkNetwork(ice, { turn: false, timeoutMs: NETWORK_WAIT_MS })
    .then((network) => network.mapping)
    .catch(() => 'unknown' as const);
}
