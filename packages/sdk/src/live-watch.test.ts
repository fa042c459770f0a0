import { afterEach, describe, expect, it, vi } from 'vitest';
import type { LiveWatch } from './live-watch.js';
import { useFakeTimersPerTest } from '../test/fakes/fake-timers.js';
import { watch } from '../test/live-watch-fixtures.js';

describe('the live watch', () => {
  let current: LiveWatch | undefined;
  useFakeTimersPerTest();
  afterEach(() => {
    current?.stop();
  });

  it('sends a heartbeat every interval', async () => {
    const w = watch();
    current = w.live;
    await vi.advanceTimersByTimeAsync(1_000);
    expect(w.heartbeats()).toBe(4);
  });

  it('says the path is lost when the far side has been silent for pathSilentMs', async () => {
    const w = watch();
    current = w.live;
    w.live.heard();
    await vi.advanceTimersByTimeAsync(750);
    w.live.heard();
    await vi.advanceTimersByTimeAsync(750);
    // Suspected twice (half a silence each time), lost never.
    expect(w.seen).toEqual(['suspect', 'suspect']);
    await vi.advanceTimersByTimeAsync(500);
    expect(w.seen).toEqual(['suspect', 'suspect', 'trouble path-lost']);
    // Once: the healer has it now, until the far side is heard.
    await vi.advanceTimersByTimeAsync(5_000);
    w.live.heard();
    expect(w.seen).toEqual(['suspect', 'suspect', 'trouble path-lost', 'heard again']);
  });

  // A 3G-like call: 900 ms round trips varying by 150 (path-timing.ts: two timeouts, 3 s). A
  // heartbeat lost once and retransmitted, or held in the uplink's queue, is silent for over a
  // second with no media byte in between: no false alarm there, yet a dead path is found.
  it('on a slow path, takes a silence as long as its measured threshold before calling it lost', async () => {
    let measuredMs = 1_000;
    const w = watch(() => measuredMs);
    current = w.live;
    w.pc.media = true;
    w.live.heard();
    measuredMs = 3_000;
    await vi.advanceTimersByTimeAsync(1_250);
    expect(w.seen).toEqual(['suspect']);
    await vi.advanceTimersByTimeAsync(250);
    expect(w.seen).toEqual(['suspect', 'trouble path-lost']);
  });

  it('suspects the path halfway through a silence without media, before it counts as lost', async () => {
    const w = watch();
    current = w.live;
    w.live.heard();
    await vi.advanceTimersByTimeAsync(750);
    expect(w.seen).toEqual(['suspect']);
    await vi.advanceTimersByTimeAsync(500);
    expect(w.seen).toEqual(['suspect', 'trouble path-lost']);
  });

  it('on a call receiving media, calls the path lost once media stops too, from half pathSilentMs', async () => {
    const w = watch();
    current = w.live;
    w.pc.media = true;
    w.live.heard();
    await vi.advanceTimersByTimeAsync(500);
    expect(w.seen).toEqual(['suspect']);
    await vi.advanceTimersByTimeAsync(250);
    expect(w.seen).toEqual(['suspect', 'trouble path-lost']);
  });

  it('while an ICE restart is on, waits all of pathSilentMs even on a call receiving media', async () => {
    const w = watch();
    current = w.live;
    w.pc.media = true;
    w.live.heard();
    w.live.restarting();
    await vi.advanceTimersByTimeAsync(750);
    // The move to the new pair may pause media: not lost yet.
    expect(w.seen).toEqual(['suspect']);
    await vi.advanceTimersByTimeAsync(250);
    expect(w.seen).toEqual(['suspect', 'trouble path-lost']);
  });

  it('on a call receiving media, keeps a path whose media arrives while heartbeats are late', async () => {
    const w = watch();
    current = w.live;
    w.pc.media = true;
    w.live.heard();
    for (let t = 0; t < 5_000; t += 250) {
      w.pc.bytesReceived += 1_200;
      await vi.advanceTimersByTimeAsync(250);
    }
    // Suspected once (signaling checked), never lost.
    expect(w.seen).toEqual(['suspect']);
  });

  it('slows heartbeats to one a second while the far side is silent, and back when heard', async () => {
    const w = watch();
    current = w.live;
    w.live.heard();
    await vi.advanceTimersByTimeAsync(250);
    const beforeSilence = w.heartbeats();
    expect(beforeSilence).toBe(1);
    await vi.advanceTimersByTimeAsync(4_000);
    // Into a dead path: what SCTP carries there it retransmits, backing off (see live-watch.ts).
    expect(w.heartbeats() - beforeSilence).toBe(4);
    w.live.heard();
    const heardAt = w.heartbeats();
    await vi.advanceTimersByTimeAsync(250);
    expect(w.heartbeats() - heardAt).toBe(1);
  });

  it('raises nothing on an idle call whose heartbeats keep coming', async () => {
    const w = watch();
    current = w.live;
    for (let t = 0; t < 600_000; t += 250) {
      w.live.heard();
      await vi.advanceTimersByTimeAsync(250);
    }
    expect(w.seen).toEqual([]);
  });

  it('takes media still arriving for a late heartbeat, not a lost path', async () => {
    const w = watch();
    current = w.live;
    w.live.heard();
    for (let t = 0; t < 5_000; t += 250) {
      w.pc.bytesReceived += 1_200;
      await vi.advanceTimersByTimeAsync(250);
    }
    expect(w.seen).toEqual(['suspect']);
  });

  it('says nothing of silence from a far side that never sent a heartbeat (an older SDK)', async () => {
    const w = watch();
    current = w.live;
    await vi.advanceTimersByTimeAsync(10_000);
    expect(w.seen).toEqual([]);
  });

  /** Plays `silencesMs`, each ended by a heartbeat, with heartbeats every 250 ms between. */
  async function playSilences(live: LiveWatch, silencesMs: number[]) {
    for (const silenceMs of silencesMs) {
      await vi.advanceTimersByTimeAsync(silenceMs);
      live.heard();
      for (let i = 0; i < 8; i++) {
        await vi.advanceTimersByTimeAsync(250);
        live.heard();
      }
    }
  }

  it('calls a silence lost after pathSilentMs even when every reading of the bytes fails', async () => {
    const w = watch();
    current = w.live;
    w.pc.media = true;
    w.live.heard();
    w.pc.getStats = () => Promise.reject(new Error('stats unavailable'));
    await vi.advanceTimersByTimeAsync(999);
    expect(w.seen).not.toContain('trouble path-lost');
    await vi.advanceTimersByTimeAsync(250);
    expect(w.seen).toEqual(['trouble path-lost']);
  });

  // A busy machine: the first look at a silence (at 500 ms) gets its reading 240 ms late, 10 ms
  // before the next tick's.
  async function lateFirstReading() {
    const w = watch();
    current = w.live;
    w.pc.media = true;
    w.live.heard();
    w.pc.readDelayMs = 240;
    await vi.advanceTimersByTimeAsync(745);
    w.pc.readDelayMs = 0;
    expect(w.seen).toEqual(['suspect']);
    return w;
  }

  it('judges no silence on two readings of the bytes less than a tick apart', async () => {
    const w = await lateFirstReading();
    await vi.advanceTimersByTimeAsync(10);
    expect(w.seen).toEqual(['suspect']);
    // Media came all along (the page, busy, heard nothing): the next look, a tick on, sees it.
    w.pc.bytesReceived += 1_200;
    await vi.advanceTimersByTimeAsync(250);
    expect(w.seen).toEqual(['suspect']);
  });

  it('still calls a dead path lost when its readings come late', async () => {
    const w = await lateFirstReading();
    // Compared with the late reading a tick on: one tick after prompt readings would find it.
    await vi.advanceTimersByTimeAsync(245);
    expect(w.seen).toEqual(['suspect']);
    await vi.advanceTimersByTimeAsync(20);
    expect(w.seen).toEqual(['suspect', 'trouble path-lost']);
  });

  it('on a clean call, one stall (a busy page) does not slow finding a loss', async () => {
    const w = watch();
    current = w.live;
    w.pc.media = true;
    w.live.heard();
    await playSilences(w.live, [450]);
    // Lost from half of pathSilentMs on, as on a call that never stalled (a call that stalled
    // twice counts that half from the bytes' first reading, above).
    await vi.advanceTimersByTimeAsync(999);
    expect(w.seen.at(-1)).toBe('trouble path-lost');
  });

  it("takes the browser's disconnected for a loss only with two heartbeats of silence", async () => {
    const w = watch();
    current = w.live;
    w.live.heard();
    // At 10 % loss, Chromium said disconnected 86 ms after the far side was last heard.
    await vi.advanceTimersByTimeAsync(86);
    w.pc.setIceState('disconnected');
    expect(w.seen).toEqual([]);
    // The far side heard on: the path carries.
    for (let i = 0; i < 20; i++) {
      await vi.advanceTimersByTimeAsync(250);
      w.live.heard();
    }
    expect(w.seen).toEqual([]);
    // Then silent while disconnected: lost from two heartbeats on (the first look after 500 ms),
    // sooner than the 1 s a call without media waits otherwise.
    await vi.advanceTimersByTimeAsync(500);
    expect(w.seen).toEqual(['suspect']);
    await vi.advanceTimersByTimeAsync(250);
    expect(w.seen).toEqual(['suspect', 'trouble path-lost']);
  });

  it('takes a close while the browser says disconnected for a failing path, not a leave', () => {
    const w = watch();
    current = w.live;
    w.live.heard();
    w.live.closing();
    expect(w.seen).toEqual([]);
    // Firefox: its interface gone, ICE disconnected, then its channels closed at once.
    w.pc.setIceState('disconnected');
    w.live.closing();
    expect(w.seen).toEqual(['trouble path-lost']);
  });

  it("takes the browser's disconnected and failed for trouble from a far side without heartbeats", () => {
    const w = watch();
    current = w.live;
    w.pc.setIceState('disconnected');
    expect(w.seen).toEqual(['trouble path-lost']);
    const other = watch();
    other.pc.setIceState('failed');
    expect(other.seen).toEqual(['trouble ice-failed']);
    other.live.stop();
  });

  it('says when the DTLS transport failed (Firefox, its interface gone), beside the ICE state', () => {
    const w = watch();
    current = w.live;
    w.pc.dtls.set('closed');
    expect(w.seen).toEqual([]);
    w.pc.setIceState('disconnected');
    w.pc.dtls.set('failed');
    expect(w.seen).toEqual(['trouble path-lost', 'transport failed']);
  });

  it('stops sending and watching when stopped', async () => {
    const w = watch();
    w.live.heard();
    w.live.stop();
    await vi.advanceTimersByTimeAsync(5_000);
    w.pc.setIceState('failed');
    w.pc.dtls.set('failed');
    expect(w.heartbeats()).toBe(0);
    expect(w.seen).toEqual([]);
  });
});
