/**
 * The relay usage a socket reports, per connection (see usage.ts, which keeps it). Its own file
 * because the socket's state holds a ledger (context.ts), and usage.ts needs that state: declared
 * in usage.ts, the two imported each other.
 */
import type { CandidateType, RelayProtocol } from '@icelane/protocol';

export interface Totals {
  bytesSent: number;
  bytesReceived: number;
  relayedMs: number;
}

/** What the server knows of one connection of a socket. */
export interface UsageEntry {
  peerId: string;
  attempt: number;
  openedAt: number;
  /** When the last report came (or the entry opened): the start of the next allowance. */
  lastAt: number;
  /** The client's latest totals, as claimed: the next report's increase is measured from them. */
  claimed: Totals;
  /** What was believed of them: the figures that are counted and logged. */
  counted: Totals;
  relayProtocol?: RelayProtocol;
  path?: { relayed: boolean; local: CandidateType; remote: CandidateType };
  /** Some claim was cut to its bound. */
  bounded: boolean;
}

/** The connections of one socket, by `peerId:attempt`. */
export interface UsageLedger {
  /** When the socket connected: a first report's allowance starts here. */
  readonly since: number;
  readonly open: Map<string, UsageEntry>;
  /** Connections that ended (a final report), so a late report cannot reopen them. */
  readonly ended: Set<string>;
}

export function usageLedger(now = Date.now()): UsageLedger {
  return { since: now, open: new Map(), ended: new Set() };
}
