/**
 * The live watch on a busy page: a reading of the bytes is timed by when the browser counted them
 * (the report's `timestamp`), not by when the page, busy, got it. Chromium and Firefox count when
 * the reading is asked for; a page busy for 500 ms got it 500 ms later in both.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { transportReading, type LiveWatch } from './live-watch.js';
import { useFakeTimersPerTest } from '../test/fakes/fake-timers.js';
import { watch, type Watched } from '../test/live-watch-fixtures.js';

/** A report of one transport, counted `ageMs` ago on the clock of `performance.timeOrigin`. */
function report(ageMs: number | undefined) {
  const timestamp =
    ageMs === undefined ? {} : { timestamp: performance.timeOrigin + performance.now() - ageMs };
  return new Map([['t', { id: 't', type: 'transport', bytesReceived: 1, ...timestamp }]]);
}

describe('the time a reading of the bytes was counted', () => {
  useFakeTimersPerTest();
  const tickMs = 250;

  it("is the transport's timestamp, however late the reading came", () => {
    const askedAt = Date.now();
    vi.advanceTimersByTime(500);
    expect(transportReading(report(500), askedAt - tickMs)[1]).toBe(askedAt);
  });

  it('takes a report Chromium serves again from its cache, counted before it was asked for', () => {
    const askedAt = Date.now();
    expect(transportReading(report(40), askedAt - tickMs)[1]).toBe(askedAt - 40);
  });

  it('is the time the page got the reading when the report has no usable timestamp', () => {
    const askedAt = Date.now();
    vi.advanceTimersByTime(300);
    const arrivedAt = Date.now();
    expect(transportReading(report(undefined), askedAt - tickMs)[1]).toBe(arrivedAt);
    // Counted after it arrived, or long before it was asked for: another clock.
    expect(transportReading(report(-50), askedAt - tickMs)[1]).toBe(arrivedAt);
    expect(transportReading(report(300 + tickMs + 1), askedAt - tickMs)[1]).toBe(arrivedAt);
    const sincePageStart = new Map([['t', { id: 't', type: 'transport', timestamp: 1_000 }]]);
    expect(transportReading(sincePageStart, askedAt - tickMs)[1]).toBe(arrivedAt);
  });
});

describe('the live watch on a busy page', () => {
  let current: LiveWatch | undefined;
  useFakeTimersPerTest();
  afterEach(() => {
    current?.stop();
  });

  function stampedWatch(media = false): Watched {
    const w = watch();
    current = w.live;
    w.pc.stamped = true;
    w.pc.media = media;
    w.live.heard();
    return w;
  }

  /** Advances to `atMs` from the watch's start. */
  const advanceTo = (w: Watched, atMs: number) =>
    vi.advanceTimersByTimeAsync(atMs - (Date.now() - w.startedAt));

  /** Advances to `atMs` from the watch's start, the next reading asked for coming `delayMs` late. */
  async function lateReadingAt(w: Watched, atMs: number, delayMs: number) {
    await advanceTo(w, atMs - 5);
    w.pc.readDelayMs = delayMs;
    await vi.advanceTimersByTimeAsync(10);
    w.pc.readDelayMs = 0;
  }

  /**
   * A call without media: the looks at 500 and 750 ms find no byte, and the page stalls for
   * 300 ms right after asking at 750. Counted at 750 ms, the bytes stood still 750 ms of the 1 s a
   * path may be silent; the reading reaches the page at 1050.
   */
  async function stallAfterAsking(): Promise<Watched> {
    const w = stampedWatch();
    await lateReadingAt(w, 750, 300);
    await advanceTo(w, 1_050);
    return w;
  }

  it('takes no stall of the page after the bytes were counted for a silence', async () => {
    const w = await stallAfterAsking();
    // The far side's heartbeat, come meanwhile, waited behind the reading.
    w.live.heard();
    expect(w.seen).toEqual(['suspect']);
  });

  it('still calls the path lost at the next look when the far side stays silent', async () => {
    const w = await stallAfterAsking();
    expect(w.seen).toEqual(['suspect']);
    await vi.advanceTimersByTimeAsync(205);
    expect(w.seen).toEqual(['suspect', 'trouble path-lost']);
  });

  it('on a call receiving media, finds a dead path as soon when the first reading came late', async () => {
    const w = stampedWatch(true);
    // The first look's reading, asked for at 500 ms, comes 240 ms late, 10 ms before the next
    // look's: counted a tick apart, the two say the bytes stood still for a tick.
    await lateReadingAt(w, 500, 240);
    await advanceTo(w, 749);
    expect(w.seen).toEqual(['suspect']);
    await vi.advanceTimersByTimeAsync(2);
    expect(w.seen).toEqual(['suspect', 'trouble path-lost']);
  });

  it('counts a silence from a heartbeat heard after the bytes were counted, not before it', async () => {
    const w = stampedWatch(true);
    // Media grows the bytes until 750 ms; that look's reading, counted at 750, comes 240 ms late,
    // after a heartbeat heard at 900. Then the path dies: lost half of pathSilentMs after the
    // later of the two, not 500 ms after the count (at 1500).
    await vi.advanceTimersByTimeAsync(600);
    w.pc.bytesReceived += 1_200;
    await lateReadingAt(w, 750, 240);
    await advanceTo(w, 900);
    w.live.heard();
    await advanceTo(w, 1_510);
    expect(w.seen).toEqual(['suspect', 'suspect']);
    await vi.advanceTimersByTimeAsync(250);
    expect(w.seen).toEqual(['suspect', 'suspect', 'trouble path-lost']);
  });
});
