/** The server's usage log: one JSON line per connection end and side (`connection usage`). */

/** The fields of a `connection usage` line that the tests and benches read. */
export interface UsageLine {
  /** This side, and the far side of the connection. */
  peerId: string;
  remotePeerId: string;
  sessionId: string;
  provider: string;
  relayProtocol: string | null;
  relayed: boolean;
  end: string;
  bytesSent: number;
  bytesReceived: number;
  relayedMs: number;
  durationMs: number;
}

/** The `connection usage` lines among a server's log lines. */
export function usageLog(logs: readonly string[]): UsageLine[] {
  return logs
    .filter((line) => line.includes('"connection usage"'))
    .map((line) => JSON.parse(line) as UsageLine);
}
