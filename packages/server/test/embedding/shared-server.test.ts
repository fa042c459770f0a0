/**
 * Issue 23: icelane on an HTTP server it shares with an app (`createServer(expressApp)`, then
 * `createIcelaneServer(http, …)`). Both answered every request and the second answer crashed the
 * process with ERR_HTTP_HEADERS_SENT; the per-address cap refused the app's own routes too.
 * Here the app is a plain Node listener that, like express, answers every request it gets.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { connect as tcpConnect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { JoinAnswer } from '@icelane/protocol';
import { connect, disconnectAll, request } from '../support/clients.js';
import { closeAll, startTestServer } from '../support/server.js';

const sockets = new Set<Socket>();
afterEach(async () => {
  for (const socket of sockets) socket.destroy();
  sockets.clear();
  disconnectAll();
  await closeAll();
});

/** An app that answers everything it is handed: its route, or its own 404. */
function recordingApp() {
  const seen: string[] = [];
  const listener = (req: IncomingMessage, res: ServerResponse) => {
    seen.push(req.url ?? '');
    const mine = req.url === '/hello';
    res.writeHead(mine ? 200 : 404, { 'content-type': 'text/plain' });
    res.end(mine ? 'hello from the app' : 'app 404');
  };
  return { seen, listener };
}

describe.each([
  ['on the server before icelane (createServer(app))', false],
  ['added after icelane (http.on("request", app))', true],
])('an app listener %s', (_name, appAddedAfter) => {
  it('answers its own requests, icelane answers its routes and socket.io, once each', async () => {
    const app = recordingApp();
    const server = await startTestServer({
      options: { pathPrefix: '/rtc' },
      appListener: app.listener,
      appAddedAfter,
    });
    const hello = await fetch(`${server.url}/hello`);
    expect(await hello.text()).toBe('hello from the app');
    const health = await fetch(`${server.url}/rtc/healthz`);
    expect(await health.json()).toEqual({ status: 'ok' });
    const ice = await fetch(`${server.url}/rtc/ice`);
    expect(ice.status).toBe(200);
    expect(await ice.json()).toMatchObject({ turn: true });
    // Outside icelane's routes, even under its prefix: the app's.
    const other = await fetch(`${server.url}/rtc/other`);
    expect([other.status, await other.text()]).toEqual([404, 'app 404']);

    // Long-polling first, as the SDK connects where WebSocket is blocked: its requests are HTTP
    // requests the app must not see.
    const socket = await connect(server.url, {
      path: '/rtc/socket.io',
      transports: ['polling', 'websocket'],
    });
    const answer = await request<JoinAnswer>(socket, 'room:join', { room: 'shared' });
    expect(answer).toMatchObject({ data: { peers: [] } });
    expect(app.seen).toEqual(['/hello', '/rtc/other']);
  });
});

/** Opens a TCP connection, sends one keep-alive GET and resolves with the status (0: cut). */
function keepAliveGet(port: number, path: string): Promise<number> {
  return new Promise((resolve) => {
    const socket = tcpConnect(port, '127.0.0.1');
    sockets.add(socket);
    socket.once('connect', () =>
      socket.write(`GET ${path} HTTP/1.1\r\nHost: localhost\r\nConnection: keep-alive\r\n\r\n`),
    );
    socket.once('data', (chunk) => resolve(Number(chunk.toString().split(' ')[1])));
    socket.once('close', () => resolve(0));
    socket.once('error', () => resolve(0));
  });
}

describe('the per-address connection cap on a shared server', () => {
  it("counts icelane's connections only: the app's routes answer past it", async () => {
    const cap = 2;
    const app = recordingApp();
    const server = await startTestServer({
      options: { pathPrefix: '/rtc', maxConnectionsPerAddress: cap },
      appListener: app.listener,
    });
    const appStatuses = [];
    for (let i = 0; i < cap + 3; i++) appStatuses.push(await keepAliveGet(server.port, '/hello'));
    expect(appStatuses).toEqual(Array(cap + 3).fill(200));

    const icelaneStatuses = [];
    for (let i = 0; i < cap + 1; i++) {
      icelaneStatuses.push(await keepAliveGet(server.port, '/rtc/healthz'));
    }
    expect(icelaneStatuses).toEqual([...Array(cap).fill(200), 0]);
    expect(await server.counter('icelane_connections_cut_total', { reason: 'address-cap' })).toBe(
      1,
    );
  });
});
