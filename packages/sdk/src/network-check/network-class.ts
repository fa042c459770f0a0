/**
 * What the network check says and how it runs: apart from the check's entry (check.ts), which
 * loads the check itself (run-check.ts) on first use, so that the loaded code names these types
 * without importing its loader.
 */
import type { AddressFamily } from '@icelane/protocol';
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
  /**
   * The address families this side's own addresses have: `['ipv6']` on an IPv6-only network
   * (NAT64), where STUN/TURN servers given as IPv4 literals are out of reach. Empty when the
   * browser hid its addresses behind mDNS names and no STUN server answered.
   */
  addressFamilies: AddressFamily[];
  /** The STUN endpoints compared (the first STUN URL and the first probe URL that differs). */
  stunEndpoints: string[];
  durationMs: number;
}
