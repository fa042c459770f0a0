/**
 * A local stand-in for Cloudflare's TURN key API that refuses the token, answering 401 as the
 * API does for a bad token. The only fake in these tests: Cloudflare cannot be reached from here.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CloudflareFake {
  url: string;
  /** Requests received, by path. */
  requests: string[];
  close(): Promise<void>;
}

export async function startRefusingCloudflare(): Promise<CloudflareFake> {
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    requests.push(req.url ?? '');
    req.resume();
    res.writeHead(401, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        success: false,
        errors: [{ code: 10000, message: 'Authentication error' }],
        messages: [],
        result: null,
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
