/**
 * A stand-in for Cloudflare's TURN key API, answering as Cloudflare documents it. It checks every
 * request (method, path, bearer token, JSON body) and answers 400 to anything else, so a wrong
 * request fails the test that made it.
 *
 * One behaviour, two ways to reach it: over HTTP on a local port ({@link startCloudflareFake}),
 * or in-process as a `fetch` ({@link createCloudflareApi}), for tests that run on fake timers.
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type FakeMode =
  | { kind: 'ok'; status: 201 | 200 }
  | { kind: 'status'; status: number }
  /** Answers after `delayMs` (on the test's clock). */
  | { kind: 'slow'; delayMs: number }
  /** Never answers; only an abort ends the request. */
  | { kind: 'hang' }
  /** Answers once `release` settles: what must happen while the provider is still out comes
   * first whatever the machine's load. */
  | { kind: 'held'; release: Promise<void> }
  | { kind: 'body'; body: string };

export interface FakeRequest {
  method: string;
  path: string;
  authorization: string | null;
  body: unknown;
}

export interface CloudflareApi {
  keyId: string;
  token: string;
  /** How the next requests are answered; the default is a 201 as documented. */
  mode: FakeMode;
  requests: FakeRequest[];
  /** The requests so far to the current endpoint that mints a credential (`generate-ice-servers`). */
  mintRequests(): FakeRequest[];
  /** Usernames revoked so far. */
  revoked: string[];
  /** Every TURN username and credential handed out. */
  issued: Array<{ username: string; credential: string; customIdentifier?: string }>;
  /** Answers a request as Cloudflare would. */
  handle(request: Request): Promise<Response>;
  /** `handle` as a `fetch`, honouring the abort signal like the real one. */
  fetch: typeof fetch;
}

/** One TURN server entry of an answer, as Cloudflare writes it. */
export interface FakeIceServer {
  urls: string | string[];
  username?: string;
  credential?: string;
}

export interface CloudflareFakeOptions {
  /**
   * The `iceServers` of the `count`-th successful mint (from 1), asked with `ttl` seconds. The
   * default is Cloudflare's documented answer with fresh random credentials; a test with a real
   * TURN server mints credentials that server accepts (or, on purpose, refuses).
   */
  iceServers: (mint: { ttl: number; count: number }) => FakeIceServer[];
}

export const cloudflareFakeDefaults: CloudflareFakeOptions = {
  iceServers: () => documentedIceServers(hex(48), hex(48)),
};

export interface CloudflareFake extends CloudflareApi {
  url: string;
  close(): Promise<void>;
}

const hex = (bytes: number) => randomBytes(bytes).toString('hex');
const json = (status: number, payload: unknown) =>
  new Response(JSON.stringify(payload), {
    status,
    headers: { 'content-type': 'application/json' },
  });
const failure = (status: number, message: string) =>
  json(status, {
    success: false,
    // Cloudflare's API answers a token it refuses with error 10000, "Authentication error".
    errors: [{ code: status === 401 ? 10_000 : status, message }],
    messages: [],
    result: null,
  });

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

export function createCloudflareApi(options: Partial<CloudflareFakeOptions> = {}): CloudflareApi {
  const o = { ...cloudflareFakeDefaults, ...options };
  const keyId = hex(16);
  const base = `/v1/turn/keys/${keyId}/credentials`;
  const revokePath = new RegExp(`^${base}/([^/]+)/revoke$`);

  const api: CloudflareApi = {
    keyId,
    token: `cf-token-${hex(20)}`,
    mode: { kind: 'ok', status: 201 },
    requests: [],
    mintRequests: () => api.requests.filter((r) => r.path === `${base}/generate-ice-servers`),
    revoked: [],
    issued: [],

    async handle(request) {
      const path = new URL(request.url).pathname;
      const raw = await request.text();
      let body: unknown = raw;
      try {
        body = raw ? JSON.parse(raw) : undefined;
      } catch {
        // Kept as text: the checks below refuse it.
      }
      const authorization = request.headers.get('authorization');
      api.requests.push({ method: request.method, path, authorization, body });

      if (request.method !== 'POST') return failure(405, 'method not allowed');
      if (authorization !== `Bearer ${api.token}`) return failure(401, 'Authentication error');
      const revoke = revokePath.exec(path);
      if (revoke) {
        api.revoked.push(decodeURIComponent(revoke[1]!));
        return new Response(null, { status: 204 });
      }
      const shape =
        path === `${base}/generate-ice-servers`
          ? 'array'
          : path === `${base}/generate`
            ? 'object'
            : null;
      if (!shape) return failure(404, 'not found');
      const { ttl, customIdentifier } = (body ?? {}) as {
        ttl?: unknown;
        customIdentifier?: unknown;
      };
      const validTtl =
        typeof ttl === 'number' && Number.isInteger(ttl) && ttl >= 1 && ttl <= 172_800;
      // Documented beside `ttl` ("Tag users with custom identifiers"): a string, optional.
      const validIdentifier =
        customIdentifier === undefined || typeof customIdentifier === 'string';
      if (
        request.headers.get('content-type') !== 'application/json' ||
        !validTtl ||
        !validIdentifier
      ) {
        return failure(400, 'body must be {"ttl": 1..172800, "customIdentifier"?: string}');
      }

      const mode = api.mode;
      if (mode.kind === 'status') return failure(mode.status, 'failure');
      if (mode.kind === 'body') {
        return new Response(mode.body, {
          status: 201,
          headers: { 'content-type': 'application/json' },
        });
      }
      if (mode.kind === 'hang') await new Promise(() => {});
      if (mode.kind === 'held') await mode.release;
      if (mode.kind === 'slow') await new Promise((resolve) => setTimeout(resolve, mode.delayMs));
      const servers = o.iceServers({ ttl: ttl as number, count: api.issued.length + 1 });
      const turn = servers.find((server) => server.username !== undefined);
      const username = turn?.username ?? '';
      const credential = turn?.credential ?? '';
      api.issued.push({
        username,
        credential,
        ...(typeof customIdentifier === 'string' ? { customIdentifier } : {}),
      });
      const status = mode.kind === 'ok' ? mode.status : 201;
      if (shape === 'array') return json(status, { iceServers: servers });
      // The older endpoint answers one object holding every URL.
      const urls = servers.flatMap((server) => server.urls);
      return json(status, { iceServers: { urls, username, credential } });
    },

    fetch: (input, init) => {
      const request = new Request(input, init);
      const { signal } = request;
      if (signal.aborted) return Promise.reject(signal.reason);
      return new Promise<Response>((resolve, reject) => {
        signal.addEventListener('abort', () => reject(signal.reason), { once: true });
        api.handle(request).then(resolve, reject);
      });
    },
  };
  return api;
}

/** The same API on `http://127.0.0.1:<free port>`. */
export async function startCloudflareFake(
  options: Partial<CloudflareFakeOptions> = {},
): Promise<CloudflareFake> {
  const api = createCloudflareApi(options);
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const headers = new Headers();
      for (const [name, value] of Object.entries(req.headers)) {
        if (typeof value === 'string') headers.set(name, value);
      }
      const body = chunks.length > 0 ? Buffer.concat(chunks) : undefined;
      const request = new Request(`http://127.0.0.1${req.url ?? '/'}`, {
        method: req.method,
        headers,
        body,
      });
      api
        .handle(request)
        .then(async (response) => {
          res.writeHead(response.status, Object.fromEntries(response.headers));
          res.end(Buffer.from(await response.arrayBuffer()));
        })
        .catch(() => res.destroy());
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return Object.assign(api, {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  });
}
