/**
 * Bounds on each transport (engine.io) connection, below socket.io, where a hostile client's
 * bytes arrive before any icelane code sees them:
 *
 * - namespace CONNECT packets: socket.io 4.8.4 (the newest, and its main branch as of 2026-06)
 *   checks for a second CONNECT only once the first has finished, so one long-polling POST
 *   carrying thousands of `40` packets makes thousands of sockets. A few per connection are
 *   allowed; past that the connection is cut before socket.io decodes the packet;
 * - inbound messages: a token bucket per connection, above the sum of the event limits;
 * - outgoing bytes: a client that stops reading (answering pings all the while) would make the
 *   server buffer everything meant for it. What waits in engine.io's write buffer and in the
 *   WebSocket's send buffer is capped; past it the connection is cut.
 *
 * engine.io's connection object is not a public API: test/adversarial/engine-io-internals.test.ts
 * fails when what this reads moves, and pins the CONNECT defect (README, "The transport guard and
 * socket.io", says what an upstream fix would look like and what may go then).
 */
import type { Metrics } from '../observability/metrics.js';
import type { IcelaneIo } from './context.js';
import type { Limiters } from '../clients/limiters.js';

/** One socket.io namespace is used; a client that reconnects it on one connection gets a few. */
const CONNECTS_PER_CONNECTION = 4;

export interface TransportLimits {
  /** Bytes waiting to be sent to one client before it is taken for a slow reader and cut off. */
  maxOutgoingBufferBytes: number;
}

/** The slice of an engine.io packet and connection this guard reads. */
interface EnginePacket {
  type: string;
  data?: unknown;
}
interface EngineConnection {
  readyState: string;
  writeBuffer: EnginePacket[];
  transport: { name: string; socket?: { bufferedAmount?: number; terminate?: () => void } };
  on(event: 'packet' | 'packetCreate', listener: (packet: EnginePacket) => void): void;
  on(event: 'flush', listener: () => void): void;
  close(discard?: boolean): void;
}

export function guardTransports(
  io: IcelaneIo,
  limiters: Limiters,
  metrics: Metrics,
  limits: TransportLimits,
): void {
  io.engine.on('connection', (raw: unknown) => {
    const conn = raw as EngineConnection;
    const messages = limiters.messageBucket();
    let connects = 0;
    // Bytes in the write buffer: counted as packets are queued, reset when it is flushed.
    let queuedBytes = 0;
    const cut = (reason: string) => {
      if (conn.readyState === 'closed') return;
      metrics.connectionsCut.inc({ reason });
      // Nothing more is read or sent: a WebSocket is destroyed rather than closed, since a
      // closing handshake would queue behind the very bytes the client does not read.
      conn.transport.socket?.terminate?.();
      conn.close(true);
    };

    // 'packet' is emitted before socket.io is handed the message, so a cut here stops it there.
    conn.on('packet', (packet) => {
      if (packet.type !== 'message') return;
      if (!limiters.takeMessage(messages)) return cut('message-flood');
      // A socket.io CONNECT: engine.io message `4` carrying socket.io packet type `0`.
      if (typeof packet.data === 'string' && packet.data.startsWith('0')) {
        if (++connects > CONNECTS_PER_CONNECTION) cut('connect-flood');
      }
    });
    conn.on('packetCreate', (packet) => {
      queuedBytes += sizeOf(packet.data);
      const inTransport = conn.transport.socket?.bufferedAmount ?? 0;
      if (queuedBytes + inTransport > limits.maxOutgoingBufferBytes) cut('slow-reader');
    });
    conn.on('flush', () => {
      queuedBytes = 0;
    });
  });
}

function sizeOf(data: unknown): number {
  if (typeof data === 'string') return data.length;
  if (data instanceof ArrayBuffer || ArrayBuffer.isView(data)) return data.byteLength;
  return 0;
}
