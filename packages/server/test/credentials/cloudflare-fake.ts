/**
 * A local stand-in for Cloudflare's TURN key API, answering as Cloudflare documents it. It checks
 * every request (method, path, bearer token, JSON body) and answers 400 to anything else, so a
 * wrong request fails the test that made it.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { randomBytes } from 'node:crypto';

export type FakeMode =
  | { kind: 'ok'; status: 201 | 200 }
  | { kind: 'status'; status: number }
  | { kind: 'slow'; delayMs: number }
  | { kind: 'body'; body: string };

export interface FakeRequest {
  method: string;
  path: string;
  authorization: string | undefined;
  body: unknown;
}

export interface CloudflareFake {
  url: string;
  keyId: string;
  token: string;
  /** How the next requests are answered; the default is a 201 as documented. */
  mode: FakeMode;
  requests: FakeRequest[];
  /** Usernames revoked so far. */
  revoked: string[];
  /** Every TURN username and credential handed out. */
  issued: Array<{ username: string; credential: string }>;
  close(): Promise<void>;
}

const hex = (bytes: number) => randomBytes(bytes).toString('hex');

/** The `iceServers` of Cloudflare's documented `generate-ice-servers` answer. */
export function documentedIceServers(username: string, credential: string) {
  return [
    { urls: ['stun:stun.cloudflare.com:3478', 'stun:stun.cloudflare.com:53'] },
    {
      urls: [
        'turn:turn.cloudflare.com:3478?transport=udp',
        'turn:turn.cloudflare.com:53?transport=udp',
        'turn:turn.cloudflare.com:3478?transport=tcp',
        'turn:turn.cloudflare.com:80?transport=tcp',
        'turns:turn.cloudflare.com:5349?transport=tcp',
        'turns:turn.cloudflare.com:443?transport=tcp',
      ],
      username,
      credential,
    },
  ];
}

export async function startCloudflareFake(): Promise<CloudflareFake> {
  const keyId = hex(16);
  const fake: Omit<CloudflareFake, 'url' | 'close'> = {
    keyId,
    token: `cf-token-${hex(20)}`,
    mode: { kind: 'ok', status: 201 },
    requests: [],
    revoked: [],
    issued: [],
  };
  const sockets = new Set<Socket>();
  const timers = new Set<ReturnType<typeof setTimeout>>();

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString();
    let body: unknown = undefined;
    try {
      body = raw ? JSON.parse(raw) : undefined;
    } catch {
      body = raw;
    }
    const path = req.url ?? '';
    fake.requests.push({
      method: req.method ?? '',
      path,
      authorization: req.headers.authorization,
      body,
    });

    const send = (status: number, payload?: unknown) => {
      res.writeHead(status, payload === undefined ? {} : { 'content-type': 'application/json' });
      res.end(payload === undefined ? undefined : JSON.stringify(payload));
    };
    const refuse = (why: string) => send(400, { success: false, errors: [{ message: why }] });

    if (req.method !== 'POST') return refuse('method');
    if (req.headers.authorization !== `Bearer ${fake.token}`) {
      return send(401, {
        success: false,
        errors: [{ code: 10000, message: 'Authentication error' }],
      });
    }
    const base = `/v1/turn/keys/${keyId}/credentials`;
    const revoke = new RegExp(`^${base}/([^/]+)/revoke$`).exec(path);
    if (revoke) {
      fake.revoked.push(decodeURIComponent(revoke[1]!));
      return send(204);
    }
    const endpoint =
      path === `${base}/generate-ice-servers`
        ? 'array'
        : path === `${base}/generate`
          ? 'object'
          : null;
    if (!endpoint) return send(404, { success: false, errors: [{ message: 'not found' }] });
    const ttl = (body as { ttl?: unknown } | undefined)?.ttl;
    if (
      req.headers['content-type'] !== 'application/json' ||
      typeof ttl !== 'number' ||
      !Number.isInteger(ttl) ||
      ttl < 1 ||
      ttl > 172_800
    ) {
      return refuse('body must be {"ttl": 1..172800}');
    }

    const mode = fake.mode;
    if (mode.kind === 'status')
      return send(mode.status, { success: false, errors: [{ message: 'failure' }] });
    if (mode.kind === 'body') {
      res.writeHead(201, { 'content-type': 'application/json' });
      return res.end(mode.body);
    }
    if (mode.kind === 'slow') {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, mode.delayMs);
        timers.add(timer);
      });
    }
    const username = hex(48);
    const credential = hex(48);
    fake.issued.push({ username, credential });
    const servers = documentedIceServers(username, credential);
    const status = mode.kind === 'ok' ? mode.status : 201;
    if (endpoint === 'array') return send(status, { iceServers: servers });
    return send(status, {
      iceServers: {
        urls: ['stun:stun.cloudflare.com:3478', ...(servers[1]!.urls as string[])],
        username,
        credential,
      },
    });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() => res.destroy());
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return Object.assign(fake, {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      for (const timer of timers) clearTimeout(timer);
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  });
}
