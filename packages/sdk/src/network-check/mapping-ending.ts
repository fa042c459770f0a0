/**
 * When the check's STUN gathering has told enough to end before the browser completes it.
 *
 * Behind an endpoint-independent NAT the browser drops the second reflexive candidate (the same
 * address and port as the first), so nothing ever says "both servers answered" but the end of
 * gathering, which Chromium reaches only after its allocation phases (~150 ms) even when STUN
 * answered in a few milliseconds. Both STUN requests leave from one socket at the same moment,
 * so a symmetric NAT's second mapping comes about one round trip after the first one: waiting a
 * grace after the first answer, as long again as it took and never less than a floor, tells the
 * two apart without waiting for the phases.
 *
 * A second endpoint much farther away than the first, or silent, would be taken for
 * endpoint-independent. That costs no more than a network check that could not tell: TURN on
 * demand's first attempt goes without TURN, and the fallback to the relay follows as it always did.
 */
import { classifyMapping, type ProbeGathering } from './classify.js';

/** The shortest wait for a second mapping after the first answer (scheduling jitter). */
export const SECOND_MAPPING_MIN_GRACE_MS = 40;

/**
 * The time (ms from the gathering's start) at which the gathering may end, from what came so
 * far; `null` while it must go on (to completion or the deadline). Every candidate needs its
 * `atMs`.
 */
export function mappingGatheringEndsAtMs(sofar: ProbeGathering, endpoints: number): number | null {
  const reflexive = sofar.candidates.filter((c) => c.type === 'srflx' && c.protocol === 'udp');
  if (classifyMapping(sofar, endpoints).mapping === 'endpoint-dependent') {
    return reflexive.at(-1)?.atMs ?? 0;
  }
  if (endpoints < 2) return null;
  // Every socket answered at least once: with one host candidate per socket, as many reflexive
  // candidates as host candidates (a socket still unanswered could yet show two mappings).
  const sockets = Math.max(
    1,
    sofar.candidates.filter((c) => c.type === 'host' && c.protocol === 'udp').length,
  );
  const lastSocketAnswered = reflexive[sockets - 1]?.atMs;
  if (lastSocketAnswered === undefined) return null;
  return lastSocketAnswered + Math.max(SECOND_MAPPING_MIN_GRACE_MS, lastSocketAnswered);
}
