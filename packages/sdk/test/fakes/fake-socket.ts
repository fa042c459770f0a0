/**
 * A stand-in for the socket.io client socket with the surface `signaling.ts`, `room.ts` and
 * `reconnect.ts` use: `on`/`off` for server events, `emit` for fire-and-forget events,
 * `timeout(ms).emitWithAck` for requests, `connected`/`active`, `connect`/`disconnect`, `auth`, `io.timeout()`.
 *
 * Requests are answered by what the test registers with `answer`; one without an answer rejects
 * after its timeout like socket.io's. The server side is played with `serverEmit`, `drop` and
 * `reconnect`.
 */
import type {
  Ack,
  ClientToServerEvents,
  HandshakeAuth,
  ServerToClientEvents,
  SignalRequest,
} from '@icelane/protocol';
import type { SignalingSocket } from '../../src/signaling.js';

type ClientEvent = keyof ClientToServerEvents;
type ServerEvent = keyof ServerToClientEvents | 'connect' | 'disconnect';
type Handler = (...args: never[]) => void;

/** One `emitWithAck` the SDK made. */
export interface FakeRequest {
  event: ClientEvent;
  args: unknown[];
  timeoutMs: number;
}

export class FakeSocket {
  connected = true;
  /** socket.io's `active`: whether it will reconnect by itself. */
  active = true;
  /** Fire-and-forget events the SDK emitted, in order. */
  readonly emitted: { event: ClientEvent; args: unknown[] }[] = [];
  /** Requests (with acknowledgement) the SDK made, in order. */
  readonly requests: FakeRequest[] = [];
  disconnects = 0;
  /** socket.io's `auth`: what the next connection's handshake carries. */
  auth: HandshakeAuth | undefined;
  /** socket.io's manager, as far as the SDK reads it: `timeout`, the app's `signalingTimeoutMs`. */
  io: { timeout(): number | false } = { timeout: () => 10_000 };
  private readonly handlers = new Map<string, Set<Handler>>();
  private readonly anyHandlers = new Set<Handler>();
  private readonly answers = new Map<ClientEvent, (...args: unknown[]) => Ack<unknown>>();

  /** The socket as the SDK's code types it. */
  get signaling(): SignalingSocket {
    return this as unknown as SignalingSocket;
  }

  /** How the server answers `event` from now on (`undefined`: it never answers). */
  answer<T>(event: ClientEvent, reply: ((...args: unknown[]) => Ack<T>) | undefined): void {
    if (reply) this.answers.set(event, reply);
    else this.answers.delete(event);
  }

  on(event: string, handler: Handler): this {
    let set = this.handlers.get(event);
    if (!set) this.handlers.set(event, (set = new Set()));
    set.add(handler);
    return this;
  }

  /** A handler of every server event, called before the event's own, as socket.io does. */
  onAny(handler: Handler): this {
    this.anyHandlers.add(handler);
    return this;
  }

  offAny(handler: Handler): this {
    this.anyHandlers.delete(handler);
    return this;
  }

  /** The handlers of `event`, in the order they were added (socket.io's emitter has this). */
  listeners(event: string): Handler[] {
    return [...(this.handlers.get(event) ?? [])];
  }

  off(event: string, handler: Handler): this {
    this.handlers.get(event)?.delete(handler);
    return this;
  }

  emit(event: ClientEvent, ...args: unknown[]): this {
    this.emitted.push({ event, args });
    return this;
  }

  timeout(timeoutMs: number) {
    return {
      emitWithAck: (event: ClientEvent, ...args: unknown[]): Promise<Ack<unknown>> => {
        this.requests.push({ event, args, timeoutMs });
        const reply = this.answers.get(event);
        if (reply) return Promise.resolve().then(() => reply(...args));
        return new Promise((_, reject) => {
          setTimeout(() => reject(new Error('operation has timed out')), timeoutMs);
        });
      },
    };
  }

  connect(): this {
    this.active = true;
    return this;
  }

  disconnect(): this {
    this.disconnects += 1;
    const wasConnected = this.connected;
    this.connected = false;
    this.active = false;
    if (wasConnected) this.fire('disconnect', 'io client disconnect');
    return this;
  }

  // What the server (or the network) makes happen.

  serverEmit<E extends keyof ServerToClientEvents>(
    event: E,
    ...args: Parameters<ServerToClientEvents[E]>
  ): void {
    for (const handler of [...this.anyHandlers]) {
      (handler as (...args: unknown[]) => void)(event, ...args);
    }
    this.fire(event, ...args);
  }

  /** The connection dropped; socket.io will try to reconnect (`active`). */
  drop(reason = 'transport close'): void {
    this.connected = false;
    this.fire('disconnect', reason);
  }

  /**
   * The connection is back. A join in the handshake (`auth.join`) counts as a `room:join` request,
   * answered by `room:joined` after the connect as the test's `room:join` answer says.
   */
  reconnect(): void {
    this.connected = true;
    this.active = true;
    this.fire('connect');
    const join = this.auth?.join;
    if (join === undefined) return;
    this.requests.push({ event: 'room:join', args: [join], timeoutMs: 0 });
    const reply = this.answers.get('room:join');
    if (reply)
      void Promise.resolve().then(() => this.serverEmit('room:joined', reply(join) as never));
  }

  /** The `signal` events the SDK sent, optionally only those to `to`. */
  signals(to?: string): SignalRequest[] {
    return this.emitted
      .filter((entry) => entry.event === 'signal')
      .map((entry) => entry.args[0] as SignalRequest)
      .filter((request) => to === undefined || request.to === to);
  }

  /** How many requests of `event` the SDK made. */
  requestCount(event: ClientEvent): number {
    return this.requests.filter((request) => request.event === event).length;
  }

  private fire(event: ServerEvent, ...args: unknown[]): void {
    for (const handler of [...(this.handlers.get(event) ?? [])]) {
      (handler as (...args: unknown[]) => void)(...args);
    }
  }
}
