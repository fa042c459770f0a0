/**
 * A whole lab: the network, coturn and the signaling server on the public segment, and a browser
 * per side. Everything it starts is stopped by `close()`, in reverse order, even when a step fails.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from '@playwright/test';
import type { BrowserName } from '../browser-suite/browsers.js';
import { startCoturn, startServerProcess, type Coturn, type ServerProcess } from '../index.js';
import { coturnDefaults } from '../coturn.js';
import { launchBrowserIn } from './browser.js';
import { makeLabCa } from './lab-ca.js';
import { writeNamespaceHosts } from './netns-hosts.js';
import { blackout, handover, rebind, type IncidentTimes } from './incidents.js';
import { WEB_HOST } from './nat-kinds.js';
import { run } from './run.js';
import { PUBLIC_HOST, buildLabNetwork, ip, type LabNetwork, type SideName } from './topology.js';
import { TurnLog } from './turn-log.js';
import { PUBLIC_HOST6, SIGNAL_NAME, TURN_NAME, type SideNetwork } from './ipv6/plan.js';
import { controlLink, type LinkControl, type LinkSetting } from './link-emulator/link-control.js';

/** The TURN port: every lab has its own public namespace, so a fixed port never clashes. */
export const TURN_PORT = 3478;
export const TURN_SECRET = 'icelane-lab-secret';
export const TURN_REALM = 'icelane.lab';
/** coturn's second public address with `stunProbe`: two listening addresses open its
 * alternative port (TURN_PORT + 1), the network check's second STUN endpoint. With `turnTls`,
 * the signaling server's address instead (see `WEB_HOST`). */
const SECOND_PUBLIC_HOST = WEB_HOST;
/** Where coturn serves TURN over TLS with `turnTls`. */
export const TURN_TLS_PORT = 443;
/**
 * The TURN server's host name in the `turns:` URL of a lab with Firefox, which refuses TLS to an
 * IP address ("TLS requires FQDN" in its log, and no relay). The clients' namespaces know it
 * from a hosts file of their own (netns-hosts.ts). A lab of Chromiums keeps the IP address:
 * measured, Chromium 156 gathered nothing from the named URL within 12 s, with that hosts file
 * and with `--host-resolver-rules` alike. `.test` is a reserved name.
 */
export const TURN_TLS_NAME = 'turn.icelane.test';
/** The ports coturn relays from (the far end of a relayed packet, seen from the peer). */
const COTURN_RELAY_PORTS = { min: coturnDefaults.minRelayPort, max: coturnDefaults.maxRelayPort };
/** The clients' private side, which the relay must refuse as a peer (as on the internet). */
const CGNAT_RANGE = '100.64.0.0-100.127.255.255';
/**
 * The lab's relay runs at real-time priority, as the link emulator's pump does (below the pump and
 * its probe): in production a relay has a machine of its own. At normal priority, at a load of
 * ~20, its relay threads waited 2.2-2.8 ms on the run queue at each wakeup, and calls through it
 * went silent for up to 1.2 s (docs/benchmarks.md, "clean calls `reconnecting` on a loaded
 * machine"). It takes well under 1 % of a core for a few calls.
 */
const RELAY_PRIORITY = 3;

export interface LabOptions {
  /**
   * How each side reaches the public segment. With an IPv6-only side (`'nat64'`), coturn also
   * listens and relays on IPv6, and the servers go by name (`signal.icelane.test`,
   * `turn.icelane.test`: an IPv6-only side can use no IPv4 literal): that side resolves them with
   * DNS64, every other namespace at the public segment's resolver (ipv6/public-dns.ts).
   */
  a: SideNetwork;
  b: SideNetwork;
  /** Run coturn. `false` means TURN is down: its address is known, nothing answers there. */
  turn: boolean;
  /** Run the signaling server with this environment on top of the lab's TURN settings. */
  server: false | { env: Record<string, string> };
  /**
   * Run calls as a real video call does: the server's page counts as a secure origin, so it can
   * take the (fake) camera, and Chromium then shows host addresses instead of mDNS names — which
   * changes how ICE behaves. `false`: addresses hidden, as on a page without media permission.
   */
  videoCall: boolean;
  /**
   * coturn refuses the clients' private addresses as peers, as a relay on the internet must (see
   * README, "The relay must refuse private peers"). `false` shows what happens without.
   */
  relayRefusesPrivatePeers: boolean;
  /** A spare router per NATed side, for `handover` (see `LabNetworkOptions.spareRouter`). */
  spareRouter: boolean;
  /** Run coturn with `--verbose`, so `turnLog` sees every allocation and the username behind it. */
  turnVerbose: boolean;
  /**
   * coturn also answers STUN on `stun:203.0.113.1:3479` (a second listening address opens its
   * alternative port), and the server hands that out as `stunProbe` for the network check.
   */
  stunProbe: boolean;
  /**
   * coturn also serves `turns:203.0.113.1:443` (`turns:turn.icelane.test:443` in a lab with
   * Firefox: see `TURN_TLS_NAME`) with a certificate from a CA made for the lab, which the lab's
   * browsers trust; the server hands that URL out; the signaling server listens
   * on the web app's host (`WEB_HOST`), the one a `tcp-443-only` firewall lets through besides 443.
   */
  turnTls: boolean;
  /** With `turnTls`, whether the browsers trust the lab's CA (`false`: the control). */
  trustLabCa: boolean;
  /** The browser each side runs (Debian's Chromium or Firefox ESR). */
  browsers: Record<SideName, BrowserName>;
  /**
   * The link between a side's client and its router (or the public segment), emulated: a named
   * profile (link-emulator/profiles.ts) or a configuration of its own. A side listed here can
   * have its link changed during a call (`Lab.links`), `'perfect'` included; a side left out
   * keeps a plain veth.
   */
  links: Partial<Record<SideName, LinkSetting>>;
  onLog: (line: string) => void;
}

export const labDefaults: LabOptions = {
  a: 'symmetric',
  b: 'symmetric',
  turn: true,
  server: false,
  videoCall: false,
  relayRefusesPrivatePeers: true,
  spareRouter: false,
  turnVerbose: true,
  stunProbe: false,
  turnTls: false,
  trustLabCa: true,
  browsers: { a: 'chromium', b: 'chromium' },
  links: {},
  onLog: () => {},
};

export interface Lab {
  network: LabNetwork;
  /** The coturn running now (a new one after `restartTurn`), or `null` without TURN. */
  readonly coturn: Coturn | null;
  /** What coturn printed about allocations and requests, per username (needs `turnVerbose`). */
  turnLog: TurnLog;
  /**
   * `turn:203.0.113.1:3478?transport=…` (`turn.icelane.test` with an IPv6-only side) whether or
   * not coturn runs; `tls` with `turnTls`.
   */
  turnUrls: { udp: string; tcp: string; tls?: string };
  stunUrl: string;
  /** `stun:203.0.113.1:3479` with `stunProbe`, else `null`. */
  probeStunUrl: string | null;
  server: ServerProcess | null;
  /** Whether calls run as real video calls (see `LabOptions.videoCall`). */
  videoCall: boolean;
  /** The browser each side runs. */
  browsers: Record<SideName, BrowserName>;
  /** Each side's emulated link (see `LabOptions.links`), `null` for a side without one. */
  links: Record<SideName, LinkControl | null>;
  /** The browser whose traffic comes from that side's namespace, launched on first use. */
  browser(side: SideName): Promise<Browser>;
  /** A new page in that side's browser. */
  page(side: SideName): Promise<Page>;
  /** GET a URL from inside the public namespace; resolves with the body. */
  fetchFromPublic(url: string): Promise<string>;
  /** NAT rebinding on that side's router (`conntrack -F`): see incidents.ts. */
  rebind(side: SideName): Promise<IncidentTimes>;
  /** Wi-Fi → cellular onto that side's spare router (needs `spareRouter`): see incidents.ts. */
  handover(side: SideName): Promise<IncidentTimes>;
  /** That side's path lost for `ms`; resolves when it is back. See incidents.ts. */
  blackout(side: SideName, ms: number): Promise<IncidentTimes>;
  /**
   * coturn killed (SIGKILL: every allocation dies with its state) and started again on the same
   * address and port after `downMs`. Resolves once the new one listens.
   */
  restartTurn(downMs?: number): Promise<IncidentTimes>;
  close(): Promise<void>;
}

export async function createLab(options: Partial<LabOptions> = {}): Promise<Lab> {
  const o = { ...labDefaults, ...options };
  const cleanups: (() => Promise<unknown>)[] = [];
  // Incidents still running when the lab closes stop waiting and are let finish before anything
  // is stopped; the namespaces take their rules with them.
  const closing = new AbortController();
  const incidents = new Set<Promise<unknown>>();
  const close = async () => {
    closing.abort();
    await Promise.allSettled(incidents);
    const errors: unknown[] = [];
    for (const cleanup of cleanups.splice(0).reverse()) {
      await cleanup().catch((error: unknown) => errors.push(error));
    }
    if (errors.length > 0) throw errors[0];
  };

  try {
    const dir = await mkdtemp(join(tmpdir(), 'icelane-lab-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const network = await buildLabNetwork({
      a: o.a,
      b: o.b,
      spareRouter: o.spareRouter,
      emulatedLinks: (['a', 'b'] as const).filter((side) => o.links[side] !== undefined),
    });
    cleanups.push(() => network.destroy());
    const track = <T>(start: () => Promise<T>): Promise<T> => {
      if (closing.signal.aborted) return Promise.reject(new Error('the lab is closed'));
      const incident = start();
      incidents.add(incident);
      void incident.finally(() => incidents.delete(incident)).catch(() => {});
      return incident;
    };
    const prefix = ['ip', 'netns', 'exec', network.pubNs];
    if (o.stunProbe && o.turnTls) throw new Error('stunProbe and turnTls both use 203.0.113.2');
    if (o.stunProbe || o.turnTls)
      await ip(network.pubNs, 'addr', 'add', `${SECOND_PUBLIC_HOST}/24`, 'dev', 'br0');
    const ca = o.turnTls ? await makeLabCa(dir, TURN_TLS_NAME, PUBLIC_HOST) : null;
    const tlsByName = Object.values(o.browsers).includes('firefox');
    if (ca && tlsByName) {
      for (const side of Object.values(network.sides)) {
        await writeNamespaceHosts(side.ns, { [TURN_TLS_NAME]: PUBLIC_HOST });
      }
    }
    const tlsHost = tlsByName ? TURN_TLS_NAME : PUBLIC_HOST;
    const named = o.a === 'nat64' || o.b === 'nat64';
    const iceHost = named ? TURN_NAME : PUBLIC_HOST;

    const turnLog = new TurnLog();
    const turnOptions = {
      prefix,
      realtimePriority: RELAY_PRIORITY,
      ip: PUBLIC_HOST,
      port: TURN_PORT,
      secret: TURN_SECRET,
      realm: TURN_REALM,
      deniedPeerRanges: o.relayRefusesPrivatePeers ? [CGNAT_RANGE] : [],
      verbose: o.turnVerbose,
      extraListeningIps: [
        ...(o.stunProbe ? [SECOND_PUBLIC_HOST] : []),
        ...(named ? [PUBLIC_HOST6] : []),
      ],
      // The IPv4 relay address stays `ip`, explicit: a client reaching coturn over IPv6 gets an
      // IPv4 relay unless it asks for IPv6 (RFC 6156), as behind Cloudflare's TURN.
      extraRelayIps: named ? [PUBLIC_HOST6] : [],
      tls: ca ? { port: TURN_TLS_PORT, certFile: ca.certFile, keyFile: ca.keyFile } : null,
      onLog: (line: string) => {
        turnLog.read(line);
        o.onLog(line);
      },
    };
    let coturn = o.turn ? await startCoturn(turnOptions) : null;
    cleanups.push(async () => coturn?.stop());
    const restartTurn = (downMs = 0) =>
      track(async () => {
        if (!coturn) throw new Error('this lab runs no coturn (turn: false)');
        const startedAt = Date.now();
        const killed = coturn;
        coturn = null;
        process.kill(killed.pid, 'SIGKILL');
        await killed.stop();
        if (downMs > 0) await new Promise((resolve) => setTimeout(resolve, downMs));
        turnLog.run++;
        coturn = await startCoturn(turnOptions);
        return { startedAt, endedAt: Date.now() };
      });

    const turnUrls = {
      udp: `turn:${iceHost}:${TURN_PORT}?transport=udp`,
      tcp: `turn:${iceHost}:${TURN_PORT}?transport=tcp`,
      ...(ca ? { tls: `turns:${tlsHost}:${TURN_TLS_PORT}?transport=tcp` } : {}),
    };
    const stunUrl = `stun:${iceHost}:${TURN_PORT}`;
    const probeStunUrl = o.stunProbe ? `stun:${PUBLIC_HOST}:${TURN_PORT + 1}` : null;

    const server = o.server
      ? await startServerProcess({
          prefix,
          host: named ? SIGNAL_NAME : o.turnTls ? WEB_HOST : PUBLIC_HOST,
          env: {
            ...serverTurnEnv(stunUrl, turnUrls),
            ...(probeStunUrl ? { ICELANE_STUN_PROBE_URLS: probeStunUrl } : {}),
            ...o.server.env,
          },
          onLog: o.onLog,
        })
      : null;
    if (server) cleanups.push(() => server.stop());

    // The TURN path is known once the server's port is: its packets are the ones to the TURN
    // host on TURN's ports and relay range, not those to the signaling server on the same host.
    const turnMatch = {
      host: PUBLIC_HOST,
      ports: [
        [TURN_PORT, TURN_PORT + 1],
        ...(ca ? [[TURN_TLS_PORT, TURN_TLS_PORT]] : []),
        [COTURN_RELAY_PORTS.min, COTURN_RELAY_PORTS.max],
      ] as [number, number][],
      exceptPorts: server && !o.turnTls ? [server.port] : [],
    };
    const links = { a: null, b: null } as Record<SideName, LinkControl | null>;
    for (const side of ['a', 'b'] as const) {
      const cable = network.sides[side].cable;
      const setting = o.links[side];
      if (cable && setting !== undefined)
        links[side] = await controlLink(cable, turnMatch, setting);
    }

    // Promises, so two callers asking at once share one browser.
    const launched: Partial<Record<SideName, Promise<Browser>>> = {};
    const browser = (side: SideName) =>
      (launched[side] ??= launchBrowserIn(
        o.browsers[side],
        dir,
        network.sides[side].ns,
        o.videoCall && server ? server.url : undefined,
        ca && o.trustLabCa ? ca : undefined,
      ).then((started) => {
        cleanups.push(() => started.close());
        return started;
      }));
    const page = async (side: SideName) => (await browser(side)).newPage();

    const fetchFromPublic = (url: string) =>
      run('ip', [
        'netns',
        'exec',
        network.pubNs,
        process.execPath,
        '-e',
        'fetch(process.argv[1]).then(async (r) => { if (!r.ok) throw new Error(`HTTP ${r.status}`); process.stdout.write(await r.text()); })',
        url,
      ]);

    return {
      network,
      get coturn() {
        return coturn;
      },
      turnLog,
      turnUrls,
      stunUrl,
      probeStunUrl,
      server,
      videoCall: o.videoCall,
      browsers: o.browsers,
      links,
      browser,
      page,
      fetchFromPublic,
      rebind: (side) => track(() => rebind(network, side)),
      handover: (side) => track(() => handover(network, side)),
      blackout: (side, ms) => track(() => blackout(network, side, ms, closing.signal)),
      restartTurn,
      close,
    };
  } catch (error) {
    await close().catch(() => {});
    throw error;
  }
}

/** The server's TURN configuration for the lab's coturn (the coturn provider, shared secret). */
function serverTurnEnv(stunUrl: string, turnUrls: Lab['turnUrls']) {
  return {
    ICELANE_TURN_PROVIDER: 'coturn',
    ICELANE_COTURN_SECRETS: TURN_SECRET,
    ICELANE_COTURN_URLS: [turnUrls.udp, turnUrls.tcp, turnUrls.tls].filter(Boolean).join(','),
    ICELANE_STUN_URLS: stunUrl,
  };
}
