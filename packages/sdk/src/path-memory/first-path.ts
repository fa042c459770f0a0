/**
 * What a network's memory says about attempt 1, and what a call teaches it. Pure.
 *
 * - `turn`: attempt 1 without TURN (TURN on demand) failed here and a relay connected: attempt 1
 *   takes TURN (policy `all`) from now on.
 * - `relay`: attempt 1 with TURN under policy `all` failed here and relay-only connected: attempt 1
 *   is relay-only from now on.
 */
import type { FailedAttempt, FailureReason } from '../errors.js';

export type FirstPath = 'turn' | 'relay';

/**
 * The failures that say the network's path did not work. Refused credentials say nothing about
 * the network; a live call losing its path is healed, not remembered.
 */
const PATH_FAILURES: readonly FailureReason[] = ['timeout', 'ice-failed', 'checks-silent'];

/** What to remember once a later attempt connected after attempt 1 failed; else `undefined`. */
export function pathAfterFailure(
  failed: Pick<FailedAttempt, 'policy' | 'turn' | 'reason'>,
): FirstPath | undefined {
  if (!PATH_FAILURES.includes(failed.reason) || failed.policy === 'relay') return undefined;
  return failed.turn ? 'relay' : 'turn';
}

/**
 * Whether a connection made with a remembered path shows the memory is no longer needed: TURN
 * was offered, yet the pair chosen is direct, so attempt 1 without TURN would have done.
 */
export function memoryOutgrown(path: FirstPath | undefined, relayed: boolean): boolean {
  return path === 'turn' && !relayed;
}
