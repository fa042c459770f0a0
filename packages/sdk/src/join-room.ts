/**
 * `joinRoom`: connect to the server, join a room, and start connecting to everyone in it.
 */
import type { JoinRequest } from '@icelane/protocol';
import { resolveJoinOptions, type JoinOptions } from './defaults.js';
import { IcelaneError } from './errors.js';
import { holdServerEvents } from './held-events.js';
import { preloadForJoin } from './network-check/at-join.js';
import { joinError } from './room-errors.js';
import { Room } from './room.js';
import { connectSignaling, joinAnswer } from './signaling.js';
import { healingUnavailable } from './simple-peer-internals.js';
import { loadSimplePeer } from './simple-peer-loader.js';

/**
 * Joins `room` on the icelane server at `url`.
 *
 * Rejects with an {@link IcelaneError}: `invalid-options`, `signaling-failed` (the server was not
 * reached within `signalingTimeoutMs`), `join-failed` (`details.code` is the server's code) or
 * `healing-unavailable` (`recovery` is on and the simple-peer build cannot be healed).
 *
 * @example
 * const room = await joinRoom('https://signal.example.com', 'standup', { name: 'Ada', media });
 * room.on('stream', ({ peerId, stream }) => show(peerId, stream));
 * room.on('report', ({ report }) => console.log(report.relayed ? 'via TURN' : 'direct'));
 */
export async function joinRoom(
  url: string,
  room: string,
  options: Partial<JoinOptions> = {},
): Promise<Room> {
  const resolved = resolveJoinOptions(options);
  if (typeof url !== 'string' || url.length === 0) {
    throw new IcelaneError('invalid-options', 'url must be the icelane server URL');
  }
  if (typeof room !== 'string' || room.length === 0) {
    throw new IcelaneError('invalid-options', 'room must be a non-empty string');
  }
  const joinRequest: JoinRequest = { room };
  if (resolved.name !== undefined) joinRequest.name = resolved.name;
  if (resolved.meta !== undefined) joinRequest.meta = resolved.meta;

  preloadForJoin(resolved);
  // simple-peer's chunk loads beside the connection and the join: on a slow link it can take
  // longer than both (87 ms median on 3G), and nothing before the room needs it.
  const loading = loadSimplePeer();
  const { socket, connected } = connectSignaling(url, {
    token: resolved.token,
    timeoutMs: resolved.signalingTimeoutMs,
    join: joinRequest,
  });
  // Both listen before the connection opens: over long-polling the answer can come in the same
  // response as socket.io's CONNECT, and what follows it with them.
  const held = holdServerEvents(socket);
  const answering = joinAnswer(socket, resolved.signalingTimeoutMs).catch((error: unknown) => {
    throw joinError(error);
  });
  try {
    const [, answer] = await Promise.all([connected, answering]);
    const SimplePeer = await loading;
    // Checked once the chunk is there: the room's peers then hear this one leave as it joined.
    const unhealable = resolved.recovery ? healingUnavailable(SimplePeer.prototype) : undefined;
    if (unhealable) throw unhealable;
    const joined = new Room(socket, answer, joinRequest, resolved, SimplePeer);
    held.releaseToRoom();
    return joined;
  } catch (error) {
    held.drop();
    socket.disconnect();
    throw error;
  }
}
