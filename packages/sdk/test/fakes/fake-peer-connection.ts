/**
 * A stand-in for `RTCPeerConnection` with the parts the SDK reads: its events and states, its
 * descriptions, `getStats()` answering with recorded browser stats, `get/setConfiguration`, and
 * negotiated data channels (the control channel). The test drives it: `setState`, `gather`,
 * `candidateError`, `stats`, `dtls`.
 */
import type { StatsEntry } from '../../src/candidate-report.js';
import { statsOf } from '../stats-fixtures.js';

/** A data channel the test can open and deliver messages on. */
export class FakeDataChannel extends EventTarget {
  readyState: RTCDataChannelState = 'connecting';
  onmessage: ((event: MessageEvent) => void) | null = null;
  /** What the SDK sent on it, in order. */
  readonly sent: unknown[] = [];

  constructor(
    readonly label: string,
    readonly init: RTCDataChannelInit = {},
  ) {
    super();
  }

  send(data: unknown): void {
    if (this.readyState !== 'open') throw new Error(`channel ${this.label} is not open`);
    this.sent.push(data);
  }

  open(): void {
    this.readyState = 'open';
    this.dispatchEvent(new Event('open'));
  }

  /** A message from the far side. */
  deliver(data: unknown): void {
    const event = new MessageEvent('message', { data });
    this.onmessage?.(event);
    this.dispatchEvent(event);
  }

  close(): void {
    this.readyState = 'closed';
  }
}

/** The DTLS transport under the data channels and the media (BUNDLE); the test moves its state. */
export class FakeDtlsTransport extends EventTarget {
  state: RTCDtlsTransportState = 'connected';

  setState(state: RTCDtlsTransportState): void {
    this.state = state;
    this.dispatchEvent(new Event('statechange'));
  }
}

const STATE_EVENTS = {
  connectionState: 'connectionstatechange',
  iceConnectionState: 'iceconnectionstatechange',
  iceGatheringState: 'icegatheringstatechange',
} as const;

export class FakePeerConnection extends EventTarget {
  connectionState: RTCPeerConnectionState = 'new';
  iceConnectionState: RTCIceConnectionState = 'new';
  iceGatheringState: RTCIceGatheringState = 'new';
  signalingState: RTCSignalingState = 'stable';
  localDescription: RTCSessionDescriptionInit | null = null;
  remoteDescription: RTCSessionDescriptionInit | null = null;
  /** What `getStats()` answers with; a test replaces it as the connection moves on. */
  stats: StatsEntry[] = [];
  /** Every configuration given to `setConfiguration`, in order. */
  readonly configurations: RTCConfiguration[] = [];
  readonly channels: FakeDataChannel[] = [];
  /** Set to make `setConfiguration` throw, as some browsers do on a live connection. */
  refuseConfiguration = false;
  /** How often `restartIce()` was called. */
  iceRestarts = 0;
  readonly dtls = new FakeDtlsTransport();
  /** The data channels' transport: the DTLS one (bundled). */
  readonly sctp = { transport: this.dtls };
  private configuration: RTCConfiguration;

  constructor(configuration: RTCConfiguration = {}) {
    super();
    this.configuration = { ...configuration };
  }

  getConfiguration(): RTCConfiguration {
    return { ...this.configuration };
  }

  setConfiguration(configuration: RTCConfiguration): void {
    if (this.refuseConfiguration) throw new Error('InvalidModificationError');
    this.configurations.push(configuration);
    this.configuration = { ...configuration };
  }

  restartIce(): void {
    this.iceRestarts += 1;
  }

  getStats(): Promise<unknown> {
    if (this.signalingState === 'closed') return Promise.reject(new Error('closed'));
    return Promise.resolve(statsOf(this.stats));
  }

  createDataChannel(label: string, init?: RTCDataChannelInit): FakeDataChannel {
    const channel = new FakeDataChannel(label, init);
    this.channels.push(channel);
    return channel;
  }

  /** The negotiated channel with stream id `id`, if the SDK made one. */
  channel(id: number): FakeDataChannel | undefined {
    return this.channels.find((channel) => channel.init.negotiated && channel.init.id === id);
  }

  /** Moves a state and fires its change event, as the browser does. */
  setState(name: keyof typeof STATE_EVENTS, value: string): void {
    (this as Record<typeof name, string>)[name] = value;
    this.fire(STATE_EVENTS[name]);
  }

  /** This side gathered a candidate of `type`, at `address`. */
  gather(type: 'host' | 'srflx' | 'prflx' | 'relay', address = '192.0.2.1'): void {
    this.fire('icecandidate', {
      candidate: { type, candidate: `candidate:1 1 udp 1 ${address} 9 typ ${type}` },
    });
  }

  /** A TURN server answered with `errorCode` (401: the credentials were refused). */
  candidateError(errorCode: number): void {
    this.fire('icecandidateerror', { errorCode, url: 'turn:203.0.113.1:3478' });
  }

  close(): void {
    this.signalingState = 'closed';
    this.connectionState = 'closed';
    this.iceConnectionState = 'closed';
    for (const channel of this.channels) channel.close();
  }

  fire(type: string, fields: object = {}): void {
    this.dispatchEvent(Object.assign(new Event(type), fields));
  }
}
