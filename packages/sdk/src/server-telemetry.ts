/**
 * What the SDK tells the server about its calls besides the connection report: each healing of a
 * live call (`connection:recovery`) and each change of a call's quality rating
 * (`connection:quality`). Fire-and-forget: older servers ignore the events.
 */
import { PROTOCOL_LIMITS, type QualityReport, type RecoveryReport } from '@icelane/protocol';
import type { CallQuality } from './call-quality.js';
import type { PeerSnapshot, RoomEvents } from './events.js';

/** The `recovery` event as the server takes it: the path report stays with the app. */
export function recoveryReport(event: RoomEvents['recovery']): RecoveryReport {
  const { peerId, cause, step, outcome } = event;
  const gapMs = Math.min(PROTOCOL_LIMITS.recoveryGapMaxMs, Math.max(0, Math.round(event.gapMs)));
  return { peerId, cause, step, outcome, gapMs };
}

/** A verdict as the server takes it: each direction's rating and causes, none of the figures. */
export function qualityReport(peerId: string, quality: CallQuality, final: boolean): QualityReport {
  const { receiving: r, sending: s } = quality;
  return {
    peerId,
    receiving: { rating: r.rating, causes: r.causes },
    sending: { rating: s.rating, causes: s.causes },
    final,
  };
}

/**
 * Each peer's latest call quality (for `peers()`), told to the server as it changes (the quality
 * monitor says a verdict only when a rating or a cause changed, at most once per
 * `statsIntervalMs`) and once more, `final`, when the call ends: the server counts the time
 * between two reports at the first one's rating.
 *
 * The server knows the far side by its signaling id, which changes when that side rejoins after a
 * drop: a call's rating told under one id is ended under it before the call is told under another
 * (or the server would count both), and a call whose far side has no id the server knows now is
 * told again once it has one (`retell`). The server also ends every rating of a connection that
 * dropped: once this side has rejoined, `retell` gives the new connection every call's rating.
 */
export class QualityBook {
  private readonly latest = new Map<string, CallQuality>();
  /** The id each call's rating was last told under, by the app's peer id. */
  private readonly toldAs = new Map<string, string>();

  /**
   * `tell` sends a report if the server can take it now and says whether it did; `serverId` is
   * the far side's id the server knows now, if any.
   */
  constructor(
    private readonly tell: (report: QualityReport) => boolean,
    private readonly serverId: (peerId: string) => string | undefined,
  ) {}

  /** A peer's snapshot with its latest call quality, if it was rated. */
  snapshot(peer: PeerSnapshot): PeerSnapshot {
    const quality = this.latest.get(peer.peerId);
    return quality ? { ...peer, quality } : peer;
  }

  set(peerId: string, quality: CallQuality): void {
    const before = this.latest.get(peerId);
    this.latest.set(peerId, quality);
    this.say(peerId, quality, before);
  }

  /**
   * Tells the call with `peerId` again (its far side has a new id the server knows), or, without
   * `peerId`, every call (this side rejoined on a new signaling connection).
   */
  retell(peerId?: string): void {
    if (peerId !== undefined) {
      const quality = this.latest.get(peerId);
      if (quality) this.say(peerId, quality);
      return;
    }
    this.toldAs.clear();
    for (const [id, quality] of this.latest) this.say(id, quality);
  }

  /** The call with `peerId` ended: its last rating, if the server holds one, ends now. */
  end(peerId: string): void {
    const quality = this.latest.get(peerId);
    const told = this.toldAs.get(peerId);
    this.latest.delete(peerId);
    this.toldAs.delete(peerId);
    if (quality && told !== undefined) this.tell(qualityReport(told, quality, true));
  }

  private say(peerId: string, quality: CallQuality, previous = quality): void {
    const id = this.serverId(peerId);
    const before = this.toldAs.get(peerId);
    // Told under this id already, and nothing new to tell.
    if (before === id && quality === previous) return;
    if (before !== undefined && before !== id) {
      this.tell(qualityReport(before, previous, true));
      this.toldAs.delete(peerId);
    }
    if (id !== undefined) this.told(peerId, id, quality);
  }

  private told(peerId: string, id: string, quality: CallQuality): void {
    if (this.tell(qualityReport(id, quality, false))) this.toldAs.set(peerId, id);
  }
}
