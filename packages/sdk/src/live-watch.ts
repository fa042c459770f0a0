/**
 * Watches a connected call for a dead path, quickly and without false alarms. Each side sends a
 * small heartbeat on the control channel; the path counts as lost when nothing has come from the
 * far side for `pathSilentMs` — no heartbeat, no app data, and (read from `getStats` before
 * deciding) no byte of media. The browser's own signs come on top: `disconnected` and `failed`
 * (Chromium says them 5–7 s and ~15 s after a path dies), and the OS's network-change hints.
 *
 * A silence is suspect from a heartbeat and a half on: `suspect` lets the room check its signaling
 * connection early, since healing will need it. On a call that receives media, a silence of
 * heartbeats and media alike is enough to call the path lost from half of `pathSilentMs` on
 * (except while an ICE restart moves the call to a new pair, which may pause media). On a call
 * that came through two suspect silences, that half counts from the first reading of bytes that
 * stood still, not from the last message: at 10 % loss each way (NAT lab, 40 side-minutes) the
 * ordered channels held heartbeats and app data behind SCTP's resends 15 times a minute for
 * 0.5 s or more, up to 1.6 s, while the bytes (media, the resends) stood still for at most 351 ms
 * except in stalls of the whole machine (0.6-0.8 s, both sides at once). Judged from
 * the last message, one reading without a byte in such a silence was enough, and calls that
 * were fine were restarted (3 in a call-hour). A reading counted long after the one before (a
 * stalled page) starts the bytes' silence anew; each is timed by when its bytes were counted, not
 * by when the page got it. The browser's `disconnected` is a loss only with a
 * silence of two heartbeats: it came once 86 ms after the far side was heard, at that loss. While
 * the far side is silent, heartbeats slow to one a second. Measured in the NAT lab: heartbeats at
 * the full rate into a dead path held the data channel back long after the path returned (a 3 s
 * blackout: app data back after 5.85 s instead of 3.30 s, every run), since SCTP, which carries
 * them, retransmits and backs off.
 */
import type { StatsLike } from './candidate-report.js';

/** How often a heartbeat goes out while the far side is silent (see above). */
export const SILENT_HEARTBEAT_INTERVAL_MS = 1_000;

/** What went wrong with a live call, as far as this side can tell. */
export type TroubleCause = 'path-lost' | 'ice-failed' | 'network-change';

export interface LiveWatchOptions {
  /** How often a heartbeat goes to the far side. */
  heartbeatIntervalMs: number;
  /**
   * How long the far side may be silent before the path counts as lost, as the path is measured
   * now (path-timing.ts: never under the option, longer on a slow or jittery path).
   */
  pathSilentMs(): number;
  /** How long network-change hints are gathered before acting on them. */
  networkHintDebounceMs: number;
  /** How long an ICE restart may take (see {@link LiveWatch.restarting}), as measured now. */
  restartTimeoutMs(): number;
}

export interface LiveWatchHandlers {
  /** Sends one heartbeat; answers whether the channel took it. */
  sendHeartbeat(): boolean;
  /** The far side has been silent for half of `pathSilentMs`, media included: once a silence. */
  suspect?(): void;
  /** The call looks broken: called once, then not again until the far side is heard. */
  trouble(cause: TroubleCause): void;
  /** The far side is heard again after `trouble`. */
  heardAgain(): void;
  /**
   * The connection's DTLS transport failed: no ICE restart brings it back (its keys are gone), so
   * only a new connection can. Firefox fails it, and closes every data channel, as soon as a send
   * errs on a network interface that went away (a Wi-Fi → cellular handover).
   */
  transportFailed?(): void;
}

export interface LiveWatch {
  /** Something arrived from the far side (a heartbeat, app data, any control message). */
  heard(): void;
  /** When the far side was last heard (ms since the epoch). */
  lastHeardAt(): number;
  /**
   * An ICE restart is on (this side's or the far side's): until `restartTimeoutMs` has passed,
   * a silence is judged by `pathSilentMs` alone, since the move to the new pair may pause media.
   */
  restarting(): void;
  /**
   * The connection closed under the call. With the browser saying `disconnected`, that is the
   * path failing, not the far side leaving (Firefox closes its channels when its interface goes,
   * at times before its transport says `failed`): trouble, as the browser's word used to be.
   */
  closing(): void;
  stop(): void;
}

export function watchLiveCall(
  pc: RTCPeerConnection,
  options: LiveWatchOptions,
  handlers: LiveWatchHandlers,
): LiveWatch {
  let lastHeard = Date.now();
  // Silence counts only once the far side has shown it sends heartbeats: an older SDK does not,
  // and its silence says nothing.
  let armed = false;
  let troubled = false;
  let stopped = false;
  let bytesReceived: number | undefined;
  /** When `bytesReceived` was counted (see `transportReading`). */
  let bytesReadAt = 0;
  /** The transport's bytes when trouble began: more means the far side got through. */
  let troubledBytes: number | undefined;
  let checking = false;
  let suspected = false;
  let lastHeartbeatAt = 0;
  /** Until when a restart is on and media may pause without a lost path. */
  let restartingUntil = 0;
  /** The silences this call came through: suspect ones that ended with the far side heard. */
  let survivedCount = 0;
  /** Since when the bytes are known to stand still: their first reading in this silence, or the
   * last that saw them grow. */
  let bytesSince = 0;
  let hintTimer: ReturnType<typeof setTimeout> | undefined;

  const trouble = (cause: TroubleCause) => {
    if (stopped || troubled) return;
    troubled = true;
    troubledBytes = undefined;
    handlers.trouble(cause);
  };

  const suspectAfterMs = options.heartbeatIntervalMs * 1.5;
  /** The browser's `disconnected` with this much silence is a loss ("a heartbeat or two"). */
  const disconnectedSilentMs = options.heartbeatIntervalMs * 2;

  const heard = () => {
    const silentMs = Date.now() - lastHeard;
    if (armed && !troubled && silentMs >= suspectAfterMs) survivedCount += 1;
    lastHeard = Date.now();
    armed = true;
    suspected = false;
    if (troubled && !stopped) {
      troubled = false;
      handlers.heardAgain();
    }
  };

  /** The transport's bytes, and when they were counted: no sooner than a tick before asking. */
  const readBytes = async () => {
    const notBefore = Date.now() - options.heartbeatIntervalMs;
    return transportReading((await pc.getStats()) as unknown as StatsLike, notBefore);
  };

  /** The first look at a silence: signaling is checked now, since healing may soon need it. */
  const suspect = () => {
    if (suspected) return;
    suspected = true;
    handlers.suspect?.();
  };

  // Looks at each tick of a silence. Media keeps a path busy even when a heartbeat is late (a
  // busy sender): bytes that grew since the last look mean the far side is there. Neither
  // heartbeat nor media for a whole tick is the sign on a call that receives media (the browser
  // sends media whatever the page's timers do), once the silence is as long as `lost`
  // says; a call without media has only its heartbeats, and waits all of `pathSilentMs`.
  // The tick is timed between the two readings, not between the ticks that asked for them: on a
  // busy machine a reading may be asked for late and the next soon after it (a late timer is
  // followed by one on schedule), and a few milliseconds without a byte say nothing. Each reading
  // is timed by when the browser counted its bytes, not by when the page got it
  // (`transportReading`): a page busy in between got it as late as it was busy. A busy page also
  // hears its heartbeats late, queued behind the work, so its silences look longer than they
  // were: the likely cause of three restarts of a clean call (satellite-leo) held 10 minutes on a
  // machine at load 14-38, after silences of 0.8-1.1 s (docs/benchmarks.md, "Holds without
  // incident").
  const look = async () => {
    const before = bytesReceived;
    const [now, at] = await readBytes();
    // Too soon to tell: the older reading stays, to be compared with the next. Readings a tick
    // apart come a tick apart give or take how long a reading takes, so half a tick tells them
    // from bunched ones; a whole tick would skip a look at a dead path whenever the first reading
    // took a little longer than the second.
    const tooSoon = at - bytesReadAt < options.heartbeatIntervalMs / 2;
    if (before !== undefined && now <= before && tooSoon) return;
    // A reading counted long after the one before (asked for late by a stalled page) says
    // nothing of the time between.
    if (before === undefined || at - bytesReadAt > options.heartbeatIntervalMs * 1.5) {
      bytesSince = at;
    }
    bytesReceived = now;
    bytesReadAt = at;
    if (before === undefined) return suspect();
    // The bytes grew: heard when they were counted, or since (a message while the reading came).
    if (now > before) lastHeard = bytesSince = Math.max(lastHeard, at);
    else if (lost(at)) trouble('path-lost');
  };

  /**
   * Where the media silence judged by `lost` began. One stall (a busy page) is no pattern; a call
   * that came through two is on a lossy path, where heartbeats and app data wait behind resends
   * for up to 1.6 s while media and resends still come: there a silence counts from the first
   * reading of the bytes that stood still, not from the last message.
   */
  const silentSince = () => (survivedCount >= 2 ? Math.max(lastHeard, bytesSince) : lastHeard);

  /**
   * Whether the silence, at `at`, calls the path lost: all of `pathSilentMs` without a word; two
   * heartbeats while the browser says `disconnected`; on a call receiving media (no restart on),
   * half of `pathSilentMs` of bytes standing still as well.
   */
  const lost = (at: number) => {
    const silentMs = at - lastHeard;
    const disconnected = pc.iceConnectionState === 'disconnected';
    const media = receivesMedia(pc) && at >= restartingUntil;
    return (
      silentMs >= options.pathSilentMs() ||
      (disconnected && silentMs >= disconnectedSilentMs) ||
      (media && at - silentSince() >= options.pathSilentMs() / 2)
    );
  };

  // While troubled, media arriving again (the path came back, or a restart found a new one)
  // ends the trouble even before a heartbeat gets through: the data channel's retransmissions
  // back off during an outage, media does not.
  const lookWhileTroubled = async () => {
    const [now] = await readBytes();
    // Fewer bytes than before: pairs counted then were discarded (Firefox): count from here.
    if (troubledBytes === undefined || now < troubledBytes) troubledBytes = now;
    else if (now > troubledBytes) heard();
  };

  const sendHeartbeat = () => {
    const now = Date.now();
    const silent = armed && now - lastHeard >= options.pathSilentMs() / 2;
    if (silent && now - lastHeartbeatAt < SILENT_HEARTBEAT_INTERVAL_MS) return;
    if (handlers.sendHeartbeat()) lastHeartbeatAt = now;
  };

  const tick = () => {
    if (stopped) return;
    sendHeartbeat();
    if (troubled && !checking) {
      checking = true;
      lookWhileTroubled()
        .catch(() => {})
        .finally(() => {
          checking = false;
        });
      return;
    }
    if (!armed || troubled || checking) return;
    // One heartbeat and a half late: a silence, looked at from now on.
    if (Date.now() - lastHeard < suspectAfterMs) {
      bytesReceived = undefined;
      return;
    }
    checking = true;
    look()
      .catch(() => {
        // Closed under us, and the link ends the watch; or a reading that fails on a live
        // connection: without bytes to read, the silence is judged as on a call without media.
        const silentMs = Date.now() - lastHeard;
        if (pc.signalingState !== 'closed' && silentMs >= options.pathSilentMs()) {
          trouble('path-lost');
        }
      })
      .finally(() => {
        checking = false;
      });
  };

  const onIceState = () => {
    const state = pc.iceConnectionState;
    if (state === 'failed') return trouble('ice-failed');
    // Without heartbeats (an older SDK) the browser's word is all there is; with them, the looks
    // at a silence take it (see `lost`).
    const silent = !armed || Date.now() - lastHeard >= disconnectedSilentMs;
    if (state === 'disconnected' && silent) trouble('path-lost');
  };

  const onNetworkHint = () => {
    clearTimeout(hintTimer);
    hintTimer = setTimeout(() => trouble('network-change'), options.networkHintDebounceMs);
  };

  // The DTLS transport under the data channels (and, bundled, the media).
  const transport = pc.sctp?.transport;
  const onTransportState = () => {
    if (!stopped && transport?.state === 'failed') handlers.transportFailed?.();
  };

  const timer = setInterval(tick, options.heartbeatIntervalMs);
  pc.addEventListener('iceconnectionstatechange', onIceState);
  transport?.addEventListener('statechange', onTransportState);
  const hints = networkHints();
  hints.add(onNetworkHint);

  return {
    heard,
    lastHeardAt: () => lastHeard,
    restarting() {
      restartingUntil = Date.now() + options.restartTimeoutMs();
    },
    closing() {
      if (pc.iceConnectionState === 'disconnected') trouble('path-lost');
    },
    stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      clearTimeout(hintTimer);
      pc.removeEventListener('iceconnectionstatechange', onIceState);
      transport?.removeEventListener('statechange', onTransportState);
      hints.remove(onNetworkHint);
    },
  };
}

/**
 * Whether the connection receives media now: a transceiver that receives, whose track the
 * browser has not muted (a remote track is muted until its media flows).
 */
function receivesMedia(pc: RTCPeerConnection): boolean {
  if (typeof pc.getTransceivers !== 'function') return false;
  return pc.getTransceivers().some((transceiver) => {
    const direction = transceiver.currentDirection;
    const receiving = direction === 'sendrecv' || direction === 'recvonly';
    return receiving && transceiver.receiver.track?.muted === false;
  });
}

/**
 * The bytes received on every transport of the connection (one with BUNDLE; Firefox (153 ESR)
 * counts them on its candidate pairs only: their sum, which drops if a pair is discarded), and
 * when they were counted, on the page's clock (`Date.now()`): the transport's `timestamp`, which Chromium (156)
 * and Firefox (153 ESR) take when the reading is asked for, on the clock of
 * `performance.timeOrigin` (a report Chromium serves again from its cache, as it did for a reading
 * asked for 20 ms after another, is older than the asking). A page busy for 500 ms between asking
 * and getting the reading got it 500 ms after the count, in both. When the report has no usable
 * timestamp (none, or one from before `notBefore` or after the reading's arrival: another clock),
 * the time the page got it.
 */
export function transportReading(stats: StatsLike, notBefore: number): [number, number] {
  const arrivedAt = Date.now();
  let total: number | undefined;
  let pairsTotal = 0;
  let at = arrivedAt;
  stats.forEach((entry) => {
    const bytes = typeof entry.bytesReceived === 'number' ? entry.bytesReceived : undefined;
    if (entry.type === 'candidate-pair') pairsTotal += bytes ?? 0;
    if (entry.type !== 'transport') return;
    if (bytes !== undefined) total = (total ?? 0) + bytes;
    if (typeof entry.timestamp === 'number') {
      at = arrivedAt - (performance.timeOrigin + performance.now() - entry.timestamp);
    }
  });
  return [total ?? pairsTotal, at <= arrivedAt && at >= notBefore ? at : arrivedAt];
}

/**
 * The page's hints that the network changed: `online` (back from offline, often on a new
 * network) and the Network Information API's `change` (Chromium). Absent outside a browser.
 */
function networkHints() {
  const connection =
    typeof navigator === 'undefined'
      ? undefined
      : (navigator as Navigator & { connection?: EventTarget }).connection;
  const page = typeof window === 'undefined' ? undefined : window;
  return {
    add(listener: () => void) {
      page?.addEventListener('online', listener);
      connection?.addEventListener?.('change', listener);
    },
    remove(listener: () => void) {
      page?.removeEventListener('online', listener);
      connection?.removeEventListener?.('change', listener);
    },
  };
}
