/** What the operator view shows, published as `window.__operator` for tests and the console. */
import type { CallHistory } from '@icelane/protocol';
import type { OperatorFigures } from './figures.js';
import type { ConnectQuantiles } from './history.js';

export interface OperatorState {
  /** The figures of the latest successful read of `/metrics`: totals since the server started. */
  figures: OperatorFigures | null;
  /** The latest successful read of `/history`: the recent records, with their times. */
  history: CallHistory | null;
  /**
   * The time to connect as shown: from the recorded times when the history has them (`exact`),
   * else estimated from the histogram's buckets.
   */
  quantiles: (ConnectQuantiles & { exact: boolean }) | null;
  /** Successful reads so far (both routes answered). */
  polls: number;
  lastPollAt: number | null;
  /** Why the latest read failed; `null` when it did not. */
  error: string | null;
}

declare global {
  interface Window {
    __operator: OperatorState;
  }
}
