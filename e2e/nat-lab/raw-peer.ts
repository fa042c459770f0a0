/**
 * Plain `RTCPeerConnection` on both sides, no SDK: the lab's own self-test. Descriptions are
 * exchanged whole after gathering (no trickle), carried between the two browsers by the test.
 * The browser-side functions are self-contained: Playwright serialises them into the page.
 */
import type { Lab } from '@icelane/testing/nat-lab';

export interface RawPeerConfig {
  iceServers: RTCIceServer[];
  iceTransportPolicy: RTCIceTransportPolicy;
}

/**
 * How long a side waits for gathering before sending what it has: a TURN server behind blocked UDP
 * holds gathering for ~40 s, while every candidate that will ever come is there within a second.
 */
const gatherTimeoutMs = 3_000;

/** How a raw connection ended, read in the browser. */
export interface RawOutcome {
  /** `connected`: a message went over the data channel and came back. */
  state: 'connected' | 'failed' | 'timeout';
  elapsedMs: number;
  /** The selected pair, when connected. */
  local?: { type: string; relayProtocol?: string };
  remote?: { type: string };
  /** Candidate types this side gathered. */
  gathered: string[];
}

export interface RawCallResult {
  a: RawOutcome;
  b: RawOutcome;
}

/** Connects side a (offerer) and side b (answerer) with a data channel and waits for the outcome. */
export async function rawCall(
  lab: Pick<Lab, 'page'>,
  config: RawPeerConfig,
  deadlineMs: number,
): Promise<RawCallResult> {
  const [a, b] = [await lab.page('a'), await lab.page('b')];
  const offer = await a.evaluate(startPeer, { config, offer: null, gatherTimeoutMs });
  const answer = await b.evaluate(startPeer, { config, offer, gatherTimeoutMs });
  await a.evaluate((description) => window.labPeer!.accept(description), answer);
  const [outcomeA, outcomeB] = await Promise.all([
    a.evaluate((ms) => window.labPeer!.outcome(ms), deadlineMs),
    b.evaluate((ms) => window.labPeer!.outcome(ms), deadlineMs),
  ]);
  return { a: outcomeA, b: outcomeB };
}

declare global {
  interface Window {
    labPeer?: {
      accept(description: RTCSessionDescriptionInit): Promise<void>;
      outcome(deadlineMs: number): Promise<RawOutcome>;
    };
  }
}

/** Runs in the page: creates the peer, returns its complete local description. */
async function startPeer({
  config,
  offer,
  gatherTimeoutMs,
}: {
  config: RawPeerConfig;
  offer: RTCSessionDescriptionInit | null;
  gatherTimeoutMs: number;
}): Promise<RTCSessionDescriptionInit> {
  const startedAt = performance.now();
  const pc = new RTCPeerConnection(config);
  const gathered = new Set<string>();
  pc.addEventListener('icecandidate', ({ candidate }) => {
    if (candidate?.type) gathered.add(candidate.type);
  });

  const channelOpen = new Promise<RTCDataChannel>((resolve) => {
    if (offer) pc.addEventListener('datachannel', ({ channel }) => resolve(channel));
    else
      pc.createDataChannel('lab').addEventListener('open', (e) =>
        resolve(e.target as RTCDataChannel),
      );
  });
  // The answerer echoes; the offerer's round trip proves both directions work.
  const roundTrip = channelOpen.then(
    (channel) =>
      new Promise<void>((resolve) => {
        channel.addEventListener('message', ({ data }) => {
          if (offer) channel.send(`echo:${data}`);
          resolve();
        });
        if (!offer) channel.send('ping');
      }),
  );
  const failed = new Promise<void>((resolve) => {
    pc.addEventListener('connectionstatechange', () => {
      if (pc.connectionState === 'failed') resolve();
    });
  });

  const selectedPair = async () => {
    const stats = await pc.getStats();
    let pairId: string | undefined;
    stats.forEach((s) => {
      if (s.type === 'transport' && s.selectedCandidatePairId) pairId = s.selectedCandidatePairId;
    });
    const pair = pairId ? stats.get(pairId) : undefined;
    const local = pair ? stats.get(pair.localCandidateId) : undefined;
    const remote = pair ? stats.get(pair.remoteCandidateId) : undefined;
    return {
      local: local && { type: local.candidateType, relayProtocol: local.relayProtocol },
      remote: remote && { type: remote.candidateType },
    };
  };

  window.labPeer = {
    accept: (description) => pc.setRemoteDescription(description),
    outcome: async (deadlineMs) => {
      const state = await Promise.race([
        roundTrip.then(() => 'connected' as const),
        failed.then(() => 'failed' as const),
        new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), deadlineMs)),
      ]);
      const elapsedMs = Math.round(performance.now() - startedAt);
      const pair = state === 'connected' ? await selectedPair() : {};
      return { state, elapsedMs, ...pair, gathered: [...gathered].sort() };
    },
  };

  if (offer) {
    await pc.setRemoteDescription(offer);
    await pc.setLocalDescription(await pc.createAnswer());
  } else {
    await pc.setLocalDescription(await pc.createOffer());
  }
  await new Promise<void>((resolve) => {
    setTimeout(resolve, gatherTimeoutMs);
    if (pc.iceGatheringState === 'complete') return resolve();
    pc.addEventListener('icegatheringstatechange', () => {
      if (pc.iceGatheringState === 'complete') resolve();
    });
  });
  return pc.localDescription!.toJSON();
}
