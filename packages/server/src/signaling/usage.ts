/**
 * `connection:usage`: how many bytes a connection sent and received through the client's own
 * TURN allocation, and for how long. Relay bandwidth is billed, so the figures feed the relay
 * metrics and one usage log line per connection end, which a billing job can sum per user.
 *
 * A client's figures are claims. The server bounds them: totals may only grow (a smaller one
 * counts nothing); what a report adds may not exceed what the time since the previous one allows
 * (`USAGE_BOUNDS`; the excess is dropped for good and counted); a connection ends once, and later
 * reports of it count nothing; a socket keeps at most `MAX_OPEN` connections open; and reports
 * share the rate limit of `connection:report`.
 */
import { usageReportSchema, type ConnectionReport, type UsageReport } from '@icelane/protocol';
import type { InboundCall } from './ack.js';
import { admitInRoom } from './admission.js';
import type { IcelaneSocket, SignalingContext } from './context.js';
import type { Totals, UsageEntry } from './usage-ledger.js';

const EVENT = 'connection:usage';

/** What one report may add, per second since the previous report of its connection. */
export const USAGE_BOUNDS = {
  /** Per direction: 100 Mbit/s, far above a mesh call's media. */
  bytesPerSecond: 12_500_000,
  /** Added to every allowance: stats read a little before or after the report goes. */
  slackBytes: 4 * 1024 * 1024,
  slackMs: 2_000,
} as const;

/** Connections a socket may have open in the ledger; past it, the oldest is ended. */
const MAX_OPEN = 64;

export async function handleUsage(
  ctx: SignalingContext,
  socket: IcelaneSocket,
  call: InboundCall,
): Promise<void> {
  const admitted = admitInRoom(ctx, socket, call, EVENT, 'report', usageReportSchema);
  if (!admitted) return;
  const recorded = recordUsage(ctx, socket, admitted.payload);
  call.reply({ data: { recorded } });
}

/** A connection came up (`connection:report`): its path goes into the log line at its end. */
export function notePath(ctx: SignalingContext, socket: IcelaneSocket, report: ConnectionReport) {
  const entry = entryFor(ctx, socket, report.peerId, report.attempt);
  if (!entry) return;
  entry.path = { relayed: report.relayed, local: report.local.type, remote: report.remote.type };
}

/** Counts what a report adds within its bounds; ends its connection on `final`. */
export function recordUsage(
  ctx: SignalingContext,
  socket: IcelaneSocket,
  report: UsageReport,
  now = Date.now(),
): boolean {
  const entry = entryFor(ctx, socket, report.peerId, report.attempt, now);
  if (!entry) return false;
  const elapsedMs = Math.max(0, now - entry.lastAt);
  const byteAllowance = (elapsedMs / 1000) * USAGE_BOUNDS.bytesPerSecond + USAGE_BOUNDS.slackBytes;
  const added = {
    bytesSent: bounded(ctx, entry, report.bytesSent, 'bytesSent', byteAllowance),
    bytesReceived: bounded(ctx, entry, report.bytesReceived, 'bytesReceived', byteAllowance),
    relayedMs: bounded(ctx, entry, report.relayedMs, 'relayedMs', elapsedMs + USAGE_BOUNDS.slackMs),
  };
  entry.lastAt = now;
  if (report.relayProtocol) entry.relayProtocol = report.relayProtocol;
  for (const key of ['bytesSent', 'bytesReceived', 'relayedMs'] as const) {
    entry.claimed[key] = Math.max(entry.claimed[key], report[key]);
    entry.counted[key] += added[key];
  }
  const labels = {
    provider: provider(ctx, socket),
    relay_protocol: entry.relayProtocol ?? 'unknown',
  };
  if (added.bytesSent > 0)
    ctx.metrics.relayBytes.inc({ ...labels, direction: 'sent' }, added.bytesSent);
  if (added.bytesReceived > 0) {
    ctx.metrics.relayBytes.inc({ ...labels, direction: 'received' }, added.bytesReceived);
  }
  if (added.relayedMs > 0) ctx.metrics.relayedSeconds.inc(labels, added.relayedMs / 1000);
  if (added.bytesSent + added.bytesReceived + added.relayedMs > 0) {
    const { provider, relay_protocol: relayProtocol } = labels;
    ctx.metrics.history.relayUsage({
      provider,
      relayProtocol,
      ...added,
      intervalMs: elapsedMs,
      final: report.final,
    });
  }
  if (report.final) endEntry(ctx, socket, entry, 'closed');
  return true;
}

/** Ends every open connection of the socket (it left its room or disconnected). */
export function endUsage(
  ctx: SignalingContext,
  socket: IcelaneSocket,
  end: 'left' | 'disconnected',
) {
  const { open, ended } = socket.data.usage;
  // Most peers leave with no connection open in the ledger: no copy to make then.
  if (open.size > 0) for (const entry of [...open.values()]) endEntry(ctx, socket, entry, end);
  if (ended.size > 0) ended.clear();
}

/** The increase a claim makes over the previous one, cut to `allowance`. */
function bounded(
  ctx: SignalingContext,
  entry: UsageEntry,
  claimed: number,
  key: keyof Totals,
  allowance: number,
): number {
  const increase = claimed - entry.claimed[key];
  if (increase < 0) {
    entry.bounded = true;
    ctx.metrics.usageBounded.inc({ reason: 'decreasing' });
    return 0;
  }
  if (increase <= allowance) return increase;
  entry.bounded = true;
  ctx.metrics.usageBounded.inc({ reason: 'over-rate' });
  return Math.floor(allowance);
}

function entryFor(
  ctx: SignalingContext,
  socket: IcelaneSocket,
  peerId: string,
  attempt: number,
  now = Date.now(),
): UsageEntry | undefined {
  const ledger = socket.data.usage;
  const key = `${peerId}:${attempt}`;
  if (ledger.ended.has(key)) return undefined;
  let entry = ledger.open.get(key);
  if (entry) return entry;
  if (ledger.open.size >= MAX_OPEN) {
    endEntry(ctx, socket, ledger.open.values().next().value!, 'evicted');
  }
  const zero = () => ({ bytesSent: 0, bytesReceived: 0, relayedMs: 0 });
  // The first report's allowance runs from the socket's connection: no connection is older.
  entry = {
    peerId,
    attempt,
    openedAt: now,
    lastAt: ledger.since,
    claimed: zero(),
    counted: zero(),
    bounded: false,
  };
  ledger.open.set(key, entry);
  return entry;
}

/** The usage log line of a connection: one per connection end, per side. */
function endEntry(
  ctx: SignalingContext,
  socket: IcelaneSocket,
  entry: UsageEntry,
  end: 'closed' | 'left' | 'disconnected' | 'evicted',
): void {
  const ledger = socket.data.usage;
  const key = `${entry.peerId}:${entry.attempt}`;
  ledger.open.delete(key);
  if (end === 'closed') {
    if (ledger.ended.size >= MAX_OPEN) ledger.ended.delete(ledger.ended.values().next().value!);
    ledger.ended.add(key);
  }
  const peer = socket.data.peer;
  const relayedNow = entry.counted.relayedMs > 0 || entry.path?.relayed === true;
  ctx.metrics.connectionsEnded.inc({ relayed: String(relayedNow), end });
  ctx.logger.info('connection usage', {
    user: socket.data.user ?? peer?.peerId ?? null,
    peerId: peer?.peerId ?? null,
    // In the TURN username of a per-session coturn credential: ties the log to coturn's.
    sessionId: peer?.sessionId ?? null,
    remotePeerId: entry.peerId,
    attempt: entry.attempt,
    provider: provider(ctx, socket),
    relayed: relayedNow,
    ...(entry.path ? { localType: entry.path.local, remoteType: entry.path.remote } : {}),
    relayProtocol: entry.relayProtocol ?? null,
    bytesSent: entry.counted.bytesSent,
    bytesReceived: entry.counted.bytesReceived,
    relayedMs: Math.round(entry.counted.relayedMs),
    durationMs: Date.now() - entry.openedAt,
    bounded: entry.bounded,
    end,
  });
}

/** The provider whose TURN servers the peer's session was handed (several may serve, in turn). */
function provider(ctx: SignalingContext, socket: IcelaneSocket): string {
  const session = socket.data.peer ? { sessionId: socket.data.peer.sessionId } : null;
  const served = session && ctx.iceSource.providerFor?.(session);
  return served ?? ctx.iceSource.health().provider ?? 'none';
}
