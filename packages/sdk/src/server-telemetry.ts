/**
 * What the SDK tells the server about its calls besides the connection report: each healing of a
 * live call (`connection:recovery`). Fire-and-forget: older servers ignore the event.
 */
import { PROTOCOL_LIMITS, type RecoveryReport } from '@icelane/protocol';
import type { RoomEvents } from './events.js';

/** The `recovery` event as the server takes it: the path report stays with the app. */
export function recoveryReport(event: RoomEvents['recovery']): RecoveryReport {
  const { peerId, cause, step, outcome } = event;
  const gapMs = Math.min(PROTOCOL_LIMITS.recoveryGapMaxMs, Math.max(0, Math.round(event.gapMs)));
  return { peerId, cause, step, outcome, gapMs };
}
