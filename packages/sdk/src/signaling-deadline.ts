/**
 * How long connecting to the signaling server may take. `signalingTimeoutMs` is a floor: once the
 * transport is open, its opening has measured the path, and socket.io's CONNECT (one more round
 * trip) is given at least one round trip's timeout of that measure (path-timing.ts). The opening
 * took one round trip or more (a TCP handshake, then the WebSocket upgrade or polling's first
 * request), so the measure never undercounts. Over WebSocket the connection is up 3 round trips
 * after the start, the transport open after 2: with the floor alone, a 10 s timeout failed every
 * join past a one-way delay of about 3.3 s, where the opening would have passed; now the opening's
 * own limit, the same floor as socket.io's `timeout`, comes first.
 */
import { retransmitTimeoutMs } from './path-timing.js';
import type { SignalingSocket } from './signaling.js';

/**
 * Calls `expired` when connecting on `socket` has taken too long (see the top of this file);
 * the returned function stops the deadline.
 */
export function connectDeadline(
  socket: Pick<SignalingSocket, 'io'>,
  timeoutMs: number,
  expired: () => void,
): () => void {
  const startedAt = Date.now();
  let timer = setTimeout(expired, timeoutMs);
  const onOpen = () => {
    const openMs = Date.now() - startedAt;
    clearTimeout(timer);
    // The opening as a first sample: its variation is half of it (RFC 6298).
    const followMs = retransmitTimeoutMs({ srttMs: openMs, rttvarMs: openMs / 2 });
    timer = setTimeout(expired, Math.max(timeoutMs - openMs, followMs));
  };
  // The first opening only: socket.io retries a failed connection until the deadline, and an
  // opening measured from the start after retries would stretch it well past the floor.
  socket.io.once('open', onOpen);
  return () => {
    clearTimeout(timer);
    socket.io.off('open', onOpen);
  };
}
