/**
 * A cause of a failed call the SDK can name from its configuration: every TURN server is on this
 * machine's loopback (a demo or a test on one machine). A TURN server relays to loopback peers
 * only when told to (coturn refuses them unless started with `--allow-loopback-peers`), so a call
 * between two tabs gathers relay candidates and still never connects through them.
 */
import type { IceServer } from '@icelane/protocol';
import type { FailedAttempt } from './errors.js';

/** What `connect-failed` adds to its message, and `details.cause`, for this cause. */
export const LOOPBACK_TURN_CAUSE = {
  code: 'loopback-turn',
  text: 'every TURN server is on loopback, which TURN servers relay to only if configured to (coturn: --allow-loopback-peers)',
} as const;

const LOOPBACK_HOST = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|\[::1\]|localhost)$/i;

/** Whether a relay attempt gathered relay candidates while every TURN URL names a loopback host. */
export function isLoopbackTurnOnly(
  attempts: readonly FailedAttempt[],
  iceServers: readonly IceServer[],
): boolean {
  const turnUrls = iceServers
    .flatMap((server) => (Array.isArray(server.urls) ? server.urls : [server.urls]))
    .filter((url) => /^turns?:/i.test(url));
  // The host of `turn:host[:port][?query]`, an IPv6 literal in brackets.
  const host = (url: string) => /^turns?:(\[[^\]]*\]|[^:?]*)/i.exec(url)?.[1] ?? '';
  return (
    turnUrls.length > 0 &&
    turnUrls.every((url) => LOOPBACK_HOST.test(host(url))) &&
    attempts.some((a) => a.turn && a.localCandidateTypes.includes('relay'))
  );
}
