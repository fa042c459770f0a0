/**
 * `connection:recovery`: a client healed a live call, or gave up on it. Counted by cause, step
 * and outcome, the gap observed; nothing of it is relayed or stored per peer.
 */
import { recoveryReportSchema, type RecoveryReport } from '@icelane/protocol';
import type { Metrics } from '../observability/metrics.js';
import type { InboundCall } from './ack.js';
import { admitInRoom } from './admission.js';
import type { IcelaneSocket, SignalingContext } from './context.js';

const EVENT = 'connection:recovery';

export async function handleRecovery(
  ctx: SignalingContext,
  socket: IcelaneSocket,
  call: InboundCall,
): Promise<void> {
  // One budget with `connection:report`: both are a client's telemetry.
  const admitted = admitInRoom(ctx, socket, call, EVENT, 'report', recoveryReportSchema);
  if (!admitted) return;
  recordRecovery(ctx.metrics, admitted.payload);
  call.reply({ data: { recorded: true } });
}

/**
 * Each side of a call reports its own healing, so one incident on a two-party call counts twice.
 * Only recovered incidents have a gap worth a histogram: a failed one's "gap" is the time until
 * the client gave up, and a move onto fresh credentials has none.
 */
export function recordRecovery(metrics: Metrics, report: RecoveryReport): void {
  metrics.recoveries.inc({ cause: report.cause, step: report.step, outcome: report.outcome });
  if (report.outcome === 'recovered' && report.cause !== 'credentials-expiring') {
    metrics.recoveryGapSeconds.observe({ step: report.step }, report.gapMs / 1000);
  }
}
