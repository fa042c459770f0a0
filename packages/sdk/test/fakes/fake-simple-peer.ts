/**
 * A stand-in for simple-peer 9 with the surface the SDK uses (`SimplePeerInstance`), over a
 * {@link FakePeerConnection}. It does nothing by itself: the test says when it signals, connects,
 * fails, closes or receives data. Destruction follows simple-peer's own order: `destroying` at
 * once, then in a microtask `destroyed`, the connection closed, `error` (if any) and `close`.
 */
import type { SignalData } from '@icelane/protocol';
import type {
  SimplePeerConstructor,
  SimplePeerInstance,
  SimplePeerOptions,
} from '../../src/simple-peer-loader.js';
import { FakeDataChannel, FakePeerConnection } from './fake-peer-connection.js';

type Listener = (...args: never[]) => void;

export class FakeSimplePeer {
  readonly _pc: FakePeerConnection;
  /** The offerer makes its data channel at once; the answerer gets it on connect. */
  _channel: FakeDataChannel | null;
  destroyed = false;
  destroying = false;
  /** Whether the SDK called `destroy()` (rather than the connection ending by itself). */
  destroyedBySdk = false;
  /** Signals the SDK handed to `signal()`, in order. */
  readonly received: SignalData[] = [];
  /** Data the SDK sent on the data channel, in order. */
  readonly sent: unknown[] = [];
  private isConnected = false;
  private readonly listeners = new Map<string, Set<Listener>>();

  constructor(readonly options: SimplePeerOptions) {
    this._pc = new FakePeerConnection(options.config);
    this._channel = options.initiator ? new FakeDataChannel('simple-peer') : null;
  }

  /** Like simple-peer: `connected` only while its data channel is open. */
  get connected(): boolean {
    return this.isConnected && this._channel?.readyState === 'open';
  }

  on(event: string, listener: Listener): this {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(listener);
    return this;
  }

  signal(data: unknown): void {
    if (this.destroyed) throw new Error('cannot signal after peer is destroyed');
    this.received.push(data as SignalData);
  }

  send(data: unknown): void {
    if (this.destroying) return;
    if (this.destroyed) throw new Error('cannot send after peer is destroyed');
    if (this._channel?.readyState !== 'open') throw new Error('InvalidStateError: not open');
    this.sent.push(data);
  }

  /** How often the SDK asked for a negotiation (an ICE restart's new offer). */
  negotiations = 0;

  negotiate(): void {
    this.negotiations += 1;
  }

  /**
   * simple-peer's handlers of the connection's state changes, which destroy the peer on `failed`.
   * Healing patches them (it refuses to start without them); the fake's tests say when a peer
   * fails with `fail()` instead.
   */
  _onIceStateChange(): void {
    if (this._pc.iceConnectionState === 'failed') this.fail();
  }

  _onConnectionStateChange(): void {
    if (this._pc.connectionState === 'failed') this.fail('ERR_CONNECTION_FAILURE');
  }

  destroy(error?: Error): void {
    if (this.destroyed || this.destroying) return;
    this.destroyedBySdk = true;
    this.teardown(error);
  }

  // What the test makes happen.

  /** simple-peer produced a signal (offer, answer, candidate) for the far side. */
  emitSignal(data: SignalData): void {
    this.emit('signal', data);
  }

  /** ICE, DTLS and the data channel are up: `connect`, with the connection's states moved. */
  connect(): void {
    this._pc.connectionState = 'connected';
    this._pc.iceConnectionState = 'connected';
    this._channel ??= new FakeDataChannel('simple-peer');
    this._channel.readyState = 'open';
    this.isConnected = true;
    this.emit('connect');
  }

  /** The connection failed: simple-peer destroys itself with `error` then `close`. */
  fail(code = 'ERR_ICE_CONNECTION_FAILURE'): void {
    this.teardown(Object.assign(new Error('Ice connection failed.'), { code }));
  }

  /** An error simple-peer reports without tearing down (e.g. a track it could not add). */
  error(code: string): void {
    this.emit('error', Object.assign(new Error(code), { code }));
  }

  /** The far side closed the connection: its channel closes and simple-peer destroys itself. */
  remoteClose(): void {
    this.teardown();
  }

  /** A data-channel message from the far side. */
  deliver(data: string | Uint8Array): void {
    this.emit('data', data);
  }

  emit(event: string, ...args: unknown[]): void {
    for (const listener of [...(this.listeners.get(event) ?? [])]) {
      (listener as (...args: unknown[]) => void)(...args);
    }
  }

  private teardown(error?: Error): void {
    if (this.destroyed || this.destroying) return;
    this.destroying = true;
    queueMicrotask(() => {
      this.destroyed = true;
      this.destroying = false;
      this.isConnected = false;
      this._channel?.close();
      this._pc.close();
      if (error) this.emit('error', error);
      this.emit('close');
    });
  }
}

/** A simple-peer constructor for the SDK and the list of every peer it made, oldest first. */
export interface FakeSimplePeers {
  SimplePeer: SimplePeerConstructor;
  readonly all: FakeSimplePeer[];
  /** The newest peer; throws when there is none. */
  last(): FakeSimplePeer;
}

export function fakeSimplePeers(): FakeSimplePeers {
  const all: FakeSimplePeer[] = [];
  class Recorded extends FakeSimplePeer {
    constructor(options: SimplePeerOptions) {
      super(options);
      all.push(this);
    }
  }
  return {
    SimplePeer: Recorded as unknown as new (options: SimplePeerOptions) => SimplePeerInstance,
    all,
    last() {
      const peer = all.at(-1);
      if (!peer) throw new Error('no simple-peer was created');
      return peer;
    },
  };
}
