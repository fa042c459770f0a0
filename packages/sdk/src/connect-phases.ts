/**
 * The steps of one attempt, timed by the SDK itself: when the descriptions went back and forth,
 * when gathering ran, when ICE, DTLS and the data channel came up. The recorder only notes
 * timestamps from the peer connection's own events; {@link computePhases} turns them into the
 * report's `phases`, and is pure so its rules are testable without a browser.
 */
import type { ConnectPhases } from '@icelane/protocol';

/** When each step of an attempt began or ended, on one clock (ms). */
export interface PhaseMarks {
  /** The attempt's peer connection was created. */
  startedAt: number;
  offerSentAt?: number;
  offerReceivedAt?: number;
  answerSentAt?: number;
  answerReceivedAt?: number;
  gatheringStartedAt?: number;
  gatheringCompleteAt?: number;
  remoteDescriptionAt?: number;
  /** `iceConnectionState` first `connected` or `completed`. */
  iceConnectedAt?: number;
  /** `connectionState` first `connected`: ICE and DTLS are both up. */
  connectedAt?: number;
  channelOpenAt?: number;
}

/**
 * The phases of an attempt from its marks, or `undefined` before its data channel opened. A phase
 * whose start or end was not seen is left out; none is ever negative.
 */
export function computePhases(marks: PhaseMarks): ConnectPhases | undefined {
  const totalMs = span(marks.startedAt, marks.channelOpenAt);
  if (totalMs === undefined) return undefined;
  // Only one side's pair of marks exists: the offerer sends the offer, the answerer receives it.
  const signalingMs =
    span(marks.offerSentAt, marks.answerReceivedAt) ??
    span(marks.offerReceivedAt, marks.answerSentAt);
  const phases: ConnectPhases = { totalMs };
  const optional: Omit<ConnectPhases, 'totalMs'> = {
    signalingMs,
    gatheringMs: span(marks.gatheringStartedAt, marks.gatheringCompleteAt),
    checksMs: span(marks.remoteDescriptionAt, marks.iceConnectedAt),
    dtlsMs: span(marks.iceConnectedAt, marks.connectedAt),
    dataChannelMs: span(marks.connectedAt, marks.channelOpenAt),
  };
  for (const [name, value] of Object.entries(optional) as [keyof typeof optional, number?][]) {
    if (value !== undefined) phases[name] = value;
  }
  return phases;
}

function span(from: number | undefined, to: number | undefined): number | undefined {
  if (from === undefined || to === undefined) return undefined;
  return Math.max(0, Math.round(to - from));
}

/** Records one attempt's marks from its peer connection's events and its signal path. */
export interface PhaseRecorder {
  /** This side sent a description (`offer` or `answer`); other signal types are ignored. */
  sent(type: string): void;
  /** A description of the other side arrived. */
  received(type: string): void;
  /** A data channel of this attempt to watch for `open` (this side's own one, when it made it). */
  watchChannel(channel: RTCDataChannel | undefined): void;
  /** The connection is usable: marks the channel open if its `open` event was not seen. */
  connected(): void;
  phases(): ConnectPhases | undefined;
  /** Stops listening; the marks so far stay readable. */
  stop(): void;
}

/** `performance.now()`: monotonic, unlike `Date.now()`. */
const monotonicNow = () => performance.now();

export function recordPhases(
  pc: RTCPeerConnection,
  now: () => number = monotonicNow,
): PhaseRecorder {
  type MarkName = Exclude<keyof PhaseMarks, 'startedAt'>;
  const marks: PhaseMarks = { startedAt: now() };
  const mark = (name: MarkName) => {
    marks[name] ??= now();
  };

  const onGathering = () => {
    if (pc.iceGatheringState === 'gathering') mark('gatheringStartedAt');
    if (pc.iceGatheringState === 'complete') mark('gatheringCompleteAt');
  };
  const onSignalingState = () => {
    if (pc.remoteDescription) mark('remoteDescriptionAt');
  };
  const onIceState = () => {
    if (pc.iceConnectionState === 'connected' || pc.iceConnectionState === 'completed') {
      mark('iceConnectedAt');
    }
  };
  const onConnectionState = () => {
    if (pc.connectionState === 'connected') mark('connectedAt');
  };
  const onOpen = () => mark('channelOpenAt');
  const watchChannel = (channel: RTCDataChannel | undefined) => {
    if (!channel) return;
    // The answerer's channel may already be open when its `datachannel` event runs.
    if (channel.readyState === 'open') onOpen();
    else channel.addEventListener('open', onOpen, { once: true });
  };
  const onDataChannel = (event: RTCDataChannelEvent) => watchChannel(event.channel);

  pc.addEventListener('icegatheringstatechange', onGathering);
  pc.addEventListener('signalingstatechange', onSignalingState);
  pc.addEventListener('iceconnectionstatechange', onIceState);
  pc.addEventListener('connectionstatechange', onConnectionState);
  pc.addEventListener('datachannel', onDataChannel);
  onGathering();

  const description = (type: string, offer: MarkName, answer: MarkName) => {
    if (type === 'offer') mark(offer);
    if (type === 'answer') mark(answer);
  };

  return {
    sent: (type) => description(type, 'offerSentAt', 'answerSentAt'),
    received: (type) => description(type, 'offerReceivedAt', 'answerReceivedAt'),
    watchChannel,
    // simple-peer says `connect` only once its channel is open; a mark missed otherwise stays
    // missing (its phase is left out) rather than being guessed.
    connected: onOpen,
    phases: () => computePhases(marks),
    stop: () => {
      pc.removeEventListener('icegatheringstatechange', onGathering);
      pc.removeEventListener('signalingstatechange', onSignalingState);
      pc.removeEventListener('iceconnectionstatechange', onIceState);
      pc.removeEventListener('connectionstatechange', onConnectionState);
      pc.removeEventListener('datachannel', onDataChannel);
    },
  };
}
