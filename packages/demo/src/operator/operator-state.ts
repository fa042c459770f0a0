/** What the operator view shows, published as `window.__operator` for tests and the console. */
import type { OperatorFigures } from './figures.js';
import type { TrendPoint } from './trend.js';

export interface OperatorState {
  /** The figures of the latest successful read of `/metrics`. */
  figures: OperatorFigures | null;
  /** One point per successful read, oldest first. */
  points: TrendPoint[];
  /** Successful reads so far. */
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
