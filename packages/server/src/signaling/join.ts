/**
 * `room:join`: validate, limit, authorize, hand out ICE servers, and only then take a place in
 * the room and tell the others.
 */
import {
  errorAnswer,
  joinRequestSchema,
  parsePayload,
  type ErrorCode,
  type JoinAnswer,
} from '@icelane/protocol';
import type { InboundCall } from './ack.js';
import {
  allowAll,
  bearerToken,
  decide,
  refusalMessage,
  type AuthOutcome,
} from '../clients/authorize.js';
import type { IcelaneSocket, SignalingContext } from './context.js';
import type { IceSession } from '../credentials/ice-session.js';
import { iceAtHand } from '../credentials/ice-source.js';
import { randomId } from '../clients/ids.js';
import type { TakeResult } from '../clients/rate-limit.js';
import { refuseInvalid, refusedByLimit } from './admission.js';
import { announceResumed, evictPrevious, issueResumeToken } from './resume.js';
import { proofOf } from './resume-proof.js';
import { peerInfo, type Peer } from './rooms.js';
import { strike } from './strikes.js';

const EVENT = 'room:join';

export async function handleJoin(
  ctx: SignalingContext,
  socket: IcelaneSocket,
  call: InboundCall,
): Promise<void> {
  const state = socket.data;
  // The helpers below are module functions, not closures: a join allocates as little as it can.
  if (refusedBy(ctx, socket, call, ctx.limiters.take('join', state.buckets, state.subnet))) return;
  const parsed = parsePayload(joinRequestSchema, call.payload);
  if (!parsed.ok) {
    ctx.metrics.joins.inc({ outcome: 'invalid-payload' });
    return refuseInvalid(ctx, socket, EVENT, call, parsed.message);
  }
  const request = parsed.value;
  if (ctx.isShuttingDown())
    return refuse(ctx, call, 'shutting-down', 'the server is shutting down');
  if (state.peer || state.joining)
    return refuse(ctx, call, 'already-joined', 'leave the current room first');
  state.joining = true;
  // Answered `shutting-down` by `close()` if the server stops before this join is done.
  ctx.joinsInFlight.add(call);
  try {
    // Checked again when the place is taken; this early check spares a credential. A rejoin may
    // be about to free its previous place: the claim decides.
    if (request.resume === undefined) {
      // A single node knows at once; only a shared roster's answer is awaited.
      const size = ctx.roster.size(request.room);
      if ((typeof size === 'number' ? size : await size) >= ctx.roomPeerCap) {
        return refuse(ctx, call, 'room-full', 'the room is full');
      }
    }
    const deciding = authorizeJoin(ctx, socket, request.room);
    const outcome = deciding instanceof Promise ? await deciding : deciding;
    if (!outcome.allowed) {
      // Refusals spend a budget of their own, never the one valid users of this address share.
      if (refusedBy(ctx, socket, call, ctx.limiters.takeRefused(state.subnet))) return;
      refuse(ctx, call, 'unauthorized', refusalMessage('not allowed to join this room', outcome));
      strike(ctx, socket, EVENT);
      return;
    }
    if (refusedBy(ctx, socket, call, ctx.limiters.takeAuthorized(state.subnet))) return;
    if (socket.disconnected) return;
    state.user = outcome.user;

    const sessionId = randomId();
    let ice: JoinAnswer['ice'];
    try {
      // Built field by field, as the ICE answer is: a spread per join costs more (failover.ts).
      const session: IceSession = { sessionId };
      if (state.user !== undefined) session.user = state.user;
      // From a shared credential in memory the answer is at hand: nothing to await.
      const answering = iceAtHand(ctx.iceSource, session);
      ice = answering instanceof Promise ? await answering : answering;
    } catch (error) {
      release(ctx, sessionId);
      throw error;
    }
    // The socket may have gone, or the server begun to stop, while the ICE servers came.
    if (socket.disconnected) return release(ctx, sessionId);
    if (ctx.isShuttingDown()) {
      release(ctx, sessionId);
      return refuse(ctx, call, 'shutting-down', 'the server is shutting down');
    }
    const peerId = newPeerId(ctx);
    const resumeToken = issueResumeToken(peerId);
    // Every field a join always sets is in the literal: a field added later costs an allocation.
    const peer: Peer = {
      peerId,
      room: request.room,
      socketId: socket.id,
      sessionId,
      // A shared roster stores the proof at the claim; a single node makes it when asked.
      resumeProof: ctx.roster.singleNode ? undefined : proofOf(resumeToken),
      resumeToken: ctx.roster.singleNode ? resumeToken : undefined,
    };
    if (request.name !== undefined) peer.name = request.name;
    if (request.meta !== undefined) peer.meta = request.meta;
    // A rejoin's previous id goes first, so neither the cap nor the answer counts it.
    // Most joins are fresh: no resume token, nothing to wait for.
    const previous =
      request.resume === undefined ? null : await evictPrevious(ctx, request.room, request.resume);
    if (previous) peer.rejoinOf = previous.peerId;
    // Checking the cap and taking the place are one step, across nodes too.
    const claiming = ctx.roster.claim(peer, ctx.roomPeerCap);
    const claim = claiming instanceof Promise ? await claiming : claiming;
    if (!claim.ok) {
      if (previous) announceResumed(ctx, socket, previous, null);
      release(ctx, sessionId);
      return refuse(ctx, call, 'room-full', 'the room is full');
    }
    if (socket.disconnected) {
      ctx.roster.remove(peer);
      if (previous) announceResumed(ctx, socket, previous, null);
      return release(ctx, sessionId);
    }
    state.peer = peer;
    if (previous) announceResumed(ctx, socket, previous, peer);
    ctx.roomChannel.enter(socket, peer.room);
    ctx.roomChannel.peerJoined(peer.room, socket.id, peerInfo(peer));
    ctx.metrics.joins.inc({ outcome: 'ok' });
    call.reply(
      ctx.encodeJoinAnswer({
        peerId: peer.peerId,
        room: peer.room,
        peers: claim.others,
        ice,
        resumeToken,
      }),
    );
  } finally {
    state.joining = false;
    ctx.joinsInFlight.delete(call);
  }
}

function refuse(ctx: SignalingContext, call: InboundCall, code: ErrorCode, message: string) {
  ctx.metrics.joins.inc({ outcome: code });
  call.reply(errorAnswer(code, message));
}

/** The join did not take its place: the session's credential is given back. */
function release(ctx: SignalingContext, sessionId: string): void {
  ctx.iceSource.release({ sessionId });
}

/** Whether `limit` refused the join (then answered, counted and struck). */
function refusedBy(
  ctx: SignalingContext,
  socket: IcelaneSocket,
  call: InboundCall,
  limit: TakeResult,
): boolean {
  if (!refusedByLimit(ctx, socket, EVENT, call, limit)) return false;
  ctx.metrics.joins.inc({ outcome: 'rate-limited' });
  return true;
}

/** What every join is told when no hook is set (`allowAll`): nothing to ask, nothing to await. */
const ALLOWED: AuthOutcome = { allowed: true };

function authorizeJoin(
  ctx: SignalingContext,
  socket: IcelaneSocket,
  room: string,
): AuthOutcome | Promise<AuthOutcome> {
  if (ctx.authorize === allowAll) return ALLOWED;
  return decide(
    ctx.authorize,
    {
      token: handshakeToken(socket),
      headers: socket.handshake.headers,
      address: socket.data.address,
      room,
    },
    (error) => ctx.logger.error('authorize hook failed', { error }),
  );
}

function newPeerId(ctx: SignalingContext): string {
  let id = randomId();
  while (ctx.roster.local.has(id)) id = randomId();
  return id;
}

/** The client's token: `auth.token` of the handshake, else an `Authorization: Bearer` header. */
function handshakeToken(socket: IcelaneSocket): string | undefined {
  const auth = socket.handshake.auth as Record<string, unknown> | undefined;
  const token = auth?.token;
  if (typeof token === 'string') return token;
  return bearerToken(socket.handshake.headers.authorization);
}
