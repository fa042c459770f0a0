/**
 * A record of every silence of the far side in a held call, as the page sees it: no transport byte
 * (`getStats`, read every {@link READ_EVERY_MS}: heartbeats, app data, media, SCTP's acks alike)
 * and no message on any data channel (the control channel's heartbeats and the app's data). The
 * SDK's watch judges a silence by these two signs, so their silences are the ones it must not
 * read as a lost path. The page's own stalls are recorded beside them: a read that comes long
 * after the one before says the page (or the machine) was late, not the path.
 */
import type { Browser } from '@playwright/test';

/** How often the page reads the transport's bytes: the record's resolution. */
export const READ_EVERY_MS = 50;
/** Silences shorter than this are not recorded (heartbeats come every 250 ms). */
export const RECORDED_FROM_MS = 200;
/** The app's data comes every 100 ms: only its long waits are recorded. */
export const APP_RECORDED_FROM_MS = 1_000;
/** The SDK's own channel (control-channel.ts), whose heartbeats are not the app's data. */
const CONTROL_CHANNEL_LABEL = 'icelane-control';

/** One silence or page stall, timed with `Date.now()` in the page. */
export interface SilenceEntry {
  /**
   * `bytes`: no transport byte; `messages`: no data channel message; `app`: no message on the
   * app's channels (the SDK's control channel left out), from {@link APP_RECORDED_FROM_MS};
   * `stall`: reads late.
   */
  kind: 'bytes' | 'messages' | 'app' | 'stall';
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
      appRecordedFromMs: APP_RECORDED_FROM_MS,
      controlLabel: CONTROL_CHANNEL_LABEL,
    });
    return context;
  };
}

/** Runs in the page, before its own scripts: keeps every connection and reads it each tick. */
function pageRecorder({
  readEveryMs,
  recordedFromMs,
  appRecordedFromMs,
  controlLabel,
}: {
  readEveryMs: number;
  recordedFromMs: number;
  appRecordedFromMs: number;
  controlLabel: string;
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
  let lastAppAt = 0;
  const onAppMessage = () => {
    const at = Date.now();
    if (lastAppAt > 0 && at - lastAppAt >= appRecordedFromMs) {
      send({ kind: 'app', from: lastAppAt, to: at });
    }
    lastAppAt = at;
  };
  const listen = (channel: RTCDataChannel) => {
    channel.addEventListener('message', onMessage);
    if (channel.label !== controlLabel) channel.addEventListener('message', onAppMessage);
  };
  const Native = window.RTCPeerConnection;
  window.RTCPeerConnection = class extends Native {
    constructor(...args: ConstructorParameters<typeof RTCPeerConnection>) {
      super(...args);
      connections.push(this);
      this.addEventListener('datachannel', (event) => listen(event.channel));
    }
    override createDataChannel(...args: Parameters<RTCPeerConnection['createDataChannel']>) {
      const channel = super.createDataChannel(...args);
      listen(channel);
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
