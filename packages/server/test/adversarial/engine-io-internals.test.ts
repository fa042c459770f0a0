/**
 * The transport guard (src/signaling/transport-guard.ts) reads engine.io's connection object,
 * which is not a public API. These tests run bare socket.io (no icelane code) and fail when what
 * the guard relies on moves in an upgrade: the events it listens to and their order, the
 * transport's WebSocket, `close(discard)`. The last one pins the upstream defect the guard's
 * CONNECT limit exists for; when socket.io fixes it, that test fails and the limit can go
 * (packages/server/README.md, "The transport guard and socket.io").
 */
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { io as ioClient, type Socket as ClientSocket } from 'socket.io-client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  destroyAttackSockets,
  httpRequest,
  pollingPost,
  pollingSession,
} from './attack-clients.js';

/** The slice of engine.io's connection the guard reads (its EngineConnection). */
interface EngineConnection {
  readyState: string;
  transport: { name: string; socket?: { bufferedAmount?: unknown; terminate?: unknown } };
  on(event: string, listener: (packet: { type: string; data?: unknown }) => void): void;
  close(discard?: boolean): void;
}

const opened: Array<{ http: HttpServer; io: Server }> = [];
const clients: ClientSocket[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) client.disconnect();
  destroyAttackSockets();
  for (const { io } of opened.splice(0)) await io.close();
});

/** Bare socket.io on port 0, with every engine.io connection and socket.io socket it makes. */
async function bareSocketIo() {
  const http = createServer();
  const io = new Server(http);
  opened.push({ http, io });
  const connections: EngineConnection[] = [];
  const sockets: string[] = [];
  io.engine.on('connection', (conn: EngineConnection) => connections.push(conn));
  io.on('connection', (socket) => sockets.push(socket.id));
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  return { io, port, connections, sockets };
}

describe("engine.io's internals the transport guard reads", () => {
  it("emits 'packet' before socket.io handles the message, 'packetCreate' per queued packet and 'flush' when sent", async () => {
    const server = await bareSocketIo();
    const sid = await pollingSession(server.port);
    const conn = server.connections[0]!;
    expect(conn.readyState).toBe('open');
    expect(conn.transport.name).toBe('polling');
    const seen: string[] = [];
    conn.on('packet', (packet) => seen.push(`packet ${packet.type} ${String(packet.data)}`));
    conn.on('packetCreate', (packet) => seen.push(`packetCreate ${packet.type}`));
    conn.on('flush', () => seen.push('flush'));
    server.io.on('connection', () => seen.push('socket.io connection'));

    await pollingPost(server.port, sid, ['40']);
    await vi.waitFor(() => expect(server.sockets).toHaveLength(1));
    // The guard cuts in 'packet': nothing of socket.io's (its answer, its socket) comes first.
    expect(seen[0]).toBe('packet message 0');
    expect(seen).toContain('socket.io connection');
    // socket.io's answer to the CONNECT is queued ('packetCreate') and goes out with a poll.
    expect(seen).toContain('packetCreate message');
    const poll = await httpRequest(server.port, `/socket.io/?EIO=4&transport=polling&sid=${sid}`);
    expect(poll.body).toMatch(/^40/);
    expect(seen.at(-1)).toBe('flush');

    conn.close(true);
    expect(conn.readyState).toBe('closed');
  });

  it('gives a WebSocket transport whose socket has bufferedAmount and terminate()', async () => {
    const server = await bareSocketIo();
    const client = ioClient(`http://127.0.0.1:${server.port}`, { transports: ['websocket'] });
    clients.push(client);
    await new Promise<void>((resolve) => client.once('connect', () => resolve()));
    const { transport } = server.connections[0]!;
    expect(transport.name).toBe('websocket');
    expect(typeof transport.socket?.bufferedAmount).toBe('number');
    expect(typeof transport.socket?.terminate).toBe('function');
  });

  it('still makes a socket per CONNECT repeated before the first is done (the upstream defect)', async () => {
    const server = await bareSocketIo();
    const sid = await pollingSession(server.port);
    const repeated = 10;
    await pollingPost(
      server.port,
      sid,
      Array.from({ length: repeated }, () => '40'),
    );
    // Fixed upstream, this stays at 1 and the wait fails: the guard's CONNECT limit can go.
    await vi.waitFor(() => expect(server.sockets).toHaveLength(repeated), { timeout: 5_000 });
  });
});
