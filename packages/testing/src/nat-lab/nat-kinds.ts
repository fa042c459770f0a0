/**
 * The NAT behaviours a router namespace can have, as the iptables rules that produce them.
 * Measured on this machine (see DESIGN.md, "Testing on real parts").
 */

/**
 * - `none`: no router; the client sits on the public segment.
 * - `port-restricted`: one public port per private socket (MASQUERADE keeps the port); STUN
 *   alone connects two of them (srflx to srflx).
 * - `symmetric`: a new public port per destination (`--random-fully`), like carrier-grade NAT;
 *   only a TURN relay crosses it.
 * - `udp-blocked`: symmetric, and UDP to the public side is dropped, so only TURN over TCP works.
 * - `tcp-443-only`: symmetric, and only TCP to port 443 gets out (the office firewall), besides
 *   TCP to the web app's own host {@link WEB_HOST} (its page and signaling; on the internet they
 *   too come over 443). Only TURN over TLS on 443 relays.
 */
export type NatKind = 'none' | 'port-restricted' | 'symmetric' | 'udp-blocked' | 'tcp-443-only';

export const natKinds: readonly NatKind[] = [
  'none',
  'port-restricted',
  'symmetric',
  'udp-blocked',
  'tcp-443-only',
];

/** The web app's host behind a `tcp-443-only` firewall: the lab's second public address. */
export const WEB_HOST = '203.0.113.2';

/** Interface names inside a router namespace. */
export interface RouterInterfaces {
  wan: string;
  lan: string;
}

/** The `iptables` argument lists that turn a router namespace into a NAT of `kind`. */
export function natRules(
  kind: Exclude<NatKind, 'none'>,
  { wan, lan }: RouterInterfaces,
): string[][] {
  const masquerade = ['-t', 'nat', '-A', 'POSTROUTING', '-o', wan, '-j', 'MASQUERADE'];
  const established = ['-m', 'conntrack', '--ctstate', 'ESTABLISHED,RELATED', '-j', 'ACCEPT'];
  return [
    kind === 'port-restricted' ? masquerade : [...masquerade, '--random-fully'],
    // Without an INPUT drop, conntrack confirms the peer's unsolicited punch packet as a flow to
    // the router itself, and the next SNAT has to pick another port: port-restricted turns symmetric.
    ['-P', 'INPUT', 'DROP'],
    ['-A', 'INPUT', '-i', 'lo', '-j', 'ACCEPT'],
    ['-A', 'INPUT', '-i', lan, '-j', 'ACCEPT'],
    ['-A', 'INPUT', ...established],
    ['-P', 'FORWARD', 'DROP'],
    ...(kind === 'udp-blocked'
      ? [['-A', 'FORWARD', '-i', lan, '-o', wan, '-p', 'udp', '-j', 'DROP']]
      : []),
    ...(kind === 'tcp-443-only'
      ? [
          ['-A', 'FORWARD', '-i', lan, '-o', wan, '-p', 'tcp', '--dport', '443', '-j', 'ACCEPT'],
          ['-A', 'FORWARD', '-i', lan, '-o', wan, '-p', 'tcp', '-d', WEB_HOST, '-j', 'ACCEPT'],
        ]
      : [['-A', 'FORWARD', '-i', lan, '-o', wan, '-j', 'ACCEPT']]),
    ['-A', 'FORWARD', ...established],
  ];
}
