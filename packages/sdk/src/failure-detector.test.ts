import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { StatsEntry } from './candidate-report.js';
import type { FailureReason } from './errors.js';
import { candidateTypeOf, watchForFailure } from './failure-detector.js';
import { chromeChecksSilent, chromePrflxToRelay, statsOf } from '../test/stats-fixtures.js';

/**
 * A stand-in for RTCPeerConnection with the parts the detector reads: its events, states,
 * descriptions and a `getStats()` answering with recorded browser stats.
 */
class FakeConnection extends EventTarget {
  connectionState = 'new';
  iceConnectionState = 'new';
  iceGatheringState = 'gathering';
  localDescription: object | null = { type: 'offer' };
  remoteDescription: object | null = { type: 'answer' };
  stats: StatsEntry[] = [];
  getStats() {
    return Promise.resolve(statsOf(this.stats));
  }
  fire(type: string, fields: object = {}) {
    this.dispatchEvent(Object.assign(new Event(type), fields));
  }
  gather(type: string, address = '192.0.2.1') {
    this.fire('icecandidate', {
      candidate: { type, candidate: `candidate:1 1 udp 1 ${address} 1 typ ${type}` },
    });
  }
}

function watch(
  pc: FakeConnection,
  expectRelay = false,
  connectTimeoutMs = () => 5_000,
  checksSilentMs = () => 1_500,
) {
  const reasons: FailureReason[] = [];
  const refused: number[] = [];
  const detector = watchForFailure(
    pc as unknown as RTCPeerConnection,
    { connectTimeoutMs, checksSilentMs, expectRelay },
    (reason) => reasons.push(reason),
    () => refused.push(Date.now()),
  );
  return { reasons, detector, refused };
}

describe('the failure detector', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('says checks-silent ~1.5 s after checks start going unanswered, long before the deadline', async () => {
    const pc = new FakeConnection();
    pc.stats = chromeChecksSilent;
    const { reasons } = watch(pc);
    await vi.advanceTimersByTimeAsync(1_500);
    expect(reasons).toEqual([]);
    await vi.advanceTimersByTimeAsync(500);
    expect(reasons).toEqual(['checks-silent']);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(reasons).toEqual(['checks-silent']);
  });

  it('stays quiet while checks are answered', async () => {
    const pc = new FakeConnection();
    pc.stats = chromePrflxToRelay;
    const { reasons, detector } = watch(pc);
    await vi.advanceTimersByTimeAsync(4_000);
    expect(reasons).toEqual([]);
    detector.stop();
  });

  it('gives a new remote candidate its own silent window', async () => {
    const pc = new FakeConnection();
    pc.stats = chromeChecksSilent.filter((entry) => entry.id !== 'R2' && entry.id !== 'CP2');
    const { reasons } = watch(pc);
    await vi.advanceTimersByTimeAsync(1_000);
    pc.stats = chromeChecksSilent;
    await vi.advanceTimersByTimeAsync(1_000);
    expect(reasons).toEqual([]);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(reasons).toEqual(['checks-silent']);
  });

  it('says ice-failed when every pair failed after gathering, or on connectionState failed', async () => {
    const pc = new FakeConnection();
    pc.iceGatheringState = 'complete';
    pc.stats = chromeChecksSilent.map((e) =>
      e.type === 'candidate-pair' ? { ...e, state: 'failed' } : e,
    );
    const first = watch(pc);
    await vi.advanceTimersByTimeAsync(300);
    expect(first.reasons).toEqual(['ice-failed']);

    const other = new FakeConnection();
    other.remoteDescription = null;
    const second = watch(other);
    other.connectionState = 'failed';
    other.fire('connectionstatechange');
    expect(second.reasons).toEqual(['ice-failed']);
  });

  it('says turn-auth on a 401 from the TURN server when the attempt needs the relay', () => {
    const pc = new FakeConnection();
    const { reasons } = watch(pc, true);
    pc.fire('icecandidateerror', { errorCode: 701 });
    expect(reasons).toEqual([]);
    pc.fire('icecandidateerror', { errorCode: 401 });
    expect(reasons).toEqual(['turn-auth']);
  });

  it('lets ICE carry on after a 401 under policy all, and blames the credentials if it fails', async () => {
    const pc = new FakeConnection();
    const { reasons, refused } = watch(pc);
    pc.fire('icecandidateerror', { errorCode: 401 });
    pc.fire('icecandidateerror', { errorCode: 401 });
    expect(reasons).toEqual([]);
    // Told once, so the link fetches fresh credentials once.
    expect(refused).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(reasons).toEqual(['turn-auth']);
  });

  it('ignores a 401 from one TURN server when another gave a relay candidate', () => {
    const pc = new FakeConnection();
    const { reasons } = watch(pc);
    pc.gather('relay');
    pc.fire('icecandidateerror', { errorCode: 401 });
    expect(reasons).toEqual([]);
  });

  it('says no-relay-candidate when gathering ends without one and relay was expected', () => {
    const pc = new FakeConnection();
    const { reasons, detector } = watch(pc, true);
    pc.gather('host');
    pc.gather('srflx');
    pc.iceGatheringState = 'complete';
    pc.fire('icegatheringstatechange');
    expect(reasons).toEqual(['no-relay-candidate']);
    expect(detector.localCandidateTypes()).toEqual(['host', 'srflx']);
  });

  it('says timeout at the connect deadline, and nothing once stopped', async () => {
    const pc = new FakeConnection();
    pc.remoteDescription = null;
    const timedOut = watch(pc);
    const stopped = watch(pc);
    stopped.detector.stop();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(timedOut.reasons).toEqual(['timeout']);
    expect(stopped.reasons).toEqual([]);
  });

  it('says no-relay-candidate at the deadline when relay was expected and none came', async () => {
    const pc = new FakeConnection();
    pc.remoteDescription = null;
    const { reasons } = watch(pc, true);
    pc.gather('host');
    await vi.advanceTimersByTimeAsync(5_000);
    expect(reasons).toEqual(['no-relay-candidate']);
  });

  it("lists the families of this side's host addresses: not srflx, relay or mDNS names", () => {
    const pc = new FakeConnection();
    const { detector } = watch(pc);
    // An IPv6-only phone behind NAT64: its host address IPv6; STUN and TURN through NAT64 give
    // it an IPv4 srflx and an IPv4 relay.
    pc.gather('host', '2001:db8:1::2');
    pc.gather('host', '4e2c1b7a-0d3f.local');
    pc.gather('srflx', '203.0.113.7');
    pc.gather('relay', '203.0.113.1');
    expect(detector.localAddressFamilies()).toEqual(['ipv6']);
    pc.gather('host', '100.64.1.2');
    expect(detector.localAddressFamilies()).toEqual(['ipv4', 'ipv6']);
  });

  it('reads a candidate type from the SDP line when the browser leaves `type` empty', () => {
    const candidate = {
      type: null,
      candidate: 'candidate:2 1 udp 5 203.0.113.9 40000 typ relay raddr 0.0.0.0',
    };
    expect(candidateTypeOf(candidate as unknown as RTCIceCandidate)).toBe('relay');
    expect(candidateTypeOf(null)).toBeUndefined();
  });

  describe('deadlines that follow the path', () => {
    it('moves the connect deadline when the path is measured slower after the attempt began', async () => {
      const pc = new FakeConnection();
      pc.remoteDescription = null;
      let deadlineMs = 5_000;
      const { reasons } = watch(pc, false, () => deadlineMs);
      await vi.advanceTimersByTimeAsync(1_000);
      // The signaling probe answered: a 600 ms path (path-timing.ts makes the deadline longer).
      deadlineMs = 16_000;
      await vi.advanceTimersByTimeAsync(14_999);
      expect(reasons).toEqual([]);
      await vi.advanceTimersByTimeAsync(1);
      expect(reasons).toEqual(['timeout']);
    });

    it('waits checks-silent as long as the path says', async () => {
      const pc = new FakeConnection();
      pc.stats = chromeChecksSilent;
      const { reasons } = watch(
        pc,
        false,
        () => 30_000,
        () => 5_400,
      );
      await vi.advanceTimersByTimeAsync(5_000);
      expect(reasons).toEqual([]);
      await vi.advanceTimersByTimeAsync(750);
      expect(reasons).toEqual(['checks-silent']);
    });

    // At 450 ms one way, side a gave its attempt up 54 ms before side b's data channel opened,
    // and its retry closed b's working connection. Side a's view at its deadline: ICE up, DTLS
    // under way. Side b sees the same within a round trip: it was answering a's checks.
    it('does not end, at the deadline, an attempt whose ICE or DTLS came up since the last look', async () => {
      const pc = new FakeConnection();
      pc.stats = chromePrflxToRelay;
      const { reasons, detector } = watch(pc);
      await vi.advanceTimersByTimeAsync(4_900);
      pc.iceConnectionState = 'connected';
      // At the deadline (5 s): ICE came up; one more checks-silent (1.5 s).
      await vi.advanceTimersByTimeAsync(1_500);
      pc.connectionState = 'connected';
      // At 6.5 s: DTLS came up; one more. The data channel opens at 7.9 s.
      await vi.advanceTimersByTimeAsync(1_500);
      expect(reasons).toEqual([]);
      // The data channel opens: the link stops the detector.
      detector.stop();
      await vi.advanceTimersByTimeAsync(10_000);
      expect(reasons).toEqual([]);
    });

    it('ends an attempt that stopped getting anywhere, one extension after its last stage', async () => {
      const pc = new FakeConnection();
      pc.stats = chromePrflxToRelay;
      const { reasons } = watch(pc);
      pc.iceConnectionState = 'connected';
      await vi.advanceTimersByTimeAsync(5_000 + 1_499);
      expect(reasons).toEqual([]);
      await vi.advanceTimersByTimeAsync(1);
      expect(reasons).toEqual(['timeout']);
    });
  });
});
