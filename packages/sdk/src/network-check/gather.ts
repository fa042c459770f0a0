/**
 * One gathering on a lone `RTCPeerConnection`: every candidate and candidate error until
 * gathering completes or the deadline passes. Nothing is connected; the connection is closed.
 */
import type { IceServer } from '@icelane/protocol';
import type { ProbeCandidate, ProbeError, ProbeGathering } from './classify.js';

export function gather(
  iceServers: IceServer[],
  policy: RTCIceTransportPolicy,
  timeoutMs: number,
  /** Whether what came so far already tells enough: the gathering ends there. */
  enough: (gathering: ProbeGathering) => boolean = () => false,
): Promise<ProbeGathering> {
  const pc = new RTCPeerConnection({ iceServers, iceTransportPolicy: policy });
  const candidates: ProbeCandidate[] = [];
  const errors: ProbeError[] = [];
  return new Promise<ProbeGathering>((resolve) => {
    const finish = (complete: boolean) => {
      clearTimeout(timer);
      pc.onicecandidate = pc.onicecandidateerror = pc.onicegatheringstatechange = null;
      pc.close();
      resolve({ candidates, errors, complete });
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
      });
      if (enough({ candidates, errors, complete: false })) finish(false);
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
