/**
 * The network check: before any call, what this network will let through. Its code loads on
 * first use, in a chunk of its own.
 */
import type { IceConfig } from '@icelane/protocol';
import {
  networkCheckDefaults,
  type NetworkCheckOptions,
  type NetworkClass,
} from './network-class.js';

/**
 * Classifies this network with the ICE configuration the server handed out (the join answer's
 * `room.ice`, or `GET /ice`). The mapping needs `ice.stunProbe` (the server's
 * `ICELANE_STUN_PROBE_URLS`); without it the mapping is `unknown`.
 *
 * @example
 * const network = await checkNetwork(room.ice);
 * if (network.mapping === 'endpoint-dependent') console.log('calls from here need the relay');
 */
export async function checkNetwork(
  ice: IceConfig,
  options: Partial<NetworkCheckOptions> = {},
): Promise<NetworkClass> {
  const { runNetworkCheck } = await import('./run-check.js');
  return runNetworkCheck(ice, { ...networkCheckDefaults, ...options });
}

/**
 * Starts loading the check's code ahead of its first use (the room's check at join loads it
 * while the join is under way rather than after it).
 */
export function preloadNetworkCheck(): void {
  import('./run-check.js').catch(() => {
    // Loaded again, and its failure reported, at first use.
  });
}
