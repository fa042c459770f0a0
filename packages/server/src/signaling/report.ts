/**
 * `connection:report`: how a connection came up (selected pair, attempt, time), aggregated into
 * metrics. Nothing of it is relayed or stored per peer.
 */
import { connectionReportSchema, type ConnectionReport } from '@icelane/protocol';
import type { Metrics } from '../observability/metrics.js';
import type { InboundCall } from './ack.js';
import { admitInRoom } from './admission.js';
import type { IcelaneSocket, SignalingContext } from './context.js';
import { notePath } from './usage.js';

const EVENT = 'connection:report';
/** Bounds the memory of connections a socket reported; older ones may then count again. */
const MAX_REMEMBERED = 256;

export async function handleReport(
  ctx: SignalingContext,
  socket: IcelaneSocket,
  call: InboundCall,
): Promise<void> {
  const admitted = admitInRoom(ctx, socket, call, EVENT, 'report', connectionReportSchema);
  if (!admitted) return;
  recordReport(ctx.metrics, socket.data.reported, admitted.payload);
  notePath(ctx, socket, admitted.payload);
  call.reply({ data: { recorded: true } });
}

/**
 * Counts a report once per connection attempt: a client reports again when the selected pair
 * changes, and that is the same connection, not a new one.
 */
export function recordReport(
  metrics: Metrics,
  reported: Set<string>,
  report: ConnectionReport,
): boolean {
  const key = `${report.peerId}:${report.attempt}`;
  if (reported.has(key)) return false;
  if (reported.size >= MAX_REMEMBERED) reported.delete(reported.values().next().value!);
  reported.add(key);

  const relayed = String(report.relayed);
  const relayProtocol = report.local.relayProtocol ?? report.remote.relayProtocol ?? 'none';
  metrics.connectionReports.inc({
    local_type: report.local.type,
    remote_type: report.remote.type,
    relay_protocol: relayProtocol,
    relayed,
  });
  if (report.attempt > 1) metrics.relayFallbacks.inc();
  metrics.timeToConnectSeconds.observe({ relayed }, report.timeToConnectMs / 1000);
  metrics.history.connected({
    relayed: report.relayed,
    localType: report.local.type,
    remoteType: report.remote.type,
    relayProtocol,
    attempt: report.attempt,
    timeToConnectMs: report.timeToConnectMs,
  });
  return true;
}
