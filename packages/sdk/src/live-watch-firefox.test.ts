/**
 * The live watch in Firefox, which counts the bytes received on its candidate pairs only (its
 * transport's report has none): media arriving shows the far side there as in Chromium.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { StatsEntry } from './candidate-report.js';
import { transportReading, type LiveWatch } from './live-watch.js';
import { useFakeTimersPerTest } from '../test/fakes/fake-timers.js';
import { watch, type Watched } from '../test/live-watch-fixtures.js';

describe('the bytes a reading counts', () => {
  it("are the transport's when it has them (Chromium), each pair's bytes being in them too", () => {
    const stats = new Map<string, StatsEntry>([
      ['t', { id: 't', type: 'transport', bytesReceived: 9_000 }],
      ['p', { id: 'p', type: 'candidate-pair', bytesReceived: 9_000 }],
    ]);
    expect(transportReading(stats, 0)[0]).toBe(9_000);
  });

  it("are the candidate pairs' when the transport has none (Firefox)", () => {
    const stats = new Map<string, StatsEntry>([
      ['t', { id: 't', type: 'transport' }],
      ['p1', { id: 'p1', type: 'candidate-pair', bytesReceived: 7_000 }],
      ['p2', { id: 'p2', type: 'candidate-pair', bytesReceived: 500 }],
    ]);
    expect(transportReading(stats, 0)[0]).toBe(7_500);
  });
});

describe('the live watch in Firefox', () => {
  let current: LiveWatch | undefined;
  useFakeTimersPerTest();
  afterEach(() => {
    current?.stop();
  });

  function firefoxCall(): Watched {
    const w = watch();
    current = w.live;
    w.pc.media = true;
    w.pc.pairs = new Map([['p1', 0]]);
    w.live.heard();
    return w;
  }

  it('keeps a path whose media arrives while heartbeats are late', async () => {
    const w = firefoxCall();
    for (let t = 0; t < 5_000; t += 250) {
      w.pc.pairs!.set('p1', w.pc.pairs!.get('p1')! + 1_200);
      await vi.advanceTimersByTimeAsync(250);
    }
    // Suspected once (signaling checked), never lost.
    expect(w.seen).toEqual(['suspect']);
  });

  it('calls the path lost once media stops too, from half pathSilentMs', async () => {
    const w = firefoxCall();
    await vi.advanceTimersByTimeAsync(750);
    expect(w.seen).toEqual(['suspect', 'trouble path-lost']);
  });

  it('ends the trouble when media comes on a new pair, the old one discarded', async () => {
    const w = firefoxCall();
    w.pc.pairs!.set('p1', 50_000);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(w.seen).toEqual(['suspect', 'trouble path-lost']);
    // An ICE restart: Firefox discards the old pair, the new one starts from nothing.
    w.pc.pairs = new Map([['p2', 0]]);
    await vi.advanceTimersByTimeAsync(500);
    expect(w.seen).toEqual(['suspect', 'trouble path-lost']);
    w.pc.pairs.set('p2', 1_200);
    await vi.advanceTimersByTimeAsync(250);
    expect(w.seen).toEqual(['suspect', 'trouble path-lost', 'heard again']);
  });
});
