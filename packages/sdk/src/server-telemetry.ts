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
 * drop: a call then told under its new id first ends its rating under the old one, or the server
 * would count both. And the server ends every rating of a connection that dropped: once this side
 * has rejoined, `retell` gives the new connection each call's current rating.
 */
export class QualityBook {
  private readonly latest = new Map<string, CallQuality>();
  /** The id each call's rating was last told under, by the app's peer id. */
  private readonly toldAs = new Map<string, string>();

  constructor(
    private readonly tell: (report: QualityReport) => void,
    private readonly serverId: (peerId: string) => string,
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

  /** This side rejoined on a new signaling connection: every call's rating, told again. */
  retell(): void {
    this.toldAs.clear();
    for (const [peerId, quality] of this.latest) this.say(peerId, quality);
  }

  /** The call with `peerId` ended: its last rating ends now. */
  end(peerId: string): void {
    const quality = this.latest.get(peerId);
    if (!quality) return;
    this.latest.delete(peerId);
    this.tell(qualityReport(this.toldAs.get(peerId) ?? this.serverId(peerId), quality, true));
    this.toldAs.delete(peerId);
  }

  private say(peerId: string, quality: CallQuality, previous = quality): void {
    const id = this.serverId(peerId);
    const before = this.toldAs.get(peerId);
    if (before !== undefined && before !== id) this.tell(qualityReport(before, previous, true));
    this.toldAs.set(peerId, id);
    this.tell(qualityReport(id, quality, false));
  }
}
