/**
 * What coturn says about allocations, read from its verbose log (`--verbose`, see
 * `CoturnOptions.verbose`): which TURN username allocated, refreshed or used a relay, and when.
 * This is how a test proves that a call moved onto fresh credentials: a new allocation under a new
 * username, not only a `setConfiguration` call in the browser.
 */

export interface TurnLogEntry {
  /** When the line was read (ms since the epoch). */
  at: number;
  /** Which coturn process printed it: 0 for the first, 1 after the first restart, … */
  run: number;
  /** coturn's session id (one per client 5-tuple; restarts from 1 in each run). */
  session: string;
  username: string;
  /**
   * `allocate`: a new allocation (`new, … lifetime=N`); `refresh`: lifetime refreshed (0 = the
   * client released it); `request`: any request processed under that username.
   */
  kind: 'allocate' | 'refresh' | 'request';
  /** For requests: the method (`ALLOCATE`, `REFRESH`, `CREATE_PERMISSION`, `CHANNEL_BIND`, …). */
  method?: string;
  /** For requests: `success`, or the error code coturn answered. */
  outcome?: 'success' | number;
  lifetime?: number;
}

const ALLOCATION =
  /session (\d+): (new|refreshed), realm=<[^>]*>, username=<([^>]*)>, lifetime=(\d+)/;
const REQUEST =
  /session (\d+): (?:origin <[^>]*> )?realm <[^>]*> user <([^>]*)>: incoming packet (\S+) processed, (?:(success)|error (\d+))/;

/** Parses one coturn log line; `undefined` when it says nothing about a username. */
export function parseTurnLogLine(line: string, at: number, run: number): TurnLogEntry | undefined {
  const allocation = ALLOCATION.exec(line);
  if (allocation) {
    const [, session, what, username, lifetime] = allocation;
    return {
      at,
      run,
      session: session!,
      username: username!,
      kind: what === 'new' ? 'allocate' : 'refresh',
      lifetime: Number(lifetime),
    };
  }
  const request = REQUEST.exec(line);
  if (request && request[2]) {
    const [, session, username, method, success, code] = request;
    return {
      at,
      run,
      session: session!,
      username: username!,
      kind: 'request',
      method: method!,
      outcome: success ? 'success' : Number(code),
    };
  }
  return undefined;
}

/** The entries of every coturn run of a lab, in the order they were printed. */
export class TurnLog {
  readonly entries: TurnLogEntry[] = [];
  run = 0;

  read(line: string): void {
    const entry = parseTurnLogLine(line, Date.now(), this.run);
    if (entry) this.entries.push(entry);
  }

  /** New allocations, in order. */
  allocations(): TurnLogEntry[] {
    return this.entries.filter((e) => e.kind === 'allocate');
  }
}
