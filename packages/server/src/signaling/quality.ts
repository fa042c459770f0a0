/**
 * `connection:quality`: how each side rates its calls (the SDK's `quality` event), reported when
 * a rating or a cause changes and once when a call ends. The server keeps each side's current
 * rating per call and counts the time it held, by its own clock, into call time by rating and
 * cause, so a client claims no durations. Nothing of it is relayed or stored per peer.
 *
 * Bounded: a side reports only on calls with peers of its room (checked when a call's first
 * report comes), and holds at most as many ratings as a room has other peers: a call never told
 * `final` (or a far side that came back under a new id) would otherwise count on, so the rating
 * reported least recently ends when a new call needs the room. Reports share the rate limit of
 * `connection:report`; the ratings end when the side leaves or disconnects.
 */
import {
  errorAnswer,
  qualityReportSchema,
  type DirectionRating,
  type QualityReport,
  type RatedDirection,
} from '@icelane/protocol';
import type { Metrics } from '../observability/metrics.js';
import type { InboundCall } from './ack.js';
import { admitInRoom } from './admission.js';
import type { IcelaneSocket, SignalingContext } from './context.js';

const EVENT = 'connection:quality';

/** A side's current rating of one call, since `since` (ms, the server's clock). */
export interface HeldQuality {
  receiving: RatedDirection;
  sending: RatedDirection;
  since: number;
}

/** A socket's current ratings, by remote peer id, least recently reported first. */
export type QualityLedger = Map<string, HeldQuality>;

export async function handleQuality(
  ctx: SignalingContext,
  socket: IcelaneSocket,
  call: InboundCall,
): Promise<void> {
  const admitted = admitInRoom(ctx, socket, call, EVENT, 'report', qualityReportSchema);
  if (!admitted) return;
  const { peer, payload } = admitted;
  const ledger = socket.data.quality;
  if (!ledger.has(payload.peerId) && !payload.final) {
    const other = await ctx.roster.locate(peer.room, payload.peerId);
    if (other === 'unreachable') {
      return call.reply(errorAnswer('unavailable', "the peer's room cannot be looked up just now"));
    }
    if (!other || payload.peerId === peer.peerId || socket.data.peer !== peer) {
      ctx.metrics.invalidPayloads.inc({ event: EVENT });
      return call.reply(errorAnswer('unknown-peer', 'no such peer in this room'));
    }
  }
  recordQuality(ctx.metrics, ledger, payload, ctx.clock.now(), ctx.roomPeerCap - 1);
  call.reply({ data: { recorded: true } });
}

/**
 * Ends the call's current rating (counting its time) and holds the new one, unless `final`. A
 * new call when `maxHeld` are held first ends the rating reported least recently.
 */
export function recordQuality(
  metrics: Metrics,
  ledger: QualityLedger,
  report: QualityReport,
  now: number,
  maxHeld: number,
): void {
  const held = ledger.get(report.peerId);
  if (held) {
    endHeld(metrics, held, now);
    // Set again below, last: the map keeps the order of the latest reports.
    ledger.delete(report.peerId);
  }
  if (report.final) return;
  if (!held) endLeastRecent(metrics, ledger, now, maxHeld);
  const next: HeldQuality = {
    receiving: rated(report.receiving),
    sending: rated(report.sending),
    since: now,
  };
  ledger.set(report.peerId, next);
  for (const direction of DIRECTIONS) {
    metrics.callQualitySides.inc({ direction, rating: next[direction].rating });
  }
}

/** Ends every rating the socket holds: it left its room or disconnected. */
export function endQuality(metrics: Metrics, ledger: QualityLedger, now: number): void {
  if (ledger.size === 0) return;
  for (const held of ledger.values()) endHeld(metrics, held, now);
  ledger.clear();
}

const DIRECTIONS = ['receiving', 'sending'] as const;

/** Ends the ratings reported least recently until fewer than `maxHeld` are held. */
function endLeastRecent(metrics: Metrics, ledger: QualityLedger, now: number, maxHeld: number) {
  for (const [peerId, held] of ledger) {
    if (ledger.size < maxHeld) return;
    endHeld(metrics, held, now);
    ledger.delete(peerId);
  }
}

/** A direction as the metrics label it: its first cause, `none` when excellent or named none. */
function rated({ rating, causes }: DirectionRating): RatedDirection {
  return { rating, cause: rating === 'excellent' ? 'none' : (causes[0] ?? 'none') };
}

function endHeld(metrics: Metrics, held: HeldQuality, now: number): void {
  const durationMs = Math.max(0, now - held.since);
  for (const direction of DIRECTIONS) {
    const { rating, cause } = held[direction];
    metrics.callQualitySides.dec({ direction, rating });
    if (durationMs > 0) {
      metrics.callQualitySeconds.inc({ direction, rating, cause }, durationMs / 1000);
    }
  }
  if (durationMs > 0) {
    metrics.history.quality({ durationMs, receiving: held.receiving, sending: held.sending });
  }
}
