/**
 * What the SDK tells the server about its calls besides the connection report: each healing of a
 * live call (`connection:recovery`) and each change of a call's quality rating
 * (`connection:quality`). Fire-and-forget: older servers ignore the events.
 */
import { PROTOCOL_LIMITS, type QualityReport, type RecoveryReport } from '@icelane/protocol';
import type { CallQuality } from './call-quality.js';
import type { RoomEvents } from './events.js';

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
 */
export class QualityBook {
  private readonly latest = new Map<string, CallQuality>();

  constructor(private readonly tell: (report: QualityReport) => void) {}

  get(peerId: string): CallQuality | undefined {
    return this.latest.get(peerId);
  }

  set(peerId: string, quality: CallQuality): void {
    this.latest.set(peerId, quality);
    this.tell(qualityReport(peerId, quality, false));
  }

  /** The call with `peerId` ended: its last rating ends now. */
  end(peerId: string): void {
    const quality = this.latest.get(peerId);
    if (!quality) return;
    this.latest.delete(peerId);
    this.tell(qualityReport(peerId, quality, true));
  }
}
