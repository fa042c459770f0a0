import { describe, expect, it } from 'vitest';
import type { StatsEntry } from './candidate-report.js';
import { qualityChanged, rateCall } from './call-quality.js';
import { statsOf } from '../test/stats-fixtures.js';
import { receiverAt3s, receiverAt6s, senderAt3s, senderAt6s } from '../test/quality-fixtures.js';

/** A recorded reading with some entries' figures changed (what a worse path would show). */
function changed(entries: StatsEntry[], changes: Record<string, Record<string, unknown>>) {
  return statsOf(entries.map((entry) => ({ ...entry, ...changes[entry.id] })));
}

describe('the quality of a live call', () => {
  it('rates the recorded loopback call excellent both ways, with its figures', () => {
    const receiving = rateCall(statsOf(receiverAt3s), statsOf(receiverAt6s), 3);
    expect(receiving.rating).toBe('excellent');
    expect(receiving.receiving).toMatchObject({ rating: 'excellent', causes: [], lossPercent: 0 });
    // 81 kB of media in 3 s; 56 frames decoded.
    expect(receiving.receiving.bitrateKbps).toBe(216);
    expect(receiving.receiving.framesPerSecond).toBe(18.7);
    const sending = rateCall(statsOf(senderAt3s), statsOf(senderAt6s), 3);
    expect(sending.sending).toMatchObject({ rating: 'excellent', causes: [], lossPercent: 0 });
    expect(sending.rttMs).toBe(1);
  });

  it('says the receiving side is poor from loss and jitter, and the sending side is not', () => {
    const worse = changed(receiverAt6s, {
      // 216 packets received in the window and 30 lost (12.2 %), the video's jitter at 120 ms.
      IT01V4024520111: { packetsReceived: 164, packetsLost: 30, jitter: 0.12 },
    });
    const quality = rateCall(statsOf(receiverAt3s), worse, 3);
    expect(quality.rating).toBe('poor');
    expect(quality.receiving.causes).toEqual(['loss', 'jitter']);
    expect(quality.receiving.lossPercent).toBe(12.2);
    expect(quality.sending.rating).toBe('excellent');
  });

  it('says what the far side reports of this side: loss on the way out, a long round trip both ways', () => {
    const lossy = changed(senderAt6s, { RIV4024520111: { fractionLost: 0.05 } });
    const out = rateCall(statsOf(senderAt3s), lossy, 3);
    expect(out.sending).toMatchObject({ rating: 'good', causes: ['loss'], lossPercent: 5 });
    expect(out.receiving.rating).toBe('excellent');

    const far = changed(receiverAt6s, { CPF84mGUmo_Wg1vlcel: { currentRoundTripTime: 0.9 } });
    const slow = rateCall(statsOf(receiverAt3s), far, 3);
    expect(slow).toMatchObject({ rating: 'poor', rttMs: 900 });
    expect(slow.receiving.causes).toEqual(['rtt']);
  });

  it("rates the window's mean round trip from the pair's totals, not its latest check alone", () => {
    const pair = 'CPF84mGUmo_Wg1vlcel';
    const at3s = changed(receiverAt3s, {
      [pair]: { totalRoundTripTime: 4, responsesReceived: 10 },
    });
    // Ten checks in the window took 4.2 s: 420 ms each, though the latest took 280.
    const at6s = changed(receiverAt6s, {
      [pair]: { totalRoundTripTime: 8.2, responsesReceived: 20, currentRoundTripTime: 0.28 },
    });
    const quality = rateCall(at3s, at6s, 3);
    expect(quality).toMatchObject({ rating: 'good', rttMs: 420 });
    expect(quality.receiving.causes).toEqual(['rtt']);
  });

  it('says a sender held back by its bandwidth, and choppy video received', () => {
    const held = changed(senderAt6s, {
      OT01V4024520111: { qualityLimitationReason: 'bandwidth' },
    });
    expect(rateCall(statsOf(senderAt3s), held, 3).sending.causes).toEqual(['bitrate']);
    // 18 frames in 3 s.
    const choppy = changed(receiverAt6s, { IT01V4024520111: { framesDecoded: 76 } });
    const quality = rateCall(statsOf(receiverAt3s), choppy, 3);
    expect(quality.receiving).toMatchObject({ rating: 'poor', causes: ['frames'] });
  });

  it('rates a 15-a-second camera excellent at its measured 13.7-15.4, and motion under 12 good', () => {
    const rated = (frames: number) => {
      const at6s = changed(receiverAt6s, { IT01V4024520111: { framesDecoded: 58 + frames } });
      return rateCall(statsOf(receiverAt3s), at6s, 3).receiving;
    };
    expect(rated(42)).toMatchObject({ rating: 'excellent', framesPerSecond: 14 });
    expect(rated(33)).toMatchObject({ rating: 'good', causes: ['frames'], framesPerSecond: 11 });
  });

  it('calls a call that receives media lost when no packet came in the window', () => {
    const quality = rateCall(statsOf(receiverAt6s), statsOf(receiverAt6s), 3);
    expect(quality.rating).toBe('lost');
    expect(quality.receiving).toEqual({ rating: 'lost', causes: ['no-media'] });
  });

  it('tells a change only when a rating or a cause changes', () => {
    const before = rateCall(statsOf(receiverAt3s), statsOf(receiverAt6s), 3);
    const sameButFaster = rateCall(statsOf(receiverAt3s), statsOf(receiverAt6s), 2);
    expect(qualityChanged(undefined, before)).toBe(true);
    expect(qualityChanged(before, sameButFaster)).toBe(false);
    const lost = rateCall(statsOf(receiverAt6s), statsOf(receiverAt6s), 3);
    expect(qualityChanged(before, lost)).toBe(true);
  });
});
