/**
 * Pure helpers that turn configured and minted ICE servers into a list browsers handle well.
 */
import type { IceServer } from './events.js';

export type IceScheme = 'stun' | 'stuns' | 'turn' | 'turns';

/** A parsed `stun:`/`turn:` URL (RFC 7064, RFC 7065). */
export interface IceUrl {
  scheme: IceScheme;
  host: string;
  port: number;
  /** `udp` or `tcp` for `turn:`, `tls` for `turns:` (TLS over TCP), `udp` for STUN. */
  transport: 'udp' | 'tcp' | 'tls';
}

/** The transport classes the assembled list tries to cover, in order of preference. */
export type IceUrlClass = 'stun' | 'turn-udp' | 'turn-tcp' | 'turns';

const DEFAULT_PORT: Record<IceScheme, number> = {
  stun: 3478,
  turn: 3478,
  stuns: 5349,
  turns: 5349,
};
const ICE_URL =
  /^(stuns?|turns?):(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(?::(\d{1,5}))?(\?transport=(udp|tcp))?$/;

/** Parses an ICE server URL; returns `null` for anything a browser would reject. */
export function parseIceUrl(url: string): IceUrl | null {
  const match = ICE_URL.exec(url);
  if (!match) return null;
  const scheme = match[1] as IceScheme;
  const host = match[2]!;
  const port = match[3] === undefined ? DEFAULT_PORT[scheme] : Number(match[3]);
  const transportParam = match[5] as 'udp' | 'tcp' | undefined;
  if (port < 1 || port > 65535) return null;
  // RFC 7064: STUN URLs take no query; RFC 7065 allows ?transport= on TURN only.
  if (transportParam && (scheme === 'stun' || scheme === 'stuns')) return null;
  if (host.startsWith('.') || host.endsWith('.') || host.startsWith('-') || host.includes('..')) {
    return null;
  }
  const transport =
    scheme === 'turns' ? 'tls' : scheme === 'turn' ? (transportParam ?? 'udp') : 'udp';
  return { scheme, host, port, transport };
}

export function classifyIceUrl(url: IceUrl): IceUrlClass {
  if (url.scheme === 'stun' || url.scheme === 'stuns') return 'stun';
  if (url.scheme === 'turns') return 'turns';
  return url.transport === 'tcp' ? 'turn-tcp' : 'turn-udp';
}

export type DroppedReason = 'malformed' | 'port-53' | 'duplicate' | 'over-cap' | 'no-credentials';

export interface DroppedIceUrl {
  url: string;
  reason: DroppedReason;
}

export interface AssembleIceOptions {
  /** The most URLs to hand out in all; browsers slow down or warn past a few. */
  maxUrls: number;
}

export const assembleIceDefaults = { maxUrls: 4 } as const satisfies AssembleIceOptions;

export interface AssembledIce {
  iceServers: IceServer[];
  /** What was left out and why, for logs and health. */
  dropped: DroppedIceUrl[];
}

interface Entry {
  url: string;
  parsed: IceUrl;
  cls: IceUrlClass;
  server: IceServer;
}

const CLASS_ORDER: readonly IceUrlClass[] = ['stun', 'turn-udp', 'turn-tcp', 'turns'];

/**
 * Assembles the list handed to clients:
 *
 * 1. rejects malformed URLs and TURN URLs without a username and credential;
 * 2. drops URLs on port 53 (browsers block them, and without trickle they stall gathering);
 * 3. de-duplicates (the same server and credentials, however the URL is written);
 * 4. caps the URL count: a TURNS URL on port 443 first, whenever there is one (through a
 *    firewall that lets only TCP 443 out, it is the one path left, and the one a low cap must
 *    not cut), then one URL of each transport class — STUN, TURN/UDP, TURN/TCP, TURNS — then
 *    filling up in the given order.
 *
 * Servers keep their credentials; the result keeps the input order.
 */
export function assembleIceServers(
  servers: readonly IceServer[],
  options: Partial<AssembleIceOptions> = {},
): AssembledIce {
  const { maxUrls } = { ...assembleIceDefaults, ...options };
  const dropped: DroppedIceUrl[] = [];
  const seen = new Set<string>();
  const entries: Entry[] = [];

  for (const server of servers) {
    const urls = Array.isArray(server.urls) ? server.urls : [server.urls];
    for (const raw of urls) {
      const url = typeof raw === 'string' ? raw.trim() : '';
      const parsed = parseIceUrl(url);
      if (!parsed) {
        dropped.push({ url: String(raw), reason: 'malformed' });
        continue;
      }
      if (parsed.port === 53) {
        dropped.push({ url, reason: 'port-53' });
        continue;
      }
      const isTurn = parsed.scheme === 'turn' || parsed.scheme === 'turns';
      if (isTurn && (!server.username || !server.credential)) {
        dropped.push({ url, reason: 'no-credentials' });
        continue;
      }
      // The same server however written: host case, default port, default transport.
      const { scheme, host, port, transport } = parsed;
      const key = [
        scheme,
        host.toLowerCase(),
        port,
        transport,
        server.username,
        server.credential,
      ].join('\n');
      if (seen.has(key)) {
        dropped.push({ url, reason: 'duplicate' });
        continue;
      }
      seen.add(key);
      entries.push({ url, parsed, cls: classifyIceUrl(parsed), server });
    }
  }

  const chosen = new Set<Entry>();
  const tlsOn443 = entries.find((entry) => entry.cls === 'turns' && entry.parsed.port === 443);
  if (tlsOn443 && maxUrls > 0) chosen.add(tlsOn443);
  for (const cls of CLASS_ORDER) {
    if (chosen.size >= maxUrls) break;
    if (cls === 'turns' && tlsOn443) continue;
    const pick = entries.find((entry) => entry.cls === cls);
    if (pick) chosen.add(pick);
  }
  for (const entry of entries) {
    if (chosen.size >= maxUrls) break;
    chosen.add(entry);
  }
  for (const entry of entries) {
    if (!chosen.has(entry)) dropped.push({ url: entry.url, reason: 'over-cap' });
  }

  // Regroup the chosen URLs by the server (and so the credentials) they came from.
  const grouped = new Map<IceServer, string[]>();
  for (const entry of entries) {
    if (!chosen.has(entry)) continue;
    const list = grouped.get(entry.server) ?? [];
    list.push(entry.url);
    grouped.set(entry.server, list);
  }
  const iceServers: IceServer[] = [];
  for (const [server, urls] of grouped) {
    const out: IceServer = { urls: urls.length === 1 ? urls[0]! : urls };
    if (server.username !== undefined) out.username = server.username;
    if (server.credential !== undefined) out.credential = server.credential;
    iceServers.push(out);
  }
  return { iceServers, dropped };
}

/** Whether any server in the list is a TURN server. */
export function hasTurn(servers: readonly IceServer[]): boolean {
  return servers.some((server) =>
    (Array.isArray(server.urls) ? server.urls : [server.urls]).some((url) => /^turns?:/i.test(url)),
  );
}

/** The list without its TURN servers (for a STUN-only attempt). */
export function withoutTurn(servers: readonly IceServer[]): IceServer[] {
  return onlyScheme(servers, /^stuns?:/i);
}

/** The list without its STUN servers (for a relay-only attempt). */
export function onlyTurn(servers: readonly IceServer[]): IceServer[] {
  return onlyScheme(servers, /^turns?:/i);
}

function onlyScheme(servers: readonly IceServer[], keep: RegExp): IceServer[] {
  const out: IceServer[] = [];
  for (const server of servers) {
    const urls = (Array.isArray(server.urls) ? server.urls : [server.urls]).filter((url) =>
      keep.test(url),
    );
    if (urls.length > 0) out.push({ ...server, urls: urls.length === 1 ? urls[0]! : urls });
  }
  return out;
}
