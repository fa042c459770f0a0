/**
 * A joined room: the signaling connection, one {@link PeerLink} per remote peer, and the room's
 * ICE configuration kept fresh.
 */
import type {
  ConnectionReport,
  IceConfig,
  JoinAnswer,
  JoinRequest,
  PeerInfo,
  SignalMessage,
} from '@icelane/protocol';
import type { ResolvedJoinOptions } from './defaults.js';
import { createEmitter, type Listener, type Unsubscribe } from './emitter.js';
import { IcelaneError } from './errors.js';
import type { PeerSnapshot, RoomEvents } from './events.js';
import { createIceRefresher, type IceRefresher } from './ice-refresher.js';
import { PeerLink } from './peer-link.js';
import { keepReconnecting, type ReconnectWatch } from './reconnect.js';
import { ServerAnswerError, request, type SignalingSocket } from './signaling.js';
import type { SimplePeerConstructor } from './simple-peer-loader.js';

/** What `send` accepts: text, or binary data. */
export type SendData = string | ArrayBufferView | ArrayBuffer | Blob;

export class Room {
  /** This peer's id, assigned by the server; it changes when the room is rejoined after a drop. */
  peerId: string;
  /** The room's name. */
  readonly room: string;
  private readonly emitter = createEmitter<RoomEvents>();
  private readonly links = new Map<string, PeerLink>();
  private readonly refresher: IceRefresher;
  private left = false;
  private reconnect: ReconnectWatch | undefined;

  /** @internal Use `joinRoom`. */
  constructor(
    private readonly socket: SignalingSocket,
    answer: JoinAnswer,
    private readonly request: JoinRequest,
    private readonly options: ResolvedJoinOptions,
    private readonly SimplePeer: SimplePeerConstructor,
  ) {
    this.peerId = answer.peerId;
    this.room = answer.room;
    this.refresher = createIceRefresher(
      answer.ice,
      () => this.ask<IceConfig>('ice:refresh'),
      { leadMs: options.iceRefreshLeadMs, retryMs: 5_000 },
      (ice) => {
        for (const link of this.links.values()) link.applyIce(ice);
        this.emitter.emit('ice', ice);
      },
      (error) => this.emitter.emit('error', refreshError(error)),
    );
    this.listen();
    this.connectTo(answer.peers);
  }

  /** The latest ICE configuration from the server. */
  get ice(): IceConfig {
    return this.refresher.current();
  }

  /** Every remote peer and where its connection stands. */
  peers(): PeerSnapshot[] {
    return [...this.links.values()].map((link) => link.snapshot());
  }

  /**
   * Subscribes to an event; returns the function that unsubscribes.
   * @example
   * const off = room.on('report', ({ peerId, report }) => console.log(peerId, report.relayed));
   */
  on<K extends keyof RoomEvents>(event: K, listener: Listener<RoomEvents[K]>): Unsubscribe {
    return this.emitter.on(event, listener);
  }

  /**
   * Sends on the data channel to one peer, or to every connected peer when `peerId` is omitted.
   * Throws `not-joined` for an unknown peer and `send-failed` when that peer's channel is not open.
   */
  send(data: SendData, peerId?: string): void {
    this.assertJoined();
    if (peerId === undefined) {
      for (const link of this.links.values()) {
        if (link.snapshot().state === 'connected') link.send(data);
      }
      return;
    }
    const link = this.links.get(peerId);
    if (!link) {
      throw new IcelaneError('not-joined', `peer ${peerId} is not in room ${this.room}`, {
        peerId,
      });
    }
    link.send(data);
  }

  /**
   * Asks the server for fresh ICE servers now; live connections get them where the browser allows.
   * Rejects with `ice-refresh-failed` (also emitted as an `error` event).
   */
  async refreshIce(): Promise<IceConfig> {
    this.assertJoined();
    try {
      return await this.refresher.refresh();
    } catch (error) {
      throw refreshError(error);
    }
  }

  /** Leaves the room: closes every connection and the signaling connection. */
  async leave(): Promise<void> {
    if (this.left) return;
    this.left = true;
    this.refresher.stop();
    this.reconnect?.stop();
    for (const link of this.links.values()) link.close();
    this.links.clear();
    try {
      if (this.socket.connected) await this.ask('room:leave');
    } catch {
      // Disconnecting below removes this peer from the room all the same.
    }
    this.socket.disconnect();
    this.emitter.clear();
  }

  private listen(): void {
    const { socket, emitter } = this;
    socket.on('peer:joined', (peer) => {
      emitter.emit('peer:joined', peer);
      this.addLink(peer, false);
    });
    socket.on('peer:left', ({ peerId }) => this.removeLink(peerId));
    socket.on('signal', (message: SignalMessage) => {
      // A signal can overtake its sender's `peer:joined` on a busy server: answer it all the same.
      const link = this.links.get(message.from) ?? this.addLink({ peerId: message.from }, false);
      link.receive(message.attempt, message.data);
    });
    this.reconnect = keepReconnecting(socket, {
      state: (state) => emitter.emit('signaling', { state }),
      reconnected: () => void this.rejoin(),
    });
  }

  /**
   * After a signaling drop the server has removed this peer (and told the others it left, so they
   * close their side). Connections kept carrying media and data during the drop; now the room is
   * joined again under a new peer id and every connection is made anew.
   */
  private async rejoin(): Promise<void> {
    if (this.left) return;
    for (const peerId of [...this.links.keys()]) this.removeLink(peerId);
    try {
      const answer = await this.ask<JoinAnswer>('room:join', this.request);
      if (this.left) return;
      this.peerId = answer.peerId;
      this.refresher.replace(answer.ice);
      this.emitter.emit('signaling', { state: 'connected' });
      this.connectTo(answer.peers);
    } catch (error) {
      this.emitter.emit('error', joinError(error));
    }
  }

  /**
   * The newcomer offers to everyone already in the room; they wait for its offers. Deferred by a
   * task so the app, which gets the room when `joinRoom` resolves, hears every event about them.
   */
  private connectTo(peers: PeerInfo[]): void {
    setTimeout(() => {
      if (this.left) return;
      for (const peer of peers) {
        if (this.links.has(peer.peerId)) continue;
        this.emitter.emit('peer:joined', peer);
        this.addLink(peer, true);
      }
    }, 0);
  }

  private addLink(peer: PeerInfo, initiator: boolean): PeerLink {
    this.links.get(peer.peerId)?.close();
    const link = new PeerLink({
      remote: peer,
      initiator,
      options: this.options,
      SimplePeer: this.SimplePeer,
      ice: () => this.refresher.current(),
      freshIce: (since) => this.refresher.freshSince(since),
      sendSignal: (attempt, data) => {
        if (this.socket.connected) this.socket.emit('signal', { to: peer.peerId, attempt, data });
      },
      emit: (event, payload) => this.emitter.emit(event, payload),
      onReport: (report) => this.sendReport(report),
    });
    this.links.set(peer.peerId, link);
    return link;
  }

  private removeLink(peerId: string): void {
    const link = this.links.get(peerId);
    if (!link) return;
    this.links.delete(peerId);
    link.close();
    this.emitter.emit('peer:left', { peerId });
  }

  private sendReport(report: ConnectionReport): void {
    if (this.options.reportToServer && this.socket.connected) {
      this.socket.emit('connection:report', report);
    }
  }

  private ask<T>(
    event: 'room:join' | 'ice:refresh' | 'room:leave',
    ...args: unknown[]
  ): Promise<T> {
    return request<T>(this.socket, event, this.options.signalingTimeoutMs, ...args);
  }

  private assertJoined(): void {
    if (this.left) throw new IcelaneError('not-joined', `room ${this.room} was left`);
  }
}

/** The `join-failed` error for a refused join answer, `signaling-failed` for no answer. */
export function joinError(error: unknown): IcelaneError {
  if (error instanceof ServerAnswerError) {
    return new IcelaneError('join-failed', `the server refused the join: ${error.message}`, {
      cause: error,
      details: { code: error.error.code },
    });
  }
  return new IcelaneError('signaling-failed', 'the server did not answer the join in time', {
    cause: error,
  });
}

function refreshError(error: unknown): IcelaneError {
  const why = error instanceof ServerAnswerError ? error.message : 'no answer in time';
  return new IcelaneError('ice-refresh-failed', `could not refresh the ICE servers: ${why}`, {
    cause: error,
    ...(error instanceof ServerAnswerError ? { details: { code: error.error.code } } : {}),
  });
}
