/**
 * Error codes the server answers with. Each is documented in PROTOCOL.md.
 *
 * - `invalid-payload`: the payload failed its schema or a size cap; nothing was done.
 * - `not-in-room`: the event needs a joined room (signal, refresh, report).
 * - `already-joined`: this socket is in a room; leave it first.
 * - `unknown-peer`: the signal's `to` is not a peer of the sender's room.
 * - `room-full`: the room is at its peer cap.
 * - `rate-limited`: too many requests; see `retryAfterMs`.
 * - `unauthorized`: the join was refused by authorization.
 * - `shutting-down`: the server is stopping and takes no new joins.
 * - `unavailable`: the server could not look up the peer's room or reach its node just now (its
 *   shared Redis is away or failing over, or its confirmation came too late); it may not have
 *   been delivered, but the peer may also have it, so sending again shortly may succeed and may
 *   deliver it twice.
 * - `internal`: an unexpected server fault; the message says no more than that.
 */
export type ErrorCode =
  | 'invalid-payload'
  | 'not-in-room'
  | 'already-joined'
  | 'unknown-peer'
  | 'room-full'
  | 'rate-limited'
  | 'unauthorized'
  | 'shutting-down'
  | 'unavailable'
  | 'internal';

export const ERROR_CODES: readonly ErrorCode[] = [
  'invalid-payload',
  'not-in-room',
  'already-joined',
  'unknown-peer',
  'room-full',
  'rate-limited',
  'unauthorized',
  'shutting-down',
  'unavailable',
  'internal',
];
