/**
 * One link's use of the network's path memory: what attempt 1 needs here, read once when
 * attempt 1 is planned; what the first connection after a failed attempt 1 teaches; and a
 * remembered TURN path forgotten when attempt 1 connected direct all the same.
 */
import type { FailedAttempt } from '../errors.js';
import type { NetworkPaths } from './network-paths.js';
import { memoryOutgrown, pathAfterFailure, type FirstPath } from './first-path.js';

export interface LinkMemory {
  /** Reads what this network's memory says attempt 1 needs. */
  recall(): void;
  /** What it said, once recalled. */
  firstPath(): FirstPath | undefined;
  /** A connection is up on `attempt`, after `failures`: only the link's first one teaches. */
  connected(attempt: number, failures: readonly FailedAttempt[]): void;
  /** A report of `attempt`. */
  reported(attempt: number, relayed: boolean): void;
}

export function linkMemory(paths: NetworkPaths | null | undefined): LinkMemory {
  let firstPath: FirstPath | undefined;
  let everConnected = false;
  return {
    recall: () => {
      firstPath = paths?.recall();
    },
    firstPath: () => firstPath,
    connected: (attempt, failures) => {
      if (everConnected) return;
      everConnected = true;
      const failed = failures.find((failure) => failure.attempt === 1);
      const path = attempt > 1 && failed ? pathAfterFailure(failed) : undefined;
      if (path) paths?.remember(path);
    },
    reported: (attempt, relayed) => {
      if (attempt === 1 && memoryOutgrown(firstPath, relayed)) paths?.forget();
    },
  };
}
