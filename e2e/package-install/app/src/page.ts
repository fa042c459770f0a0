/**
 * A page as an app developer writes it with the installed SDK: joins the room named in the URL
 * on the server that served it and keeps what happens on `window.call` for the check to read.
 */
import { IcelaneError, joinRoom, type Room } from '@icelane/sdk';
import type { ConnectionReport, ErrorCode } from '@icelane/protocol';

export interface CallState {
  peerId: string | null;
  reports: Array<{ peerId: string; report: ConnectionReport }>;
  received: Array<{ peerId: string; data: string }>;
  /** Kinds of the tracks of each remote stream. */
  streams: Array<{ peerId: string; kinds: string[] }>;
  errors: Array<{ code: ErrorCode | string; message: string }>;
  send(text: string, peerId: string): void;
}

declare global {
  interface Window {
    call: CallState;
  }
}

let room: Room | null = null;
const call: CallState = {
  peerId: null,
  reports: [],
  received: [],
  streams: [],
  errors: [],
  send: (text, peerId) => room?.send(text, peerId),
};
window.call = call;

async function start(): Promise<void> {
  const params = new URLSearchParams(location.search);
  // A video call, as apps make them: the camera (a fake one in the check's browser).
  const media = await navigator.mediaDevices.getUserMedia({ video: true });
  room = await joinRoom(location.origin, params.get('room') ?? 'package-install', {
    name: params.get('name') ?? 'guest',
    media,
  });
  call.peerId = room.peerId;
  room.on('report', (event) => call.reports.push(event));
  room.on('data', ({ peerId, data }) =>
    call.received.push({ peerId, data: typeof data === 'string' ? data : '(binary)' }),
  );
  room.on('stream', ({ peerId, stream }) =>
    call.streams.push({ peerId, kinds: stream.getTracks().map((track) => track.kind) }),
  );
  room.on('error', (error) => call.errors.push({ code: error.code, message: error.message }));
}

start().catch((error: unknown) => {
  const code = error instanceof IcelaneError ? error.code : 'join-threw';
  call.errors.push({ code, message: String(error) });
});
