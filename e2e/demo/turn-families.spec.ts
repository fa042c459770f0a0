/**
 * The demo's coturn answers TURN on both families, as `npm run demo` starts it: an Allocate over
 * UDP to 127.0.0.1 and to ::1 gets coturn's answer, the challenge of its realm (401 with
 * REALM `icelane.demo`), which only a TURN server that listens there sends.
 */
import { createSocket } from 'node:dgram';
import { randomBytes } from 'node:crypto';
import { expect } from '@playwright/test';
import { test } from './demo-stack.js';

const MAGIC_COOKIE = 0x2112a442;
const ALLOCATE_REQUEST = 0x0003;
const ALLOCATE_ERROR = 0x0113;
const ATTR_REQUESTED_TRANSPORT = 0x0019;
const ATTR_ERROR_CODE = 0x0009;
const ATTR_REALM = 0x0014;
const UDP_PROTOCOL = 17;
/** A STUN retransmission's first wait (RFC 8489: RTO 500 ms); a local coturn answers in far less. */
const ANSWER_TIMEOUT_MS = 2_000;

/** An unauthenticated Allocate for a UDP relay: the request a TURN client sends first. */
function allocateRequest(transactionId: Buffer): Buffer {
  const message = Buffer.alloc(28);
  message.writeUInt16BE(ALLOCATE_REQUEST, 0);
  message.writeUInt16BE(8, 2);
  message.writeUInt32BE(MAGIC_COOKIE, 4);
  transactionId.copy(message, 8);
  message.writeUInt16BE(ATTR_REQUESTED_TRANSPORT, 20);
  message.writeUInt16BE(4, 22);
  message.writeUInt8(UDP_PROTOCOL, 24);
  return message;
}

/** The answer's type, and its error code and realm when it has them. */
function readAnswer(message: Buffer) {
  const answer: { type: number; transactionId: string; code?: number; realm?: string } = {
    type: message.readUInt16BE(0),
    transactionId: message.subarray(8, 20).toString('hex'),
  };
  for (let at = 20; at + 4 <= message.length;) {
    const type = message.readUInt16BE(at);
    const length = message.readUInt16BE(at + 2);
    const value = message.subarray(at + 4, at + 4 + length);
    if (type === ATTR_ERROR_CODE) answer.code = value.readUInt8(2) * 100 + value.readUInt8(3);
    if (type === ATTR_REALM) answer.realm = value.toString();
    at += 4 + Math.ceil(length / 4) * 4;
  }
  return answer;
}

/** Sends the Allocate to `host`:`port` and resolves with coturn's answer. */
function allocate(host: string, port: number): Promise<ReturnType<typeof readAnswer>> {
  const socket = createSocket(host.includes(':') ? 'udp6' : 'udp4');
  const transactionId = randomBytes(12);
  return new Promise<ReturnType<typeof readAnswer>>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no TURN answer from ${host}:${port}`)),
      ANSWER_TIMEOUT_MS,
    );
    socket.once('error', reject);
    socket.on('message', (message) => {
      const answer = readAnswer(message);
      if (answer.transactionId !== transactionId.toString('hex')) return;
      clearTimeout(timer);
      resolve(answer);
    });
    socket.send(allocateRequest(transactionId), port, host);
  }).finally(() => socket.close());
}

test("the demo's coturn answers TURN over IPv4 and over IPv6", async ({ demo }) => {
  for (const host of ['127.0.0.1', '::1']) {
    expect(await allocate(host, demo.turnPort), host).toMatchObject({
      type: ALLOCATE_ERROR,
      code: 401,
      realm: 'icelane.demo',
    });
  }
  expect(demo.output.join('\n')).toContain(`and [::1]:${demo.turnPort}`);
});
