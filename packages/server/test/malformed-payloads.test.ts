import { afterEach, describe, expect, it } from 'vitest';
import type { SignalMessage } from '@icelane/protocol';
import {
  connect,
  disconnectAll,
  expectStillServing,
  joined,
  nextEvent,
  record,
  request,
} from './support/clients.js';
import { closeAll, startTestServer } from './support/server.js';

afterEach(async () => {
  disconnectAll();
  await closeAll();
});

function deep(levels: number): Record<string, unknown> {
  let value: Record<string, unknown> = { leaf: true };
  for (let i = 0; i < levels; i++) value = { nested: value };
  return value;
}

const huge = 'x'.repeat(70 * 1024);
const report = {
  peerId: 'AAAAAAAAAAAAAAAA',
  attempt: 1,
  strategy: 'auto',
  local: { type: 'host', protocol: 'udp' },
  remote: { type: 'host', protocol: 'udp' },
  relayed: false,
  timeToConnectMs: 100,
};

const BAD: Record<string, Array<[string, unknown]>> = {
  'room:join': [
    ['no payload', undefined],
    ['a string', 'lobby'],
    ['an array', ['lobby']],
    ['room missing', { name: 'Ada' }],
    ['room a number', { room: 42 }],
    ['room empty', { room: '' }],
    ['room with a slash', { room: '../admin' }],
    ['room too long', { room: 'r'.repeat(65) }],
    ['name with a control character', { room: 'r', name: 'Ada\u0000' }],
    ['huge name', { room: 'r', name: huge }],
    ['nested meta', { room: 'r', meta: { a: { b: 1 } } }],
    [
      'meta with too many keys',
      { room: 'r', meta: Object.fromEntries([...Array(17).keys()].map((k) => [`k${k}`, 1])) },
    ],
  ],
  signal: [
    ['no payload', undefined],
    ['null', null],
    ['to missing', { attempt: 1, data: { type: 'offer' } }],
    ['to a number', { to: 7, attempt: 1, data: { type: 'offer' } }],
    ['attempt a string', { to: 'AAAAAAAAAAAAAAAA', attempt: '1', data: { type: 'offer' } }],
    ['attempt zero', { to: 'AAAAAAAAAAAAAAAA', attempt: 0, data: { type: 'offer' } }],
    ['data without a type', { to: 'AAAAAAAAAAAAAAAA', attempt: 1, data: { sdp: 'v=0' } }],
    ['data too big', { to: 'AAAAAAAAAAAAAAAA', attempt: 1, data: { type: 'offer', sdp: huge } }],
    ['data too deep', { to: 'AAAAAAAAAAAAAAAA', attempt: 1, data: { type: 'offer', ...deep(20) } }],
  ],
  'connection:report': [
    ['no payload', undefined],
    ['unknown candidate type', { ...report, local: { type: 'magic', protocol: 'udp' } }],
    ['negative time', { ...report, timeToConnectMs: -1 }],
    ['relayed missing', { ...report, relayed: undefined }],
    ['huge url', { ...report, local: { type: 'relay', protocol: 'udp', url: huge } }],
  ],
};

describe('malformed payloads', () => {
  for (const [event, cases] of Object.entries(BAD)) {
    it(`answers invalid-payload to every malformed ${event} and counts it`, async () => {
      const server = await startTestServer({
        options: {
          rateLimits: {
            signal: { burst: 1000, perSecond: 1000 },
            join: { burst: 1000, perSecond: 1000 },
          },
        },
      });
      // Signals and reports are checked in a room, so only the payload is at fault.
      const { socket } = await joined(server.url, 'r');
      const socketForJoin = event === 'room:join' ? await connect(server.url) : socket;
      for (const [label, payload] of cases) {
        const answer = await request(socketForJoin, event, payload);
        expect(answer, label).toEqual({
          error: { code: 'invalid-payload', message: expect.any(String) },
        });
      }
      expect(await server.counter('icelane_invalid_payloads_total', { event })).toBe(cases.length);
      await expectStillServing(server.url);
    });
  }

  it('never echoes the offending value in the error message', async () => {
    const server = await startTestServer();
    const socket = await connect(server.url);
    const answer = await request(socket, 'room:join', { room: 'secret-looking<script>/' });
    expect(JSON.stringify(answer)).not.toContain('secret-looking');
  });

  it('survives events without an acknowledgement, with a non-function one, and unknown events', async () => {
    const server = await startTestServer();
    const peer = await joined(server.url, 'r');
    const other = await joined(server.url, 'r');
    const otherSignals = record(other.socket, 'signal');
    const raw = peer.socket;
    raw.emit('room:join');
    raw.emit('room:join', { room: 5 });
    raw.emit('signal', { to: other.answer.peerId, attempt: 'x', data: null });
    raw.emit('signal', 'not an object', 'not a function');
    raw.emit('ice:refresh');
    raw.emit('ice:refresh', { please: true });
    raw.emit('connection:report', { nope: 1 });
    raw.emit('room:leave', 42);
    raw.emit('admin:shutdown', { now: true });
    raw.emit('__proto__', {});
    // The connection is still there and still in the room: it may signal like anyone.
    const received = nextEvent<SignalMessage>(other.socket, 'signal');
    expect(
      await request(raw, 'signal', {
        to: other.answer.peerId,
        attempt: 1,
        data: { type: 'offer' },
      }),
    ).toMatchObject({ error: { code: 'not-in-room' } });
    // room:leave without an acknowledgement still left the room; a fresh join works.
    await request(raw, 'room:join', { room: 'r' });
    await request(raw, 'signal', { to: other.answer.peerId, attempt: 1, data: { type: 'offer' } });
    await received;
    expect(otherSignals).toHaveLength(1);
    // Five refused payloads...
    expect(await server.counter('icelane_invalid_payloads_total')).toBe(7);
    // ...and two events nobody listens to, dropped without an answer.
    expect(await server.counter('icelane_invalid_payloads_total', { event: 'unknown' })).toBe(2);
    await expectStillServing(server.url);
  });

  it('closes a connection that sends a message larger than the transport cap, and no other', async () => {
    const server = await startTestServer();
    const bystander = await joined(server.url, 'r');
    const flooder = await connect(server.url);
    const gone = nextEvent(flooder, 'disconnect');
    flooder.emit('signal', {
      to: 'x',
      attempt: 1,
      data: { type: 'offer', sdp: 'y'.repeat(200 * 1024) },
    });
    await gone;
    expect(bystander.socket.connected).toBe(true);
    await expectStillServing(server.url);
  });
});
