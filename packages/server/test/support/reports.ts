/** The reports a client sends about one of its connections, filled in for tests. */
import type { ConnectionReport, UsageReport } from '@icelane/protocol';

/** A first attempt that came up relayed (relay → prflx over UDP) in 400 ms. */
export function connectionReport(
  peerId: string,
  fields: Partial<ConnectionReport> = {},
): ConnectionReport {
  return {
    peerId,
    attempt: 1,
    strategy: 'auto',
    local: { type: 'relay', protocol: 'udp', relayProtocol: 'udp' },
    remote: { type: 'prflx', protocol: 'udp' },
    relayed: true,
    timeToConnectMs: 400,
    ...fields,
  };
}

/** Usage totals of the first attempt over UDP, zero unless given, not final. */
export function usageReport(peerId: string, fields: Partial<UsageReport> = {}): UsageReport {
  return {
    peerId,
    attempt: 1,
    bytesSent: 0,
    bytesReceived: 0,
    relayedMs: 0,
    relayProtocol: 'udp',
    final: false,
    ...fields,
  };
}
