/**
 * A record of every silence of the far side in a held call, as the page sees it: no transport byte
 * (`getStats`, read every {@link READ_EVERY_MS}: heartbeats, app data, media, SCTP's acks alike)
 * and no message on any data channel (the control channel's heartbeats and the app's data). The
 * SDK's watch judges a silence by these two signs, so their silences are the ones it must not
 * read as a lost path. The page's own stalls are recorded beside them: a read that comes long
 * after the one before says the page (or the machine) was late, not the path.
 */
import { loadavg } from 'node:os';
import type { Browser } from '@playwright/test';
import type { HeldSide } from '@icelane/testing/nat-lab';

/** How often the page reads the transport's bytes: the record's resolution. */
export const READ_EVERY_MS = 50;
/** Silences shorter than this are not recorded (heartbeats come every 250 ms). */
export const RECORDED_FROM_MS = 200;
/** The bounds a silence distribution counts over. */
export const SILENCE_BOUNDS_MS = [250, 500, 750, 1_000, 1_500];

/** One silence or page stall, timed with `Date.now()` in the page. */
export interface SilenceEntry {
  /** `bytes`: no transport byte; `messages`: no data channel message; `stall`: reads late. */
  kind: 'bytes' | 'messages' | 'stall';
  from: number;
  to: number;
  /** The longest time between two reads during it: the page's lateness, not the path's. */
  worstReadGapMs?: number;
}

/** Everything recorded on one side. */
export interface SideRecord {
  entries: SilenceEntry[];
}

/**
 * Makes every page `browser` opens from now on record its silences into `record` (call before the
 * pages are opened: the record starts with the page's first script).
 */
export function recordSilences(browser: Browser, record: SideRecord): void {
  const newContext = browser.newContext.bind(browser);
  browser.newContext = async (...args: Parameters<Browser['newContext']>) => {
    const context = await newContext(...args);
    await context.exposeFunction('__recordSilence', (entry: SilenceEntry) => {
      record.entries.push(entry);
    });
    await context.addInitScript(pageRecorder, {
      readEveryMs: READ_EVERY_MS,
      recordedFromMs: RECORDED_FROM_MS,
    });
    return context;
  };
}

/** Runs in the page, before its own scripts: keeps every connection and reads it each tick. */
function pageRecorder({
  readEveryMs,
  recordedFromMs,
}: {
  readEveryMs: number;
  recordedFromMs: number;
}): void {
  const send = (entry: SilenceEntry) =>
    void (window as unknown as { __recordSilence(e: SilenceEntry): Promise<void> })
      .__recordSilence(entry)
      .catch(() => {});
  const connections: RTCPeerConnection[] = [];
  let lastMessageAt = 0;
  let messageGapWorst = 0;
  const onMessage = () => {
    const at = Date.now();
    if (lastMessageAt > 0 && at - lastMessageAt >= recordedFromMs) {
      send({ kind: 'messages', from: lastMessageAt, to: at, worstReadGapMs: messageGapWorst });
    }
    lastMessageAt = at;
    messageGapWorst = 0;
  };
  const Native = window.RTCPeerConnection;
  window.RTCPeerConnection = class extends Native {
    constructor(...args: ConstructorParameters<typeof RTCPeerConnection>) {
      super(...args);
      connections.push(this);
      this.addEventListener('datachannel', (event) =>
        event.channel.addEventListener('message', onMessage),
      );
    }
    override createDataChannel(...args: Parameters<RTCPeerConnection['createDataChannel']>) {
      const channel = super.createDataChannel(...args);
      channel.addEventListener('message', onMessage);
      return channel;
    }
  };

  let bytes = -1;
  let grewAt = 0;
  let readAt = 0;
  let worstReadGap = 0;
  let reading = false;
  setInterval(() => {
    if (reading) return;
    const live = connections.filter((pc) =>
      ['connected', 'disconnected'].includes(pc.connectionState),
    );
    if (live.length === 0) {
      bytes = -1;
      return;
    }
    reading = true;
    void Promise.all(live.map((pc) => pc.getStats()))
      .then((reports) => {
        let now = 0;
        for (const report of reports) {
          report.forEach((entry: { type: string; bytesReceived?: number }) => {
            if (entry.type === 'transport' && typeof entry.bytesReceived === 'number') {
              now += entry.bytesReceived;
            }
          });
        }
        const at = Date.now();
        const readGap = readAt > 0 ? at - readAt : 0;
        readAt = at;
        if (readGap >= 4 * readEveryMs) {
          send({ kind: 'stall', from: at - readGap, to: at });
        }
        worstReadGap = Math.max(worstReadGap, readGap);
        messageGapWorst = Math.max(messageGapWorst, readGap);
        if (bytes < 0 || now > bytes) {
          if (bytes >= 0 && at - grewAt >= recordedFromMs) {
            send({ kind: 'bytes', from: grewAt, to: at, worstReadGapMs: worstReadGap });
          }
          grewAt = at;
          worstReadGap = 0;
        }
        bytes = now;
      })
      .catch(() => {})
      .finally(() => {
        reading = false;
      });
  }, readEveryMs);
}

/** A side's silences of one kind within the hold. */
export function silencesWithin(
  record: SideRecord,
  kind: SilenceEntry['kind'],
  from: number,
  to: number,
): SilenceEntry[] {
  return record.entries.filter((e) => e.kind === kind && e.from >= from && e.to <= to);
}

/**
 * A side's silences as one line: how many per call-minute lasted at least each bound, the longest
 * and the ones from the longest bound on (`≥250 4.1/min … longest 1234 (page 60)`).
 */
export function describeSilences(entries: SilenceEntry[], minutes: number): string {
  const perMinute = SILENCE_BOUNDS_MS.map((bound) => {
    const count = entries.filter((e) => e.to - e.from >= bound).length;
    return `≥${bound} ${count} (${(count / minutes).toFixed(2)}/min)`;
  });
  const longest = [...entries].sort((x, y) => y.to - y.from - (x.to - x.from)).slice(0, 5);
  const shown = longest.map((e) => `${e.to - e.from} at ${e.from} (page ${e.worstReadGapMs})`);
  return `${perMinute.join(', ')}; longest: ${shown.join(', ') || 'none'}`;
}

/** The 1-minute load average, read every {@link LOAD_EVERY_MS} while a call is held. */
export const LOAD_EVERY_MS = 5_000;

/** Samples the machine's 1-minute load until the returned function is called. */
export function sampleLoad(): { samples: Array<[number, number]>; stop(): void } {
  const samples: Array<[number, number]> = [];
  const read = () => samples.push([Date.now(), Math.round(loadavg()[0]! * 100) / 100]);
  read();
  const timer = setInterval(read, LOAD_EVERY_MS);
  return { samples, stop: () => clearInterval(timer) };
}

/** The load sampled nearest to `at`. */
function loadAt(samples: Array<[number, number]>, at: number): number | undefined {
  let best: [number, number] | undefined;
  for (const sample of samples) {
    if (!best || Math.abs(sample[0] - at) < Math.abs(best[0] - at)) best = sample;
  }
  return best?.[1];
}

/**
 * Each alarm of a side (a `recovery` event, a `reconnecting` state) beside what the record saw
 * then: the silence of bytes and of messages it fell in (so far / in all), the page's stalls
 * around it and the load (`+312034 recovery path-lost: bytes 812/1203, messages 990/1400, …`).
 */
export function describeAlarms(
  side: HeldSide,
  entries: SilenceEntry[],
  load: Array<[number, number]>,
): string[] {
  const alarms = side.events.filter(
    (e) =>
      e.event === 'recovery' ||
      (e.event === 'peer:state' && (e.payload as { state: string }).state === 'reconnecting'),
  );
  return alarms.map((alarm) => {
    const p = alarm.payload as Record<string, unknown>;
    const what =
      alarm.event === 'recovery' ? `recovery ${String(p.cause)}/${String(p.step)}` : 'reconnecting';
    const around = (kind: SilenceEntry['kind']) => {
      const hit = entries.find(
        (e) => e.kind === kind && e.from <= alarm.at && e.to >= alarm.at - READ_EVERY_MS,
      );
      return hit ? `${alarm.at - hit.from}/${hit.to - hit.from}` : 'none';
    };
    const stalls = entries
      .filter((e) => e.kind === 'stall' && e.to >= alarm.at - 2_000 && e.from <= alarm.at)
      .map((e) => e.to - e.from);
    return (
      `+${alarm.at - side.startedAt} ${what}: bytes ${around('bytes')}, ` +
      `messages ${around('messages')}, page stalls [${stalls.join(', ')}], ` +
      `load ${loadAt(load, alarm.at)}`
    );
  });
}
