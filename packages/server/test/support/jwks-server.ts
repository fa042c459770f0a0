/**
 * A key server on loopback publishing a JSON Web Key Set, as an identity provider does at its
 * `jwks_uri`. It counts requests and can fail, hang or be stopped, for the outage tests.
 */
import { createServer } from 'node:http';
import type { JsonWebKey } from 'node:crypto';
import type { AddressInfo, Socket } from 'node:net';

export type JwksMode = 'serve' | 'error' | 'hang';

export interface JwksServer {
  url: string;
  /** The keys published; change it to rotate. */
  keys: JsonWebKey[];
  mode: JwksMode;
  /** Requests received so far. */
  requests: number;
  close(): Promise<void>;
}

export async function startJwksServer(keys: JsonWebKey[]): Promise<JwksServer> {
  const sockets = new Set<Socket>();
  const state: Omit<JwksServer, 'url' | 'close'> = { keys, mode: 'serve', requests: 0 };
  const server = createServer((req, res) => {
    state.requests++;
    if (state.mode === 'hang') return;
    if (state.mode === 'error') {
      res.writeHead(500, { 'content-type': 'text/plain' });
      return void res.end('key server failure\n');
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ keys: state.keys }));
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  let closed: Promise<void> | null = null;
  return Object.assign(state, {
    url: `http://127.0.0.1:${port}/.well-known/jwks.json`,
    close: () =>
      (closed ??= new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      })),
  });
}
