/**
 * The socket.io side of the SDK: connecting to the server and asking it things with an
 * acknowledgement and a timeout.
 */
import { io, type Socket } from 'socket.io-client';
import type {
  Ack,
  AckCallback,
  ClientToServerEvents,
  JoinAnswer,
  JoinRequest,
  ProtocolError,
  ServerToClientEvents,
} from '@icelane/protocol';
import { IcelaneError } from './errors.js';
import { connectDeadline } from './signaling-deadline.js';

export type SignalingSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface SignalingOptions {
  token?: string;
  timeoutMs: number;
  /** Sent in socket.io's handshake, answered by `room:joined` (see {@link joinAnswer}). */
  join: JoinRequest;
}

/**
 * Transport errors in a row (nothing answered: connection refused, reset, a name that does not
 * resolve, a proxy's error page) after which a join stops trying. socket.io's first retries
 * come about 0.1, 0.2 and 0.4 s apart here, so a server that is not there fails the join in
 * about a second instead of the whole `signalingTimeoutMs`; one lost request does not.
 */
export const TRANSPORT_ERRORS_BEFORE_GIVING_UP = 3;

/**
 * Where socket.io connects for an icelane server URL. The server speaks on socket.io's main
 * namespace only, so the URL's path is where it is mounted (its `pathPrefix`), not a namespace
 * as with `io()`: `https://host/rtc` connects to `https://host` on the HTTP path
 * `/rtc/socket.io`. A relative URL is taken relative to the page.
 */
export function signalingTarget(url: string): { uri: string; path: string } {
  let parsed: URL;
  try {
    parsed = new URL(url, globalThis.location?.href);
  } catch (error) {
    throw new IcelaneError('invalid-options', `url is not a URL: ${url}`, { cause: error });
  }
  return {
    uri: parsed.origin + parsed.search,
    path: parsed.pathname.replace(/\/+$/, '') + '/socket.io',
  };
}

/**
 * Connects to the server, the join in the handshake. The socket is there at once, so listeners
 * are on before anything arrives; `connected` rejects with `signaling-failed` (or `join-failed`
 * when the server refused the connection).
 */
export function connectSignaling(
  url: string,
  options: SignalingOptions,
): { socket: SignalingSocket; connected: Promise<void> } {
  const target = signalingTarget(url);
  const socket: SignalingSocket = io(target.uri, {
    path: target.path,
    // Each reconnection sends it again: the room keeps it current (its resume token). JSON leaves
    // an undefined token out.
    auth: { join: options.join, token: options.token },
    timeout: options.timeoutMs,
    // A new connection per room: joins on the same server must not share one socket.
    forceNew: true,
    // A dropped connection is usually a network change under a live call, whose healing waits
    // on signaling: the first try comes at once (50-150 ms, socket.io's jitter), not after
    // socket.io's 1 s; later ones back off as usual, up to its 5 s.
    reconnectionDelay: 100,
    // Straight on WebSocket, falling back to long-polling where it cannot open (a proxy that
    // refuses the upgrade, a server that accepts polling only). socket.io's default, polling
    // first and an upgrade once it works, costs the first join two round trips or more: the
    // polling handshake, then the upgrade's probe, during which nothing is sent. A rejoin after a
    // drop opens the same way: a call healing after a NAT rebinding waits for it.
    transports: ['websocket', 'polling'],
    tryAllTransports: true,
  });
  const unreachable = (why: string, cause: Error | undefined) =>
    new IcelaneError('signaling-failed', `could not reach the signaling server at ${url} ${why}`, {
      cause,
    });
  const connected = new Promise<void>((resolve, reject) => {
    let lastError: Error | undefined;
    let transportErrors = 0;
    const settle = (error?: IcelaneError) => {
      stopDeadline();
      socket.off('connect', onConnect);
      socket.off('connect_error', onError);
      if (!error) return resolve();
      socket.disconnect();
      reject(error);
    };
    const onConnect = () => settle();
    const onError = (
      error: Error & { data?: { code?: string }; type?: string; description?: unknown },
    ) => {
      lastError = error;
      if (
        error.type === 'TransportError' &&
        ++transportErrors >= TRANSPORT_ERRORS_BEFORE_GIVING_UP
      ) {
        // engine.io's description is the HTTP status, 0 when nothing answered.
        const status = Number(error.description) > 0 ? `HTTP ${error.description}` : 'no answer';
        return settle(unreachable(`(${error.message}, ${status})`, error));
      }
      // A refusal by the server's middleware is final; a network error is retried until the timeout.
      if (!socket.active) {
        const code = error.data?.code ?? 'unauthorized';
        settle(
          new IcelaneError('join-failed', `the server refused the connection: ${error.message}`, {
            cause: error,
            details: { code },
          }),
        );
      }
    };
    const startedAt = Date.now();
    const stopDeadline = connectDeadline(socket, options.timeoutMs, () => {
      settle(unreachable(`within ${Date.now() - startedAt} ms`, lastError));
    });
    socket.on('connect', onConnect);
    socket.on('connect_error', onError);
  });
  return { socket, connected };
}

/**
 * The server's answer to the join in the handshake (`room:joined`): that connection's, or after a
 * drop the next one's (each carries the join). Rejects with {@link ServerAnswerError} on a
 * refusal, or a timeout error when a connection brings no answer within `timeoutMs`.
 */
export function joinAnswer(socket: SignalingSocket, timeoutMs: number): Promise<JoinAnswer> {
  return new Promise((resolve, reject) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    // At a connect and at a drop: the time runs while a connection is up (socket.io has already
    // set `connected` when it tells either).
    const arm = () => {
      clearTimeout(timer);
      if (socket.connected) timer = setTimeout(settle, timeoutMs);
    };
    const settle = (answer?: Ack<JoinAnswer>) => {
      clearTimeout(timer);
      socket.off('connect', arm).off('disconnect', arm).off('room:joined', settle);
      if (!answer) reject(new Error('timed out'));
      else if ('error' in answer) reject(new ServerAnswerError(answer.error));
      else resolve(answer.data);
    };
    arm();
    socket.on('connect', arm).on('disconnect', arm).on('room:joined', settle);
  });
}

/** The server's `{ error }` answer, thrown by {@link request}. */
export class ServerAnswerError extends Error {
  override readonly name = 'ServerAnswerError';
  constructor(readonly error: ProtocolError) {
    super(error.message);
  }
}

/** The requests the SDK waits on, each typed by the protocol's event contract. */
export type AckEvent = 'ice:refresh' | 'room:leave' | 'connection:report';

/** An event's arguments, its acknowledgement made required. */
type EventArgs<E extends AckEvent> = Required<Parameters<ClientToServerEvents[E]>>;

/** What `event` sends before its acknowledgement: its payload, or nothing. */
export type RequestPayload<E extends AckEvent> =
  EventArgs<E> extends [unknown] ? [] : EventArgs<E> extends [infer P, unknown] ? [P] : never;

/** The `data` that `event`'s acknowledgement answers with. */
export type AnswerOf<E extends AckEvent> =
  EventArgs<E> extends [...unknown[], AckCallback<infer T>] ? T : never;

/**
 * Emits an event whose last argument is an acknowledgement and resolves with its `data`.
 * Rejects with {@link ServerAnswerError} on an `{ error }` answer, or a timeout error.
 */
export async function request<E extends AckEvent>(
  socket: SignalingSocket,
  event: E,
  timeoutMs: number,
  ...payload: RequestPayload<E>
): Promise<AnswerOf<E>> {
  const timed = socket.timeout(timeoutMs);
  // socket.io pairs a payload with its event only for a known event; `E` is still generic here,
  // so the call takes the types this signature derived from the same contract.
  const emitWithAck = timed.emitWithAck.bind(timed) as (
    event: E,
    ...payload: RequestPayload<E>
  ) => Promise<Ack<AnswerOf<E>>>;
  const answer = await emitWithAck(event, ...payload);
  if ('error' in answer) throw new ServerAnswerError(answer.error);
  return answer.data;
}

/**
 * Makes the signaling WebSocket writable again after a script was cut short inside
 * engine.io-client's write. That write marks the transport unwritable, sends, and marks it
 * writable again on a microtask; cut between the two (Firefox cancels a closing page's script
 * wherever it has got to, see page-hide.ts), the transport stays unwritable and everything sent
 * after it waits in engine.io's buffer for good. The next write sends all that buffer holds, the
 * cut write's packets again among them. A write that went through counts its packets
 * (`_prevBufferLen`) until its microtask: one still to come (a `pagehide` dispatched inside
 * another script, an iframe removed) is left to it, its packets not sent twice.
 */
export function writableAgain(socket: SignalingSocket): void {
  const engine = socket.io.engine as unknown as { _prevBufferLen?: number } | undefined;
  const transport = socket.io.engine?.transport;
  // Long-polling is rightly unwritable while a request is out, and answers it with its drain.
  if (transport?.name === 'websocket' && !engine?._prevBufferLen) transport.writable = true;
}
