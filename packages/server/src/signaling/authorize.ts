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
 * one call). A rejected promise refuses too.
 */
export type AuthDecision = boolean | { allowedRoom?: string };

export type Authorize = (request: AuthRequest) => Promise<AuthDecision>;

/** Allows everyone: the default when no hook is given. */
export const allowAll: Authorize = async () => true;

/** Whether a decision lets `request` through (for `GET /ice`, any allowed room will do). */
export function isAllowed(decision: AuthDecision, room: string | undefined): boolean {
  if (typeof decision === 'boolean') return decision;
  if (typeof decision !== 'object' || decision === null) return false;
  if (decision.allowedRoom === undefined || room === undefined) return true;
  return decision.allowedRoom === room;
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
): Promise<boolean> {
  try {
    return isAllowed(await authorize(request), request.room);
  } catch (error) {
    onError(error);
    return false;
  }
}
