/**
 * Real socket.io clients for the tests, each disconnected by {@link disconnectAll}.
 */
import { io, type Socket } from 'socket.io-client';
import { expect } from 'vitest';
import type { Ack, JoinAnswer, SignalMessage } from '@icelane/protocol';

/** Untyped on purpose: tests send what a hostile or buggy client would. */
export type TestClient = Socket;

const clients = new Set<TestClient>();

export async function connect(
  url: string,
  options: Parameters<typeof io>[1] = {},
): Promise<TestClient> {
  const socket = io(url, { transports: ['websocket'], reconnection: false, ...options });
  clients.add(socket);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  return socket;
}

/**
 * Connects with `auth` (its `join` sent in the handshake) and resolves with the `room:joined`
 * answer, listened for before the connection opens.
 */
export async function joinInHandshake(
  url: string,
  auth: Record<string, unknown>,
  options: Parameters<typeof io>[1] = {},
): Promise<{ socket: TestClient; answer: Ack<JoinAnswer> }> {
  const socket = io(url, { transports: ['websocket'], reconnection: false, auth, ...options });
  clients.add(socket);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const answer = await new Promise<Ack<JoinAnswer>>((resolve, reject) => {
    socket.once('room:joined', resolve);
    socket.once('connect_error', reject);
    timer = setTimeout(() => reject(new Error('no "room:joined" within 5000 ms')), 5_000);
  }).finally(() => clearTimeout(timer));
  return { socket, answer };
}

/** Emits and waits for the acknowledgement. */
export function request<T = unknown>(
  socket: TestClient,
  event: string,
  ...args: unknown[]
): Promise<Ack<T>> {
  return socket.timeout(5_000).emitWithAck(event, ...args) as Promise<Ack<T>>;
}

/** Connects and joins `room`; fails the test unless the join succeeds. */
export async function joined(
  url: string,
  room: string,
  extra: Record<string, unknown> = {},
): Promise<{ socket: TestClient; answer: JoinAnswer }> {
  const socket = await connect(url);
  const answer = await request<JoinAnswer>(socket, 'room:join', { room, ...extra });
  if (!('data' in answer)) throw new Error(`join failed: ${JSON.stringify(answer)}`);
  return { socket, answer: answer.data };
}

/** The next `event` on `socket`, or a rejection after `timeoutMs`. */
export function nextEvent<T = unknown>(
  socket: TestClient,
  event: string,
  timeoutMs = 5_000,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.off(event, onEvent);
      reject(new Error(`no "${event}" within ${timeoutMs} ms`));
    }, timeoutMs);
    const onEvent = (payload: T) => {
      clearTimeout(timer);
      resolve(payload);
    };
    socket.once(event, onEvent);
  });
}

/** Two newcomers join `room` on the server at `url`, and a signal from one reaches the other. */
export async function expectStillServing(url: string, room = 'health-check'): Promise<void> {
  const alice = await joined(url, room);
  const bob = await joined(url, room);
  const received = nextEvent<SignalMessage>(bob.socket, 'signal');
  await request(alice.socket, 'signal', {
    to: bob.answer.peerId,
    attempt: 1,
    data: { type: 'offer' },
  });
  expect((await received).from).toBe(alice.answer.peerId);
}

/** Every `event` `socket` receives from now on, for asserting that nothing arrived. */
export function record<T = unknown>(socket: TestClient, event: string): T[] {
  const seen: T[] = [];
  socket.on(event, (payload: T) => seen.push(payload));
  return seen;
}

export function disconnectAll(): void {
  for (const socket of clients) socket.disconnect();
  clients.clear();
}
