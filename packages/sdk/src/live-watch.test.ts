import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { watchLiveCall, type LiveWatch } from './live-watch.js';

/** A DTLS transport, shared by every sender and receiver (BUNDLE). */
class FakeDtlsTransport extends EventTarget {
  state: RTCDtlsTransportState = 'connected';
  set(state: RTCDtlsTransportState) {
    this.state = state;
    this.dispatchEvent(new Event('statechange'));
  }
}

/** The part of a connection the watch reads: its ICE and DTLS states and its transport's bytes. */
class FakeConnection extends EventTarget {
  iceConnectionState: RTCIceConnectionState = 'connected';
  readonly dtls = new FakeDtlsTransport();
  readonly sctp = { transport: this.dtls };
  bytesReceived = 0;
  /** Whether the far side's media reaches this side (an unmuted track on a receiving transceiver). */
  media = false;
  getTransceivers() {
    return this.media
      ? [{ currentDirection: 'sendrecv', receiver: { track: { muted: false } } }]
      : [{ currentDirection: 'sendrecv', receiver: { track: { muted: true } } }];
  }
  /** How long a reading takes to come (a busy machine). */
  readDelayMs = 0;
  async getStats() {
    if (this.readDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.readDelayMs));
    return new Map([['t', { id: 't', type: 'transport', bytesReceived: this.bytesReceived }]]);
  }
  setIceState(state: RTCIceConnectionState) {
    this.iceConnectionState = state;
    this.dispatchEvent(new Event('iceconnectionstatechange'));
  }
}

const options = {
  heartbeatIntervalMs: 250,
  pathSilentMs: () => 1_000,
  networkHintDebounceMs: 250,
  restartTimeoutMs: () => 4_000,
};

function watch(pathSilentMs = options.pathSilentMs) {
  const startedAt = Date.now();
  const pc = new FakeConnection();
  const seen: string[] = [];
  let heartbeats = 0;
  const watchOptions = { ...options, pathSilentMs };
  const live: LiveWatch = watchLiveCall(pc as unknown as RTCPeerConnection, watchOptions, {
    sendHeartbeat: () => {
      heartbeats += 1;
      return true;
    },
    suspect: () => seen.push('suspect'),
    trouble: (cause) => seen.push(`trouble ${cause}`),
    heardAgain: () => seen.push('heard again'),
    transportFailed: () => seen.push('transport failed'),
  });
  return { pc, seen, live, heartbeats: () => heartbeats, startedAt };
}

describe('the live watch', () => {
  let current: LiveWatch | undefined;
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    current?.stop();
    vi.useRealTimers();
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

  /**
   * Plays a silence of messages `silenceMs` long while media bytes come every 50 ms, except for
   * `pauseMs` from `pauseFromMs` on; then heartbeats until the next tick of the watch and one
   * more, so that the next silence starts on a tick (or `offsetMs` after one).
   */
  async function playHeldBack(
    w: ReturnType<typeof watch>,
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
