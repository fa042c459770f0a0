import { describe, expect, it, vi } from 'vitest';
import { FakeSocket } from '../test/fakes/fake-socket.js';
import { useFakeTimersPerTest } from '../test/fakes/fake-timers.js';
import { iceConfig } from '../test/fakes/ice.js';
import { IcelaneError } from './errors.js';
import {
  ServerAnswerError,
  joinAnswer,
  signalingTarget,
  writableAgain,
  type SignalingSocket,
} from './signaling.js';

describe('signalingTarget', () => {
  it('takes the URL path as where the server is mounted, not as a socket.io namespace', () => {
    expect(signalingTarget('https://app.example/rtc')).toEqual({
      uri: 'https://app.example',
      path: '/rtc/socket.io',
    });
    expect(signalingTarget('https://app.example/a/b/')).toEqual({
      uri: 'https://app.example',
      path: '/a/b/socket.io',
    });
  });

  it("is socket.io's default path for a URL without one, and keeps the port and query", () => {
    expect(signalingTarget('http://127.0.0.1:8080')).toEqual({
      uri: 'http://127.0.0.1:8080',
      path: '/socket.io',
    });
    expect(signalingTarget('http://host:81/?tenant=a')).toEqual({
      uri: 'http://host:81?tenant=a',
      path: '/socket.io',
    });
  });

  it('refuses what is not a URL with invalid-options', () => {
    expect(() => signalingTarget('not a url')).toThrow(IcelaneError);
    expect(() => signalingTarget('not a url')).toThrow(/url is not a URL/);
  });
});

describe('joinAnswer: the answer to the join sent in the handshake', () => {
  useFakeTimersPerTest();
  const ANSWER = { peerId: 'me', room: 'standup', peers: [], ice: iceConfig(1) };

  it('is the room:joined that follows the connection, the timeout counted from the connect', async () => {
    const socket = new FakeSocket();
    socket.connected = false;
    const answer = joinAnswer(socket.signaling, 1_000);
    // Not connected yet: no time runs against the server.
    await vi.advanceTimersByTimeAsync(5_000);
    socket.reconnect();
    await vi.advanceTimersByTimeAsync(900);
    socket.serverEmit('room:joined', { data: ANSWER });
    await expect(answer).resolves.toEqual(ANSWER);
    expect(socket.listeners('room:joined')).toEqual([]);
  });

  it("rejects a refusal with the server's error, and no answer after the timeout", async () => {
    const socket = new FakeSocket();
    const refused = joinAnswer(socket.signaling, 1_000);
    socket.serverEmit('room:joined', { error: { code: 'room-full', message: 'the room is full' } });
    await expect(refused).rejects.toEqual(
      new ServerAnswerError({ code: 'room-full', message: 'the room is full' }),
    );
    const unanswered = joinAnswer(socket.signaling, 1_000);
    const failed = expect(unanswered).rejects.toThrow(/timed out/);
    await vi.advanceTimersByTimeAsync(1_000);
    await failed;
  });

  it("after a drop before the answer, takes the next connection's answer, with its own timeout", async () => {
    const socket = new FakeSocket();
    const answer = joinAnswer(socket.signaling, 1_000);
    await vi.advanceTimersByTimeAsync(900);
    socket.drop();
    await vi.advanceTimersByTimeAsync(5_000);
    socket.reconnect();
    await vi.advanceTimersByTimeAsync(900);
    socket.serverEmit('room:joined', { data: ANSWER });
    await expect(answer).resolves.toEqual(ANSWER);
  });
});

describe('writableAgain: the signaling WebSocket after a script was cut inside its write', () => {
  const socketWith = (transport: { name: string; writable: boolean }, prevBufferLen = 0) => {
    const socket = new FakeSocket();
    Object.assign(socket.io, { engine: { transport, _prevBufferLen: prevBufferLen } });
    return socket as unknown as SignalingSocket;
  };

  it('makes a WebSocket left unwritable by a cut write writable again', () => {
    const transport = { name: 'websocket', writable: false };
    writableAgain(socketWith(transport));
    expect(transport.writable).toBe(true);
  });

  it('leaves a write whose drain is still to come to it: its packets go once', () => {
    const transport = { name: 'websocket', writable: false };
    writableAgain(socketWith(transport, 2));
    expect(transport.writable).toBe(false);
  });

  it('leaves long-polling alone: unwritable while its request is out', () => {
    const transport = { name: 'polling', writable: false };
    writableAgain(socketWith(transport));
    expect(transport.writable).toBe(false);
  });
});
