import { afterEach, describe, expect, it, vi } from 'vitest';
import { classifyTurn } from './classify.js';
import { gather } from './gather.js';

interface FakeCandidate {
  candidate: string;
  type: string;
  address: string;
  port: number;
  relayProtocol?: string | null;
  url?: string | null;
}

/** A connection that gathers `candidates` once its offer is set, then says it is complete. */
function fakeConnectionClass(candidates: FakeCandidate[], stats: Array<Record<string, unknown>>) {
  return class {
    onicecandidate: ((event: { candidate: FakeCandidate | null }) => void) | null = null;
    onicecandidateerror: unknown = null;
    onicegatheringstatechange: (() => void) | null = null;
    iceGatheringState = 'new';
    closed = false;
    createDataChannel() {}
    createOffer() {
      return Promise.resolve({ type: 'offer', sdp: 'v=0' });
    }
    async setLocalDescription() {
      await Promise.resolve();
      for (const candidate of candidates) this.onicecandidate?.({ candidate });
      this.iceGatheringState = 'complete';
      this.onicegatheringstatechange?.();
    }
    getStats() {
      if (this.closed) return Promise.reject(new Error('closed'));
      return Promise.resolve(new Map(stats.map((entry, i) => [`s${i}`, entry])));
    }
    close() {
      this.closed = true;
    }
  };
}

const TURN_URLS = ['turn:203.0.113.1:3478?transport=udp', 'turn:203.0.113.1:3478?transport=tcp'];
const relay = (port: number, said: Partial<FakeCandidate> = {}): FakeCandidate => ({
  candidate: `candidate:0 1 UDP 1 203.0.113.1 ${port} typ relay`,
  type: 'relay',
  address: '203.0.113.1',
  port,
  ...said,
});

describe("the network check's gathering", () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it("reads a relay's TURN transport from the stats when the candidate does not say it (Firefox)", async () => {
    const stats = [
      { type: 'local-candidate', address: '203.0.113.1', port: 50001, relayProtocol: 'udp' },
      { type: 'local-candidate', address: '203.0.113.1', port: 50002, relayProtocol: 'tcp' },
    ];
    vi.stubGlobal('RTCPeerConnection', fakeConnectionClass([relay(50001), relay(50002)], stats));
    const gathering = await gather([{ urls: TURN_URLS }], 'relay', 1_000);
    expect(gathering.candidates.map((c) => c.relayProtocol)).toEqual(['udp', 'tcp']);
    expect(classifyTurn(gathering, TURN_URLS)).toEqual({ udp: true, tcp: true, tls: null });
  });

  it('keeps what the candidate says, and reads no stats then (Chromium)', async () => {
    const candidates = [
      relay(50001, { url: TURN_URLS[0] }),
      relay(50002, { relayProtocol: 'tcp' }),
    ];
    const wrong = [
      { type: 'local-candidate', address: '203.0.113.1', port: 50001, relayProtocol: 'tls' },
    ];
    vi.stubGlobal('RTCPeerConnection', fakeConnectionClass(candidates, wrong));
    const gathering = await gather([{ urls: TURN_URLS }], 'relay', 1_000);
    expect(gathering.candidates.map((c) => c.relayProtocol)).toEqual([null, 'tcp']);
    expect(classifyTurn(gathering, TURN_URLS)).toEqual({ udp: true, tcp: true, tls: null });
  });
});
