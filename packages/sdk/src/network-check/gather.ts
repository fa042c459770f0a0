/**
 * One gathering on a lone `RTCPeerConnection`: every candidate and candidate error until
 * gathering completes, the deadline passes or what came tells enough. Nothing is connected; the
 * connection is closed.
 */
import type { IceServer } from '@icelane/protocol';
import type { ProbeCandidate, ProbeError, ProbeGathering } from './classify.js';

export function gather(
  iceServers: IceServer[],
  policy: RTCIceTransportPolicy,
  timeoutMs: number,
  /**
   * When, from what came so far, the gathering may end (ms from its start; `null`: not yet). It
   * is asked again at each candidate, and then ends `settled`.
   */
  endsAtMs: (gathering: ProbeGathering) => number | null = () => null,
): Promise<ProbeGathering> {
  const startedAt = performance.now();
  const pc = new RTCPeerConnection({ iceServers, iceTransportPolicy: policy });
  const candidates: ProbeCandidate[] = [];
  const errors: ProbeError[] = [];
  return new Promise<ProbeGathering>((resolve) => {
    let finished = false;
    let ending: ReturnType<typeof setTimeout> | undefined;
    const finish = (complete: boolean, settled = false) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      clearTimeout(ending);
      pc.onicecandidate = pc.onicecandidateerror = pc.onicegatheringstatechange = null;
      void addRelayProtocols(pc, candidates).finally(() => {
        pc.close();
        resolve({ candidates, errors, complete, settled });
      });
    };
    const timer = setTimeout(() => finish(false), timeoutMs);
    pc.onicecandidate = (event) => {
      // `relayProtocol` and `url` are in the spec and in Chromium, not yet in lib.dom.
      const c = event.candidate as (RTCIceCandidate & { relayProtocol?: string }) | null;
      if (!c?.candidate || !c.type) return;
      candidates.push({
        type: c.type,
        protocol: c.protocol ?? 'udp',
        address: c.address ?? '',
        port: c.port ?? 0,
        relatedAddress: c.relatedAddress,
        relatedPort: c.relatedPort,
        relayProtocol: c.relayProtocol ?? null,
        // Chromium 156 sets the candidate's `url`, not the event's; `relayProtocol` is null on
        // a relay over UDP.
        url:
          (c as RTCIceCandidate & { url?: string | null }).url ??
          (event as RTCPeerConnectionIceEvent & { url?: string | null }).url ??
          null,
        atMs: Math.round(performance.now() - startedAt),
      });
      const endAt = endsAtMs({ candidates, errors, complete: false });
      clearTimeout(ending);
      if (endAt === null) return;
      const waitMs = endAt - (performance.now() - startedAt);
      if (waitMs <= 0) finish(false, true);
      else ending = setTimeout(() => finish(false, true), waitMs);
    };
    pc.onicecandidateerror = (event) => {
      const { url, errorCode } = event as RTCPeerConnectionIceErrorEvent;
      errors.push({ url, errorCode });
    };
    pc.onicegatheringstatechange = () => {
      if (pc.iceGatheringState === 'complete') finish(true);
    };
    // A data channel gives the offer something to negotiate, so gathering starts without media.
    pc.createDataChannel('icelane-check');
    pc.createOffer()
      .then((offer) => pc.setLocalDescription(offer))
      .catch(() => finish(false));
  });
}

/**
 * Firefox (153 ESR) says a relay candidate's TURN transport only in `getStats()`: its candidates
 * carry neither `relayProtocol` nor `url`. For those, the `local-candidate` entry of the same
 * address and port tells it.
 */
async function addRelayProtocols(pc: RTCPeerConnection, candidates: ProbeCandidate[]) {
  const untold = candidates.filter((c) => c.type === 'relay' && !c.relayProtocol && !c.url);
  if (untold.length === 0) return;
  const told = new Map<string, string>();
  (await pc.getStats().catch(() => [])).forEach((e: Record<string, unknown>) => {
    const { type, address, port, relayProtocol } = e;
    if (type === 'local-candidate' && typeof relayProtocol === 'string') {
      told.set(`${String(address)}:${String(port)}`, relayProtocol);
    }
  });
  for (const c of untold) c.relayProtocol = told.get(`${c.address}:${c.port}`) ?? null;
}
