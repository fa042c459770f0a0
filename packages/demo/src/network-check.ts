/**
 * The network check: one lone RTCPeerConnection configured with the server's ICE servers gathers
 * every candidate it can, and the page says which types this network yields and whether TURN
 * answered and accepted the credentials.
 */
import type { IceConfig } from '@icelane/protocol';
import type { NetworkClass } from '@icelane/sdk';
import { h } from './dom.js';
import {
  describeMapping,
  localStunHost,
  type GatheredCandidate,
  type GatheredType,
  type Gathering,
  type GatheringError,
  type NetworkVerdict,
} from './network-verdict.js';

export interface GatherOptions {
  /** Gathering with an unreachable server can take ~40 s; the check reports what it has by then. */
  timeoutMs: number;
}

export const gatherDefaults: GatherOptions = { timeoutMs: 12_000 };

export async function gatherCandidates(
  config: IceConfig,
  options: Partial<GatherOptions> = {},
): Promise<Gathering> {
  const { timeoutMs } = { ...gatherDefaults, ...options };
  const urls = config.iceServers.flatMap((s) => (Array.isArray(s.urls) ? s.urls : [s.urls]));
  const started = performance.now();
  const pc = new RTCPeerConnection({ iceServers: config.iceServers, iceTransportPolicy: 'all' });
  const candidates: GatheredCandidate[] = [];
  const errors: GatheringError[] = [];
  pc.addEventListener('icecandidate', (event) => {
    // `relayProtocol` and the event's `url` are in the spec and in Chromium, not yet in lib.dom.
    const candidate = event.candidate as (RTCIceCandidate & { relayProtocol?: string }) | null;
    const url = (event as RTCPeerConnectionIceEvent & { url?: string | null }).url;
    if (!candidate?.candidate || !candidate.type) return;
    candidates.push({
      type: candidate.type as GatheredType,
      protocol: candidate.protocol ?? 'udp',
      address: candidate.address ?? '',
      ...(candidate.relayProtocol ? { relayProtocol: candidate.relayProtocol } : {}),
      ...(url ? { url } : {}),
    });
  });
  pc.addEventListener('icecandidateerror', (event) => {
    const error = event as RTCPeerConnectionIceErrorEvent;
    errors.push({ url: error.url, errorCode: error.errorCode, errorText: error.errorText });
  });
  try {
    // A data channel gives the offer something to negotiate, so gathering starts without media.
    pc.createDataChannel('network-check');
    await pc.setLocalDescription(await pc.createOffer());
    const complete = await gatheringComplete(pc, timeoutMs);
    return {
      candidates,
      errors,
      complete,
      durationMs: performance.now() - started,
      stunConfigured: urls.some((url) => /^stuns?:/i.test(url)),
      turnConfigured: urls.some((url) => /^turns?:/i.test(url)),
      localStun: localStunHost(urls),
    };
  } finally {
    pc.close();
  }
}

function gatheringComplete(pc: RTCPeerConnection, timeoutMs: number): Promise<boolean> {
  if (pc.iceGatheringState === 'complete') return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    pc.addEventListener('icegatheringstatechange', () => {
      if (pc.iceGatheringState !== 'complete') return;
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/** Renders a verdict: the types as badges, the findings as sentences, the conclusion last. */
export function renderVerdict(
  target: HTMLElement,
  verdict: NetworkVerdict,
  gathering: Gathering,
  network: NetworkClass,
) {
  const mapping = describeMapping(network);
  target.replaceChildren(
    h(
      'div',
      { class: 'badges', 'data-types': verdict.types.join(' ') },
      ...(verdict.types.length > 0
        ? verdict.types.map((type) => h('span', { class: `badge type-${type}` }, type))
        : [h('span', { class: 'badge' }, 'no candidates')]),
    ),
    h('ul', {}, ...verdict.lines.map((line) => h('li', {}, line))),
    h('p', { class: `verdict turn-${verdict.turn}` }, verdict.summary),
    h('p', { class: 'mapping', 'data-mapping': network.mapping }, mapping.line),
    h('p', { class: 'prediction' }, mapping.prediction),
    h(
      'p',
      { class: 'muted' },
      `${gathering.candidates.length} candidate(s) in ${Math.round(gathering.durationMs)} ms.`,
    ),
  );
}

/**
 * The server's ICE configuration without joining a room (`GET /ice`). Accepts the bare
 * configuration or the protocol's `{ data }` acknowledgement shape.
 */
export async function fetchIceConfig(server: string): Promise<IceConfig> {
  let response: Response;
  try {
    response = await fetch(new URL('/ice', server), { headers: { accept: 'application/json' } });
  } catch (error) {
    throw new Error(`Could not reach the icelane server at ${server}: is it running?`, {
      cause: error,
    });
  }
  const body = (await response.json().catch(() => null)) as
    IceConfig | { data?: IceConfig; error?: { message?: string } } | null;
  const config =
    body && 'iceServers' in body ? body : body && 'data' in body ? body.data : undefined;
  if (!response.ok || !config || !Array.isArray(config.iceServers)) {
    const reason = body && 'error' in body && body.error?.message ? `: ${body.error.message}` : '';
    throw new Error(`The server did not hand out ICE servers (HTTP ${response.status}${reason}).`);
  }
  return config;
}
