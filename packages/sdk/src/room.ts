/**
 * A joined room: the signaling connection, one {@link PeerLink} per remote peer, and the room's
 * ICE configuration kept fresh.
 */
import type {
  IceConfig,
  JoinAnswer,
  JoinRequest,
  PeerInfo,
  PeerJoined,
  PeerLeft,
  SignalMessage,
} from '@icelane/protocol';
import type { ResolvedJoinOptions } from './defaults.js';
import { createEmitter, type Listener, type Unsubscribe } from './emitter.js';
import { IcelaneError } from './errors.js';
import type { PeerSnapshot, RoomEvents } from './events.js';
import { createIceRefresher, type IceRefresher } from './ice-refresher.js';
import type { MappingBehaviour } from './network-check/classify.js';
import { networkAtJoin } from './network-check/at-join.js';
import { onPageHide } from './page-hide.js';
import { rememberedPaths, type NetworkPaths } from './path-memory/network-paths.js';
import { PeerLink } from './peer-link.js';
import { RoomPeers } from './room-peers.js';
import { keepReconnecting, type ReconnectWatch } from './reconnect.js';
import { QualityBook, recoveryReport } from './server-telemetry.js';
import { joinError, refreshError } from './room-errors.js';
import { joinAnswer, request, writableAgain, type SignalingSocket } from './signaling.js';
import { signalingProbe, type SignalingProbe } from './signaling-probe.js';
import { linkPath, roundTripEstimate } from './path-timing.js';
import type { SimplePeerConstructor } from './simple-peer-loader.js';

/** What `send` accepts: text, or binary data. */
export type SendData = string | ArrayBufferView | ArrayBuffer | Blob;

/** How long `leave()` waits for the server to confirm before it closes the connections anyway. */
const LEAVE_ANSWER_MS = 1_000;

/** Round trips measured at join: three narrow the first figure's variation (half of it) to 28 %. */
const JOIN_SAMPLES = 3;

export class Room extends RoomPeers {
  /**
   * This peer's id, assigned by the server; it changes when the room is rejoined after a drop.
   * Remote peers keep the id this side first knew them by (see `PeerLink.peerId`).
   */
  peerId: string;
  /** The room's name. */
  readonly room: string;
  private readonly emitter = createEmitter<RoomEvents>();
  private readonly refresher: IceRefresher;
  /** Finds a dead signaling connection when a call loses its path (see signaling-probe.ts). */
  private readonly probe: SignalingProbe;
  /** This side's round trip to the server, which the links' deadlines follow (path-timing.ts). */
  private readonly roundTrips = roundTripEstimate();
  /** Each peer's latest call quality (the `quality` event), for `peers()` and the server. */
  private readonly quality = new QualityBook(
    (report) => this.reporting() && !!this.socket.emit('connection:quality', report),
    (peerId) => this.routedId(peerId),
  );
  private reconnect: ReconnectWatch | undefined;
  /**
   * This network's mapping behaviour for TURN on demand, checked at join and again at each rejoin
   * (a handover drops signaling, and the new network may map differently); else `null`.
   */
  private ownMapping: Promise<MappingBehaviour> | null = null;
  /** The paths remembered for this network (`rememberPaths`), from the same check; else `null`. */
  private paths: NetworkPaths | null = null;
  /**
   * `leave()` began (the room counts as left once it has read the connections' stats, or at once
   * if the page goes away meanwhile).
   */
  private leaving = false;
  /** Stops leaving when the page goes away (see `leaveNow`). */
  private readonly unwatchPage: () => void;

  /** @internal Use `joinRoom`. */
  constructor(
    private readonly socket: SignalingSocket,
    answer: JoinAnswer,
    private readonly joinRequest: JoinRequest,
    private readonly options: ResolvedJoinOptions,
    private readonly SimplePeer: SimplePeerConstructor,
  ) {
    super();
    this.peerId = answer.peerId;
    this.room = answer.room;
    this.resumeWith(answer.resumeToken);
    this.probe = signalingProbe(socket, undefined, this.roundTrips);
    // The connection's round trip, for how long a probe in trouble may wait (signaling-probe.ts)
    // and what the links' deadlines follow. Not the join's own: the server's work (a credential
    // minted) is in it. The links read it when their deadlines come, so it is in time.
    this.probe.measure(this.peerId, JOIN_SAMPLES);
    this.checkNetwork(answer.ice);
    this.refresher = createIceRefresher(
      answer.ice,
      () => request(socket, 'ice:refresh', options.signalingTimeoutMs),
      { leadMs: options.iceRefreshLeadMs, retryMs: 5_000 },
      (ice) => {
        for (const link of this.links.values()) link.applyIce(ice);
        this.emitter.emit('ice', ice);
      },
      (error) => this.emitter.emit('error', refreshError(error)),
    );
    this.listen();
    this.connectTo(answer.peers);
    this.unwatchPage = onPageHide(() => this.leaveNow());
  }

  /** The latest ICE configuration from the server. */
  get ice(): IceConfig {
    return this.refresher.current();
  }

  /** Every remote peer and where its connection stands. */
  peers(): PeerSnapshot[] {
    return [...this.links.values()].map((link) => this.quality.snapshot(link.snapshot()));
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
      // A call healed in place keeps its channel: what is sent now goes out when its path is back.
      // One whose channel closed (Firefox, its interface gone) is skipped: the others still get it.
      for (const link of this.links.values()) if (link.channelOpen) link.send(data);
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

  /**
   * Leaves the room: closes every connection and the signaling connection. The room also leaves
   * by itself, at once, when the page goes away (`pagehide`).
   */
  async leave(): Promise<void> {
    if (this.leaving) return;
    this.leaving = true;
    // The server logs each connection's usage when this peer leaves: give it the totals to now.
    await Promise.all([...this.links.values()].map((link) => link.usage?.flush()));
    // Left meanwhile: the page went away (an app's own `pagehide` handler may call this).
    if (this.left) return;
    this.stopTalking();
    // The server first, so the others hear this peer left before its connections close, and do
    // not take the close for a failure to retry. Not for long: leaving must not hang.
    try {
      if (this.socket.connected) {
        await request(
          this.socket,
          'room:leave',
          Math.min(LEAVE_ANSWER_MS, this.options.signalingTimeoutMs),
        );
      }
    } catch {
      // Disconnecting below removes this peer from the room all the same.
    }
    this.closeCalls();
    this.socket.disconnect();
  }

  /**
   * `leave()` without waiting, for a closing page: it runs no timer or stats reading reliably.
   * engine.io-client writes the first packet to the WebSocket at once and the rest on a microtask
   * queued before simple-peer's that closes the connections (6.6; page-close.spec.ts guards it).
   * Cut short anywhere, it runs again (`onPageHide`): the room counts as left once the leave went.
   */
  private leaveNow(): void {
    if (this.left) return;
    this.leaving = true;
    // A script cut short inside a write (an earlier run of this one, or another script) may have
    // left the signaling transport unwritable for good: what follows would wait behind it.
    writableAgain(this.socket);
    // The last reading's totals, as final: none will follow (a reading is at most 1 s old).
    for (const link of this.links.values()) link.usage?.finishNow();
    // Disconnecting waits for the server's answer: socket.io handles an event a tick after reading
    // it, and drops it if the socket disconnected meanwhile (a page that closes disconnects later).
    const disconnect = () => {
      clearTimeout(unanswered);
      if (this.socket.active) this.socket.disconnect();
    };
    const unanswered = setTimeout(disconnect, LEAVE_ANSWER_MS);
    if (this.socket.connected) this.socket.emit('room:leave', disconnect);
    else disconnect();
    this.stopTalking();
    this.closeCalls();
  }

  /** The room counts as left: nothing more goes to the server but the leave itself. */
  private stopTalking(): void {
    this.left = true;
    this.unwatchPage();
    this.refresher.stop();
    this.reconnect?.stop();
  }

  private closeCalls(): void {
    this.closeLinks();
    this.emitter.clear();
  }

  private listen(): void {
    const { socket, emitter } = this;
    emitter.on('quality', ({ peerId, quality }) => this.quality.set(peerId, quality));
    emitter.on('recovery', (recovery) => {
      if (this.reporting()) socket.emit('connection:recovery', recoveryReport(recovery));
    });
    socket.on('peer:joined', ({ rejoinOf, earlier, ...peer }: PeerJoined) => {
      const { peerId } = peer;
      if (this.routes.has(peerId) || this.offersDue.has(peerId)) return;
      // A peer back under a new id whose old id went without saying so: keep its live link.
      const previous = rejoinOf === undefined ? undefined : this.unroutedLink(rejoinOf);
      if (previous) return this.reroute(previous, peerId);
      // In the room before this side, though its join answer missed it: this side offers.
      this.whenNotRenamed(peer, () => this.meet(peer, !!earlier));
    });
    socket.on('peer:left', ({ peerId, rejoinedAs }: PeerLeft) => {
      this.forget(peerId);
      const link = this.linkAt(peerId);
      if (!link) return;
      if (!link.live) return this.removeLink(link.peerId);
      this.routes.delete(peerId);
      // It rejoined (the server says so when the peer sent its resume token): same call, new id.
      if (rejoinedAs !== undefined) return this.reroute(link, rejoinedAs);
      // Only its signaling went: the call itself goes on until the connection ends, and the peer
      // says over it under which id it rejoined.
      link.detach();
    });
    socket.on('signal', (message: SignalMessage) => this.onSignal(message));
    this.reconnect = keepReconnecting(socket, {
      state: (state) => {
        // No retry can be signaled now: a live connection carries on until it ends.
        for (const link of this.links.values()) if (link.live) link.detach();
        emitter.emit('signaling', { state });
      },
      reconnected: () => void this.rejoin(),
    });
  }

  /**
   * After a signaling drop the server has removed this peer (and told the others it left). Live
   * connections kept carrying media and data; they stay, and once the room is joined again under
   * a new peer id, each is told that id over the connection itself, so the peer on the other end
   * keeps the same link. Connections that were not up yet are made anew.
   */
  private async rejoin(): Promise<void> {
    // A rejoin under way takes the answer of the connection after another drop (joinAnswer).
    if (this.left || this.rejoinSignals) return;
    // Set first: nothing is reported to the server until the rejoin is answered.
    this.rejoinSignals = [];
    for (const link of [...this.links.values()]) if (!link.live) this.removeLink(link.peerId);
    let joined = false;
    try {
      const previousId = this.peerId;
      // The reconnection carried the join, with the last resume token (`resumeWith`).
      const answer = await joinAnswer(this.socket, this.options.signalingTimeoutMs);
      if (this.left) return;
      this.peerId = answer.peerId;
      // The path may have changed with the drop (a handover).
      this.probe.measure(this.peerId, JOIN_SAMPLES);
      this.resumeWith(answer.resumeToken);
      // A new session on the server: what the old one counted is not counted again.
      for (const link of this.links.values()) link.usage?.rebase();
      this.refresher.replace(answer.ice);
      // Links made from now on are planned for the network this side is on now.
      this.checkNetwork(answer.ice);
      // A server without resume tokens may still list this peer's previous id: never itself.
      const peers = answer.peers.filter((peer) => peer.peerId !== previousId);
      // A peer the server still lists under the same id kept its signaling; one listed as the
      // rejoin of a linked id dropped too and is back under a new one; any other is either gone
      // or back under a new id, which it will say over the connection.
      const listed = new Set(peers.map((peer) => peer.peerId));
      const rejoined = new Map(peers.map((peer) => [peer.rejoinOf, peer.peerId]));
      for (const link of this.links.values()) {
        const back = rejoined.get(link.signalingId);
        if (listed.has(link.signalingId)) link.attach(link.signalingId);
        else this.routes.delete(link.signalingId);
        if (back !== undefined) this.reroute(link, back);
        link.announce(answer.peerId);
      }
      this.emitter.emit('signaling', { state: 'connected' });
      this.connectTo(peers);
      joined = true;
    } catch (error) {
      this.emitter.emit('error', joinError(error));
    } finally {
      const held = this.rejoinSignals ?? [];
      this.rejoinSignals = undefined;
      if (!this.left) for (const message of held) this.onSignal(message);
      // The server ended every rating with the connection that dropped.
      if (joined) this.quality.retell();
    }
  }

  /**
   * What the next reconnection's handshake carries: the join, with the token that lets the server
   * drop this peer's previous id at once.
   */
  private resumeWith(resume: string | undefined): void {
    this.socket.auth = { join: { ...this.joinRequest, resume }, token: this.options.token };
  }

  /** Runs the room's network check (see network-check/at-join.ts) for the links made next. */
  private checkNetwork(ice: IceConfig): void {
    const network = networkAtJoin(ice, this.options);
    this.ownMapping = network.mapping;
    this.paths = rememberedPaths(network.publicAddress, this.options.rememberPathsForMs);
  }

  protected override meet(peer: PeerInfo, initiator: boolean): PeerLink {
    this.emitter.emit('peer:joined', peer);
    return this.addLink(peer, initiator);
  }

  private addLink(peer: PeerInfo, initiator: boolean): PeerLink {
    this.links.get(peer.peerId)?.close();
    this.routes.set(peer.peerId, peer.peerId);
    const link: PeerLink = new PeerLink({
      remote: peer,
      initiator,
      options: this.options,
      SimplePeer: this.SimplePeer,
      ice: () => this.refresher.current(),
      path: linkPath(this.options, () => this.roundTrips.current()),
      ownMapping: this.ownMapping,
      paths: this.paths,
      freshIce: (since) => this.refresher.freshSince(since),
      sendSignal: (to, attempt, data) => {
        if (this.socket.connected) this.socket.emit('signal', { to, attempt, data });
      },
      emit: (event, payload) => this.emitter.emit(event, payload),
      onReport: (report) => this.reporting() && this.socket.emit('connection:report', report),
      onUsage: (report) => {
        if (!this.left && this.reporting()) this.socket.emit('connection:usage', report);
      },
      onControl: (message) => this.onControl(link, message),
      onLost: () => this.removeLink(link.peerId),
      onTrouble: (stillInDoubt) => this.probe.check(this.peerId, stillInDoubt),
    });
    this.links.set(peer.peerId, link);
    return link;
  }

  protected override routed(link: PeerLink): void {
    this.quality.retell(link.peerId);
  }

  protected override removeLink(peerId: string): void {
    const link = this.links.get(peerId);
    if (!link) return;
    this.links.delete(peerId);
    this.quality.end(peerId);
    for (const [signalingId, target] of this.routes) {
      if (target === peerId) this.routes.delete(signalingId);
    }
    link.close();
    this.emitter.emit('peer:left', { peerId });
  }

  /** Whether telemetry goes to the server now (`reportToServer`, and the room joined on it). */
  private reporting(): boolean {
    return this.options.reportToServer && this.socket.connected && !this.rejoinSignals;
  }

  private assertJoined(): void {
    if (this.left) throw new IcelaneError('not-joined', `room ${this.room} was left`);
  }
}
