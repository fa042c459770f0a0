/**
 * A connection as the live watch reads it (its ICE and DTLS states, its transport's bytes), and a
 * watch on it that records what it says: for the live watch's tests.
 */
import { watchLiveCall, type LiveWatch } from '../src/live-watch.js';

/** A DTLS transport, shared by every sender and receiver (BUNDLE). */
class FakeDtlsTransport extends EventTarget {
  state: RTCDtlsTransportState = 'connected';
  set(state: RTCDtlsTransportState) {
    this.state = state;
    this.dispatchEvent(new Event('statechange'));
  }
}

/** The part of a connection the watch reads: its ICE and DTLS states and its transport's bytes. */
export class FakeConnection extends EventTarget {
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
  /**
   * Whether a reading carries when its bytes were counted (`timestamp`), as Chromium and Firefox
   * give it: when the reading was asked for, on the clock of `performance.timeOrigin`.
   */
  stamped = false;
  /**
   * The bytes on candidate pairs alone, each pair's count here, the transport's report without
   * them: as Firefox (153 ESR) reports. `null`: on the transport, as Chromium reports.
   */
  pairs: Map<string, number> | null = null;
  async getStats() {
    const bytes = this.pairs ? {} : { bytesReceived: this.bytesReceived };
    const entry = { id: 't', type: 'transport', ...bytes };
    const stamp = this.stamped ? { timestamp: performance.timeOrigin + performance.now() } : {};
    if (this.readDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.readDelayMs));
    const pairs = [...(this.pairs ?? [])].map(
      ([id, bytesReceived]) => [id, { id, type: 'candidate-pair', bytesReceived }] as const,
    );
    return new Map<string, object>([['t', { ...entry, ...stamp }], ...pairs]);
  }
  setIceState(state: RTCIceConnectionState) {
    this.iceConnectionState = state;
    this.dispatchEvent(new Event('iceconnectionstatechange'));
  }
}

export const options = {
  heartbeatIntervalMs: 250,
  pathSilentMs: () => 1_000,
  networkHintDebounceMs: 250,
  restartTimeoutMs: () => 4_000,
};

export function watch(pathSilentMs = options.pathSilentMs) {
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

export type Watched = ReturnType<typeof watch>;
