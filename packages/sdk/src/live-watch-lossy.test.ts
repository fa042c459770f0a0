/**
 * The live watch on a lossy path (10 % loss each way): no false alarm while the ordered channels
 * wait behind SCTP's resends, and a real loss still found.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { LiveWatch } from './live-watch.js';
import { useFakeTimersPerTest } from '../test/fakes/fake-timers.js';
import { watch, type Watched } from '../test/live-watch-fixtures.js';

describe('the live watch on a lossy call', () => {
  let current: LiveWatch | undefined;
  useFakeTimersPerTest();
  afterEach(() => {
    current?.stop();
  });

  /**
   * Plays a silence of messages `silenceMs` long while media bytes come every 50 ms, except for
   * `pauseMs` from `pauseFromMs` on; then heartbeats until the next tick of the watch and one
   * more, so that the next silence starts on a tick (or `offsetMs` after one).
   */
  async function playHeldBack(
    w: Watched,
    silenceMs: number,
    pause = { fromMs: 0, ms: 0 },
    offsetMs = 0,
  ) {
    for (let t = 0; t < silenceMs; t += 50) {
      if (t < pause.fromMs || t >= pause.fromMs + pause.ms) w.pc.bytesReceived += 300;
      await vi.advanceTimersByTimeAsync(50);
    }
    w.live.heard();
    const sinceTick = (Date.now() - w.startedAt - offsetMs) % 250;
    await vi.advanceTimersByTimeAsync(250 - sinceTick);
    w.live.heard();
  }

  // 10 % loss each way, measured in the NAT lab (docs/benchmarks.md, "2026-12-07, 17:09"): the
  // ordered channels hold heartbeats and app data behind SCTP's resends, 15 times a minute for
  // 0.5 s or more, up to 1.6 s, while media and the resends keep coming, with pauses of up to
  // 350 ms. The watch's first reading of the bytes may fall in such a pause.
  async function lossyCall() {
    const w = watch();
    current = w.live;
    w.pc.media = true;
    w.live.heard();
    for (let i = 0; i < 10; i++) await playHeldBack(w, 450);
    return w;
  }

  it('on a lossy call, raises nothing while heartbeats wait behind resends and media comes', async () => {
    const w = await lossyCall();
    for (const silenceMs of [600, 800, 1_000, 1_200, 1_600]) {
      await playHeldBack(w, silenceMs, { fromMs: 450, ms: 350 });
    }
    expect(w.seen.filter((seen) => seen !== 'suspect')).toEqual([]);
  });

  it('on a lossy call, takes no reading long after the one before (a stalled page) for a silence', async () => {
    const w = await lossyCall();
    await playHeldBack(w, 450, undefined, 125);
    // The bytes' first reading at 375 ms; the next, asked for at 625 ms, comes 300 ms late, the
    // page's stall holding back the bytes too until 1 s.
    await vi.advanceTimersByTimeAsync(600);
    w.pc.readDelayMs = 300;
    await vi.advanceTimersByTimeAsync(400);
    w.pc.readDelayMs = 0;
    w.pc.bytesReceived += 300;
    await vi.advanceTimersByTimeAsync(100);
    w.live.heard();
    expect(w.seen.filter((seen) => seen !== 'suspect')).toEqual([]);
  });

  it('on a lossy call, takes a reading counted on time but got late (a busy page) as on time', async () => {
    const w = await lossyCall();
    w.pc.stamped = true;
    await playHeldBack(w, 450, undefined, 125);
    // The path dies. The bytes' first reading at 375 ms; the next, asked for (and counted) at
    // 625 ms, reaches the page 200 ms late. Timed by its arrival it started the bytes' count anew,
    // and the loss waited for all of pathSilentMs (1125 ms).
    await vi.advanceTimersByTimeAsync(620);
    w.pc.readDelayMs = 200;
    await vi.advanceTimersByTimeAsync(10);
    w.pc.readDelayMs = 0;
    await vi.advanceTimersByTimeAsync(244);
    expect(w.seen).not.toContain('trouble path-lost');
    await vi.advanceTimersByTimeAsync(2);
    expect(w.seen.at(-1)).toBe('trouble path-lost');
  });

  it('on a lossy call, still calls a real loss lost within all of pathSilentMs', async () => {
    const w = await lossyCall();
    // The path dies: no heartbeat, no media byte. The bytes' first reading comes 375-625 ms into
    // the silence (here 500), and they stand for half of pathSilentMs from it: found at 1 s, no
    // later than without loss and without media.
    await vi.advanceTimersByTimeAsync(999);
    expect(w.seen).not.toContain('trouble path-lost');
    await vi.advanceTimersByTimeAsync(250);
    expect(w.seen.at(-1)).toBe('trouble path-lost');
  });

  it('on a lossy call, still calls a loss lost after all of pathSilentMs when every reading comes late', async () => {
    const w = await lossyCall();
    // A page so busy that each reading starts the bytes' silence anew: the silence of every word
    // from the far side still ends the wait, after pathSilentMs and the reading's own delay.
    w.pc.readDelayMs = 260;
    await vi.advanceTimersByTimeAsync(999);
    expect(w.seen).not.toContain('trouble path-lost');
    await vi.advanceTimersByTimeAsync(500);
    expect(w.seen.at(-1)).toBe('trouble path-lost');
  });

  it("on a lossy call, takes the browser's disconnected with two heartbeats of silence for a loss", async () => {
    const w = await lossyCall();
    await vi.advanceTimersByTimeAsync(100);
    w.pc.setIceState('disconnected');
    // Two heartbeats from the last word, as on a call that never stalled: the bytes' first
    // reading (at 375-625 ms) does not start that wait anew.
    await vi.advanceTimersByTimeAsync(400);
    expect(w.seen).not.toContain('trouble path-lost');
    await vi.advanceTimersByTimeAsync(250);
    expect(w.seen.at(-1)).toBe('trouble path-lost');
  });
});
