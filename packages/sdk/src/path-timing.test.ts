import { describe, expect, it } from 'vitest';
import { joinDefaults } from './defaults.js';
import { NETWORK_WAIT_MS } from './network-check/network-hint.js';
import {
  followPath,
  linkPath,
  pairRoundTrip,
  roundTripEstimate,
  roundTripOf,
  type RoundTrip,
} from './path-timing.js';

/** The round trip to the server after `samples` probes of `ms` each, as the room measures it. */
function measured(ms: number, samples = 3): RoundTrip {
  const estimate = roundTripEstimate();
  for (let i = 0; i < samples; i += 1) estimate.add(ms);
  return estimate.current()!;
}

describe('deadlines that follow the measured path', () => {
  it('estimates the round trip as RFC 6298 does, and ignores nonsense samples', () => {
    const estimate = roundTripEstimate();
    expect(estimate.current()).toBeUndefined();
    estimate.add(400);
    expect(estimate.current()).toEqual({ srttMs: 400, rttvarMs: 200 });
    estimate.add(Number.NaN);
    estimate.add(-5);
    estimate.add(480);
    expect(estimate.current()).toEqual({ srttMs: 410, rttvarMs: 170 });
  });

  it('keeps every floor on a fast path: figures on perfect links do not change', () => {
    const { timers } = linkPath(joinDefaults, () => measured(3));
    expect(timers.connectTimeoutMs()).toBe(joinDefaults.connectTimeoutMs);
    expect(timers.checksSilentMs()).toBe(joinDefaults.checksSilentMs);
    expect(timers.restartTimeoutMs()).toBe(joinDefaults.restartTimeoutMs);
    expect(timers.pathSilentMs()).toBe(joinDefaults.pathSilentMs);
    expect(timers.networkWaitMs()).toBe(NETWORK_WAIT_MS);
  });

  it('uses the floors until anything is measured', () => {
    const { timers } = linkPath(joinDefaults, () => undefined);
    expect(timers.connectTimeoutMs()).toBe(5_000);
    expect(followPath(1_000, 2, undefined)).toBe(1_000);
  });

  // The lab's cliff: with 450 and 600 ms one way on each uplink, calls opened 10.7 server round
  // trips after the join at 300 ms (extrapolated: 4.8 s and 6.4 s), past the fixed 5 s deadline.
  it.each([
    [450, 4_800],
    [600, 6_400],
  ])('gives a call at %i ms one way more than the %i ms it needs to open', (oneWayMs, needsMs) => {
    const path = linkPath(joinDefaults, () => measured(oneWayMs));
    // The far side's offer says its own round trip: the same delay on its uplink.
    path.heard(path.stamp({ type: 'offer', sdp: 'v=0' }));
    expect(path.timers.connectTimeoutMs()).toBeGreaterThan(1.5 * needsMs);
    expect(path.timers.checksSilentMs()).toBeGreaterThan(4 * oneWayMs);
    // The far side's check (a STUN round trip) and its signal through the server.
    expect(path.timers.networkWaitMs()).toBeGreaterThan(3 * oneWayMs);
  });

  it('adds the far side leg as its signals tell it, and takes it to be like ours until then', () => {
    const own = measured(100);
    expect(pairRoundTrip(own, undefined)).toEqual({
      srttMs: 2 * own.srttMs,
      rttvarMs: 2 * own.rttvarMs,
    });
    const far = { srttMs: 500, rttvarMs: 40 };
    expect(pairRoundTrip(own, far)).toEqual({
      srttMs: own.srttMs + 500,
      rttvarMs: own.rttvarMs + 40,
    });
    // A fast side calling a slow one: its deadlines grow once the slow side's offer is in.
    const path = linkPath(joinDefaults, () => measured(5));
    expect(path.timers.connectTimeoutMs()).toBe(5_000);
    path.heard({ type: 'offer', sdp: 'v=0', srttMs: 900, rttvarMs: 150 });
    expect(path.timers.connectTimeoutMs()).toBeGreaterThan(8 * 900);
  });

  it('says its round trip in offers and answers only, and reads only sound figures', () => {
    const path = linkPath(joinDefaults, () => ({ srttMs: 120.4, rttvarMs: 30.6 }));
    expect(path.stamp({ type: 'answer', sdp: 'v=0' })).toEqual({
      type: 'answer',
      sdp: 'v=0',
      srttMs: 120,
      rttvarMs: 31,
    });
    expect(path.stamp({ type: 'candidate' })).toEqual({ type: 'candidate' });
    expect(roundTripOf({ srttMs: '9', rttvarMs: 1 })).toBeUndefined();
    expect(roundTripOf({ srttMs: 1e9, rttvarMs: 1 })).toBeUndefined();
    expect(roundTripOf({ srttMs: 90, rttvarMs: 10 })).toEqual({ srttMs: 90, rttvarMs: 10 });
  });

  it('follows the live call its own round trip once measured, from a new estimate per connection', () => {
    const path = linkPath(joinDefaults, () => measured(5));
    for (let i = 0; i < 8; i += 1) path.callSample(900);
    // Two timeouts of a 900 ms path: a heartbeat lost once comes back by its retransmission.
    expect(path.timers.pathSilentMs()).toBeGreaterThan(1_800);
    expect(path.timers.restartTimeoutMs()).toBeGreaterThan(4 * 900);
    path.newConnection();
    expect(path.timers.pathSilentMs()).toBe(joinDefaults.pathSilentMs);
  });
});
