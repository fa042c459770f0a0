/**
 * The join authorization hook, shared by socket.io joins and `GET /ice`: both hand out TURN
 * credentials, so both answer to the same rule.
 */
import type { IncomingHttpHeaders } from 'node:http';

/** What the hook sees of a client, from a socket.io handshake or an HTTP request alike. */
export interface AuthRequest {
  /** `auth.token` of the socket.io handshake, or the `Authorization: Bearer` header. */
  token: string | undefined;
  headers: IncomingHttpHeaders;
  /** The client's address as the socket sees it. */
  address: string;
  /** The room being joined; `undefined` for `GET /ice`. */
  room: string | undefined;
}

/**
 * `true` allows, `false` refuses; `{ allowedRoom }` allows only that room (a token minted for
 * one call); `{ refused }` refuses and tells the client why, in words safe to show anyone (say
 * "the join token has expired", never the token). A rejected promise refuses too.
 */
export type AuthDecision =
  | boolean
  | {
      allowedRoom?: string;
      /**
       * Who the client is (the built-in JWT check gives the token's `sub`): named in the usage
       * log and, as a keyed hash, in per-session TURN credentials. Never a metric label.
       */
      user?: string;
    }
  | { refused: string };

/** What {@link decide} concludes; `reason` is sent to the client after the refusal's message. */
export type AuthOutcome = { allowed: true; user?: string } | { allowed: false; reason?: string };

/** A user id worth keeping: a non-empty string of at most 256 characters. */
function userOf(decision: { user?: unknown }): { user?: string } {
  const { user } = decision;
  return typeof user === 'string' && user.length > 0 && user.length <= 256 ? { user } : {};
}

export type Authorize = (request: AuthRequest) => Promise<AuthDecision>;

/** Allows everyone: the default when no hook is given. */
export const allowAll: Authorize = async () => true;

/** Whether a decision lets `request` through (for `GET /ice`, any allowed room will do). */
export function judge(decision: AuthDecision, room: string | undefined): AuthOutcome {
  if (typeof decision === 'boolean') return { allowed: decision };
  if (typeof decision !== 'object' || decision === null) return { allowed: false };
  if ('refused' in decision) {
    const reason = typeof decision.refused === 'string' ? decision.refused : undefined;
    return reason ? { allowed: false, reason } : { allowed: false };
  }
  if (decision.allowedRoom === undefined || room === undefined) {
    return { allowed: true, ...userOf(decision) };
  }
  return decision.allowedRoom === room
    ? { allowed: true, ...userOf(decision) }
    : { allowed: false, reason: 'admitted to another room only' };
}

/** The token of an `Authorization: Bearer <token>` header. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  return match?.[1];
}

/** Runs the hook. A throwing or rejecting hook refuses: failing closed keeps TURN safe. */
export async function decide(
  authorize: Authorize,
  request: AuthRequest,
  onError: (error: unknown) => void,
): Promise<AuthOutcome> {
  try {
    return judge(await authorize(request), request.room);
  } catch (error) {
    onError(error);
    return { allowed: false };
  }
}

/** The message of a refusal: `base`, and the hook's reason when it gave one. */
export function refusalMessage(base: string, outcome: AuthOutcome): string {
  return !outcome.allowed && outcome.reason ? `${base}: ${outcome.reason}` : base;
}
