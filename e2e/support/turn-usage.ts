/**
 * What coturn itself relayed for each allocation, from its verbose log (`CoturnOptions.verbose`).
 * coturn 4.6.1 prints, for each session, now and then while it lives and once when it closes:
 *
 *   session <id>: usage: realm=<realm>, username=<user>, rp=<n>, rb=<n>, sp=<n>, sb=<n>
 *   session <id>: peer usage: realm=<realm>, username=<user>, rp=<n>, rb=<n>, sp=<n>, sb=<n>
 *
 * `usage` counts the client side of the allocation (rp/rb: packets and bytes received from the
 * client, sp/sb: sent to it), `peer usage` the relay side. Each line counts what happened since
 * the session's previous line (the counters restart after every print), so a session's totals are
 * the sums of its lines. Then `session <id>: closed (2nd stage), user <user> …` ends it.
 */

/** Client-side traffic of one allocation, as coturn counted it (TURN framing included). */
export interface TurnUsage {
  username: string;
  /** From the client: `rp`, `rb`. */
  packetsReceived: number;
  bytesReceived: number;
  /** To the client: `sp`, `sb`. */
  packetsSent: number;
  bytesSent: number;
  /** The session closed (its last usage line is in). */
  closed: boolean;
}

const USAGE =
  /session \d+: usage: realm=<[^>]*>, username=<([^>]*)>, rp=(\d+), rb=(\d+), sp=(\d+), sb=(\d+)/;
const CLOSED = /session \d+: closed \(2nd stage\), user <([^>]*)>/;

/** Sums coturn's usage lines by TURN username (sessions without a username are left out). */
export function turnUsageByUsername(lines: readonly string[]): Map<string, TurnUsage> {
  const usage = new Map<string, TurnUsage>();
  const of = (username: string): TurnUsage => {
    let entry = usage.get(username);
    if (!entry) {
      entry = {
        username,
        packetsReceived: 0,
        bytesReceived: 0,
        packetsSent: 0,
        bytesSent: 0,
        closed: false,
      };
      usage.set(username, entry);
    }
    return entry;
  };
  for (const line of lines) {
    const counted = USAGE.exec(line);
    if (counted && counted[1]) {
      const entry = of(counted[1]);
      entry.packetsReceived += Number(counted[2]);
      entry.bytesReceived += Number(counted[3]);
      entry.packetsSent += Number(counted[4]);
      entry.bytesSent += Number(counted[5]);
      continue;
    }
    const closed = CLOSED.exec(line);
    if (closed && closed[1]) of(closed[1]).closed = true;
  }
  return usage;
}
