/**
 * A room's remote peers, and which link a signal is for. The app knows each remote peer by the
 * id it had when first seen (`PeerLink.peerId`); the server knows it by its id now
 * (`PeerLink.signalingId`), which changes each time the peer rejoins after a drop. The routes
 * lead from the one to the other; a peer announced under an unknown id is held back while live
 * links wait to hear their peers' new ids; ids that left are remembered. Which side offers: the
 * one whose join answer listed the other.
 *
 * The base of `Room`, not a part it holds: these are the room's own steps, called from its
 * signaling events, and as a base they add no layer of calls to the SDK's size budget.
 */
import type { PeerInfo, SignalMessage } from '@icelane/protocol';
import type { ControlMessage } from './control-channel.js';
import type { PeerLink } from './peer-link.js';

/**
 * After a rejoin, how long a peer the server lists under an unknown id may take to say over a
 * live connection that it is a peer already connected, before it is taken for a newcomer.
 */
const RENAME_GRACE_MS = 2_000;

/** How many ids of peers that left a room remembers (see `RoomPeers.gone`). */
const GONE_IDS_KEPT = 1_000;

/** Signals held while a rejoin is answered: a peer's offer and candidates, many times over. */
const HELD_SIGNALS = 256;

export abstract class RoomPeers {
  /** Links by the id the app knows each peer by (see `PeerLink.peerId`). */
  protected readonly links = new Map<string, PeerLink>();
  /** Signaling id → the app's id for that peer; the two differ once a peer has rejoined. */
  protected readonly routes = new Map<string, string>();
  /** Peers announced under an unknown id while live links wait for their peers' new ids. */
  protected readonly deferred = new Map<string, PeerInfo>();
  /**
   * Signaling ids the server said left. Ids are never reused, so a signal from one (a dead
   * connection's last words, relayed late by an older server) is not a newcomer's offer.
   */
  protected readonly gone = new Set<string>();
  /** Set when the room is left: nothing is connected any more. */
  protected left = false;
  /** Signals from ids not known yet, while a rejoin waits for its answer (see `onSignal`). */
  protected rejoinSignals: SignalMessage[] | undefined;
  /** The peers a join answer listed, until `connectTo` has made their links (see there). */
  protected offersDue = new Set<string>();

  /** Ends the link of `peerId`: closes it and tells the app the peer left. */
  protected abstract removeLink(peerId: string): void;

  /** The far side of `link` is known to the server under a new id (`link.signalingId`). */
  protected abstract routed(link: PeerLink): void;

  /** Tells the app `peer` joined and makes its link, which makes the offers if `initiator`. */
  protected abstract meet(peer: PeerInfo, initiator: boolean): PeerLink;

  /**
   * The newcomer offers to everyone already in the room; they wait for its offers. Deferred by a
   * task so the app, which gets the room when `joinRoom` resolves, hears every event about them.
   * A `peer:joined` for a listed peer may come first: a peer that joined through another node at
   * the same moment is announced to this side too, and waits for this side's offer (its own
   * answer did not list this side). It is ignored (`offersDue`), or neither side would offer. A
   * listed peer the server said left by then is not offered to: it is gone, or back under a new id.
   */
  protected connectTo(peers: PeerInfo[]): void {
    this.offersDue = new Set(peers.map((peer) => peer.peerId));
    setTimeout(() => {
      this.offersDue.clear();
      if (this.left) return;
      for (const { rejoinOf: _, ...peer } of peers) {
        if (this.routes.has(peer.peerId) || this.gone.has(peer.peerId)) continue;
        this.whenNotRenamed(peer, () => this.meet(peer, true));
      }
    }, 0);
  }

  /** The far side of `link` rejoined the room: its signals now come from, and go to, `peerId`. */
  protected onControl(link: PeerLink, message: ControlMessage): void {
    if (message.type !== 'signaling-id' || this.links.get(link.peerId) !== link) return;
    const newId = message.peerId;
    this.deferred.delete(newId);
    // A link made for that id before this message came (the peer taken for a newcomer) goes.
    const other = this.linkAt(newId);
    if (other && other !== link) this.removeLink(other.peerId);
    if (this.routes.get(link.signalingId) === link.peerId) this.routes.delete(link.signalingId);
    this.routes.set(newId, link.peerId);
    link.attach(newId);
    this.routed(link);
  }

  /**
   * Runs `connect` for a peer under an id this side does not know, at once; or, while live links
   * wait for their peers' new ids, once `RENAME_GRACE_MS` has passed without `peer` turning out to
   * be one of them.
   */
  protected whenNotRenamed(peer: PeerInfo, connect: () => void): void {
    const waiting = [...this.links.values()].some((link) => !this.routes.has(link.signalingId));
    if (!waiting) return connect();
    this.deferred.set(peer.peerId, peer);
    setTimeout(() => {
      if (!this.deferred.delete(peer.peerId)) return;
      if (!this.left && !this.routes.has(peer.peerId)) connect();
    }, RENAME_GRACE_MS);
  }

  /** Signals for the peer of `link` now come from, and go to, `signalingId`. */
  protected reroute(link: PeerLink, signalingId: string): void {
    this.deferred.delete(signalingId);
    this.routes.set(signalingId, link.peerId);
    link.attach(signalingId);
    this.routed(link);
  }

  /** The live link last known under `signalingId` that no route leads to any more. */
  protected unroutedLink(signalingId: string): PeerLink | undefined {
    for (const link of this.links.values()) {
      if (link.live && link.signalingId === signalingId && !this.routes.has(signalingId)) {
        return link;
      }
    }
    return undefined;
  }

  /** The id the server knows the peer of `peerId` by now, if it knows one. */
  protected routedId(peerId: string): string | undefined {
    const id = this.links.get(peerId)?.signalingId;
    return id !== undefined && this.routes.get(id) === peerId ? id : undefined;
  }

  protected linkAt(signalingId: string): PeerLink | undefined {
    const peerId = this.routes.get(signalingId);
    return peerId === undefined ? undefined : this.links.get(peerId);
  }

  /** Remembers that `peerId` left, within a bound: a room's ids come and go all day. */
  protected forget(peerId: string): void {
    this.gone.add(peerId);
    if (this.gone.size > GONE_IDS_KEPT) this.gone.delete(this.gone.values().next().value!);
  }

  /** Hands a signal to its link; a newcomer's offer makes one. */
  protected onSignal(message: SignalMessage): void {
    // A peer that learned this side's new id (its `peer:joined`) may signal before the rejoin's
    // answer says who is who: the same packet of a long-polling response can carry both.
    let link = this.linkAt(message.from);
    if (!link && this.rejoinSignals) {
      if (this.rejoinSignals.length < HELD_SIGNALS) this.rejoinSignals.push(message);
      return;
    }
    // A newcomer's offer can overtake its `peer:joined`, or come while that is deferred: answer
    // it all the same.
    if (!link && this.gone.has(message.from)) return;
    if (!link) {
      const peer = this.deferred.get(message.from) ?? { peerId: message.from };
      this.deferred.delete(message.from);
      link = this.meet(peer, false);
    }
    link.receive(message.attempt, message.data);
  }

  /** Closes every link and forgets every peer: the room is left. */
  protected closeLinks(): void {
    for (const link of this.links.values()) link.close();
    this.links.clear();
    this.routes.clear();
    this.deferred.clear();
    this.gone.clear();
  }
}
