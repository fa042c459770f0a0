/**
 * The network check: before any call, what this network will let through. Its code loads on
 * first use, in a chunk of its own.
 */
import type { IceConfig } from '@icelane/protocol';
import type { MappingBehaviour, TurnTransports } from './classify.js';

export interface NetworkCheckOptions {
  /** Also gather relay candidates, to say which TURN transports answer. @default true */
  turn: boolean;
  /**
   * The longest the check takes. STUN normally answers in one round trip; a silent server (UDP
   * blocked) is given up at this deadline, and TURN over an unreachable UDP port only fails by
   * itself after ~40 s. @default 4000
   */
  timeoutMs: number;
}

export const networkCheckDefaults: NetworkCheckOptions = { turn: true, timeoutMs: 4_000 };

export interface NetworkClass {
  /** How this network's NAT maps: see {@link MappingBehaviour}. */
  mapping: MappingBehaviour;
  /** Whether UDP reaches the STUN or TURN servers; `null` when nothing was there to ask. */
  udp: boolean | null;
  /** Per TURN transport: answered, did not answer, or `null` when not configured. `null` as a
   * whole when the check did not ask TURN (`turn: false`). */
  turn: TurnTransports | null;
  /** The public IP address the STUN servers saw. */
  publicAddress: string | null;
  /** The STUN endpoints compared (the first STUN URL and the first probe URL that differs). */
  stunEndpoints: string[];
  durationMs: number;
}

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
