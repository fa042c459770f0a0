/**
 * Hostile clients for the adversarial suite, written against the wire rather than with
 * socket.io-client, which would refuse to misbehave: raw engine.io long-polling requests, a
 * WebSocket over raw TCP that stops reading, idle TCP connections. Each socket opened here is
 * destroyed by {@link destroyAttackSockets}.
 */
import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { connect as tcpConnect, type Socket } from 'node:net';

const sockets = new Set<Socket>();

function track(socket: Socket): Socket {
  sockets.add(socket);
  socket.once('close', () => sockets.delete(socket));
  // A server cutting the attacker off is what the suite expects, not an error.
  socket.on('error', () => {});
  return socket;
}

export function destroyAttackSockets(): void {
  for (const socket of sockets) socket.destroy();
  sockets.clear();
}

/** One HTTP request on a fresh connection; resolves with the status and body. */
export function httpRequest(
  port: number,
  path: string,
  options: { method?: string; body?: string; localAddress?: string } = {},
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: options.method ?? 'GET',
        agent: false,
        ...(options.localAddress && { localAddress: options.localAddress }),
        headers: options.body ? { 'content-type': 'text/plain;charset=UTF-8' } : {},
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }),
        );
      },
    );
    req.once('error', reject);
    req.end(options.body);
  });
}

/** An engine.io long-polling session: its id, from the handshake's `0{"sid":…}`. */
export async function pollingSession(port: number): Promise<string> {
  const { status, body } = await httpRequest(port, '/socket.io/?EIO=4&transport=polling');
  if (status !== 200) throw new Error(`polling handshake answered ${status}: ${body}`);
  return (JSON.parse(body.slice(1)) as { sid: string }).sid;
}

/** POSTs engine.io packets to a polling session, joined with the record separator. */
export function pollingPost(port: number, sid: string, packets: string[]) {
  return httpRequest(port, `/socket.io/?EIO=4&transport=polling&sid=${sid}`, {
    method: 'POST',
    body: packets.join('\x1e'),
  });
}

/** A client WebSocket frame: text, masked (as a client must) with a zero key. */
function textFrame(text: string): Buffer {
  const payload = Buffer.from(text);
  const length = payload.length;
  const header =
    length < 126
      ? Buffer.from([0x81, 0x80 | length])
      : length < 65_536
        ? Buffer.from([0x81, 0x80 | 126, length >> 8, length & 0xff])
        : Buffer.concat([Buffer.from([0x81, 0x80 | 127]), bigEndian64(length)]);
  return Buffer.concat([header, Buffer.alloc(4), payload]);
}

function bigEndian64(value: number): Buffer {
  const buffer = Buffer.alloc(8);
  buffer.writeBigUInt64BE(BigInt(value));
  return buffer;
}

export interface RawWebSocket {
  socket: Socket;
  /** Sends one engine.io packet as a text frame. */
  send(packet: string): void;
  /** Resolves with the first received text that `match` accepts (frames are not parsed). */
  receive(match: RegExp, timeoutMs?: number): Promise<string>;
}

/** An engine.io WebSocket session over raw TCP, after the 101 and the open packet. */
export async function rawWebSocket(port: number): Promise<RawWebSocket> {
  const socket = track(tcpConnect({ host: '127.0.0.1', port }));
  let received = '';
  socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
  socket.write(
    [
      'GET /socket.io/?EIO=4&transport=websocket HTTP/1.1',
      `Host: 127.0.0.1:${port}`,
      'Upgrade: websocket',
      'Connection: Upgrade',
      `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}`,
      'Sec-WebSocket-Version: 13',
      '',
      '',
    ].join('\r\n'),
  );
  const receive = (match: RegExp, timeoutMs = 5_000) =>
    new Promise<string>((resolve, reject) => {
      const deadline = Date.now() + timeoutMs;
      const check = () => {
        const found = match.exec(received);
        if (found) return resolve(found[0]);
        if (Date.now() > deadline) return reject(new Error(`no ${match} within ${timeoutMs} ms`));
        setTimeout(check, 10);
      };
      check();
    });
  await receive(/"sid"/);
  return { socket, send: (packet) => socket.write(textFrame(packet)), receive };
}

/** Opens `count` TCP connections from `localAddress` that never send a byte. */
export async function idleConnections(
  port: number,
  count: number,
  localAddress = '127.0.0.1',
): Promise<Socket[]> {
  return Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<Socket>((resolve) => {
          const socket = track(tcpConnect({ host: '127.0.0.1', port, localAddress }));
          socket.once('connect', () => resolve(socket));
          socket.once('error', () => resolve(socket));
        }),
    ),
  );
}
