/**
 * The network check's gatherings: two STUN endpoints asked from one socket show how the NAT
 * maps; a relay-only gathering shows which TURN transports answer.
 */
import { onlyTurn, type IceConfig } from '@icelane/protocol';
import type { NetworkCheckOptions, NetworkClass } from './network-class.js';
import { classifyMapping, classifyTurn } from './classify.js';
import { gather } from './gather.js';
import { localAddressFamilies } from './address-families.js';
import { mappingGatheringEndsAtMs } from './mapping-ending.js';

/** The check itself, loaded on first use (see `check.ts`). */
export async function runNetworkCheck(
  ice: IceConfig,
  o: NetworkCheckOptions,
): Promise<NetworkClass> {
  const started = performance.now();
  const stunEndpoints = probeEndpoints(ice);
  const turnServers = o.turn ? onlyTurn(ice.iceServers) : [];
  const turnUrls = turnServers.flatMap((s) => (Array.isArray(s.urls) ? s.urls : [s.urls]));
  const [stun, relay] = await Promise.all([
    stunEndpoints.length > 0
      ? // Ends once the mapping is told (mapping-ending.ts), not after the browser's ~150 ms of
        // gathering phases.
        gather([{ urls: stunEndpoints }], 'all', o.timeoutMs, (sofar) =>
          mappingGatheringEndsAtMs(sofar, stunEndpoints.length),
        )
      : null,
    turnUrls.length > 0 ? gather(turnServers, 'relay', o.timeoutMs) : null,
  ]);
  const verdict = stun
    ? classifyMapping(stun, stunEndpoints.length)
    : { mapping: 'unknown' as const, udp: null, publicAddress: null };
  const turn = o.turn
    ? classifyTurn(relay ?? { candidates: [], errors: [], complete: true }, turnUrls)
    : null;
  return {
    ...verdict,
    // A relay over UDP proves UDP gets out even where STUN said nothing.
    udp: turn?.udp ? true : verdict.udp,
    turn,
    addressFamilies: localAddressFamilies([
      ...(stun?.candidates ?? []),
      ...(relay?.candidates ?? []),
    ]),
    stunEndpoints,
    durationMs: Math.round(performance.now() - started),
  };
}

/** The first STUN URL handed out, and the first probe URL on another port or address. */
export function probeEndpoints(ice: IceConfig): string[] {
  const stun = ice.iceServers
    .flatMap((s) => (Array.isArray(s.urls) ? s.urls : [s.urls]))
    .filter((url) => /^stun:/i.test(url));
  const first = stun[0] ?? ice.stunProbe?.[0];
  if (!first) return [];
  // `stun:host[:port]`, the port 3478 when absent (RFC 7064).
  const key = (url: string) => {
    const endpoint = url.slice(5).toLowerCase();
    return /:\d+$/.test(endpoint) ? endpoint : `${endpoint}:3478`;
  };
  const second = (ice.stunProbe ?? []).find((url) => key(url) !== key(first));
  return second ? [first, second] : [first];
}
