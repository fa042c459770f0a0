import { describe, expect, it } from 'vitest';
import type { GenericSchema } from 'valibot';
import { PROTOCOL_LIMITS as L } from './limits.js';
import {
  connectionReportSchema,
  joinRequestSchema,
  metaSchema,
  parsePayload,
  peerIdSchema,
  roomNameSchema,
  signalDataSchema,
  signalRequestSchema,
} from './schemas.js';

const ok = <T>(schema: GenericSchema<unknown, T>, input: unknown) => parsePayload(schema, input);
const accepts = (schema: GenericSchema<unknown, unknown>, input: unknown) =>
  expect(parsePayload(schema, input)).toMatchObject({ ok: true });
const refuses = (schema: GenericSchema<unknown, unknown>, input: unknown, message?: RegExp) => {
  const result = parsePayload(schema, input);
  expect(result.ok).toBe(false);
  if (!result.ok && message) expect(result.message).toMatch(message);
  return result;
};

const report = {
  peerId: 'p1',
  attempt: 1,
  strategy: 'auto',
  local: {
    type: 'relay',
    protocol: 'udp',
    relayProtocol: 'tls',
    url: 'turns:t.test:443?transport=tcp',
  },
  remote: { type: 'prflx', protocol: 'udp' },
  relayed: true,
  timeToConnectMs: 420,
  rttMs: 31.5,
};

describe('room names', () => {
  it.each(['a', 'room-1', 'A_b.c~d', 'x'.repeat(L.roomNameMaxLength)])('accepts %s', (room) => {
    accepts(roomNameSchema, room);
  });
  it.each([
    ['empty', '', /must not be empty/],
    ['too long', 'x'.repeat(L.roomNameMaxLength + 1), /at most 64/],
    ['a slash', 'a/b', /may only hold/],
    ['a space', 'a b', /may only hold/],
    ['non-ASCII', 'café', /may only hold/],
    ['not a string', 42, /must be a string/],
  ])('refuses %s', (_what, room, message) => {
    refuses(roomNameSchema, room, message);
  });
});

describe('peer ids', () => {
  it('accepts short ids', () => accepts(peerIdSchema, 'aZ0_-'));
  it.each(['', 'x'.repeat(L.peerIdMaxLength + 1), 'a.b', 'a b', null])('refuses %j', (id) => {
    refuses(peerIdSchema, id);
  });
});

describe('join requests', () => {
  it('accepts a room alone, or with a name and flat meta', () => {
    accepts(joinRequestSchema, { room: 'r' });
    const full = ok(joinRequestSchema, {
      room: 'r',
      name: 'Zoë 👩‍💻',
      meta: { color: '#f00', n: 1, on: true, x: null },
    });
    expect(full).toEqual({
      ok: true,
      value: { room: 'r', name: 'Zoë 👩‍💻', meta: { color: '#f00', n: 1, on: true, x: null } },
    });
  });

  it('drops unknown fields', () => {
    expect(ok(joinRequestSchema, { room: 'r', peerId: 'chosen-by-me' })).toEqual({
      ok: true,
      value: { room: 'r' },
    });
  });

  it.each([
    ['no room', {}, /^room: /],
    ['not an object', 'r', /join request must be an object/],
    ['null', null, /join request must be an object/],
    ['an empty name', { room: 'r', name: '' }, /^name: name must not be empty/],
    [
      'a long name',
      { room: 'r', name: 'n'.repeat(L.displayNameMaxLength + 1) },
      /^name: name must be at most/,
    ],
    ['a control character in the name', { room: 'r', name: 'evil\u001b[2J' }, /control characters/],
    ['a newline in the name', { room: 'r', name: 'a\nb' }, /control characters/],
  ])('refuses %s', (_what, input, message) => {
    refuses(joinRequestSchema, input, message);
  });
});

describe('meta', () => {
  it('accepts up to the key cap', () => {
    accepts(
      metaSchema,
      Object.fromEntries(Array.from({ length: L.metaMaxKeys }, (_, i) => [`k${i}`, i])),
    );
  });

  it.each([
    [
      'too many keys',
      Object.fromEntries(Array.from({ length: L.metaMaxKeys + 1 }, (_, i) => [`k${i}`, i])),
    ],
    ['a nested object', { a: { b: 1 } }],
    ['an array value', { a: [1] }],
    ['an array', [1, 2]],
    ['a long key', { ['k'.repeat(L.metaKeyMaxLength + 1)]: 1 }],
    ['an empty key', { '': 1 }],
    ['a long value', { a: 'v'.repeat(L.metaValueMaxLength + 1) }],
    ['a non-finite number', { a: Infinity }],
    [
      'too many bytes',
      Object.fromEntries(Array.from({ length: 5 }, (_, i) => [`k${i}`, '€'.repeat(200)])),
    ],
  ])('refuses %s', (_what, meta) => {
    refuses(metaSchema, meta);
  });

  it('never lets __proto__ reach the prototype', () => {
    const result = ok(metaSchema, JSON.parse('{"__proto__": {"polluted": "yes"}, "a": 1}'));
    if (result.ok) {
      expect(Object.getPrototypeOf(result.value)).toBe(Object.prototype);
      expect((result.value as Record<string, unknown>).polluted).toBeUndefined();
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('signal data and requests', () => {
  const sdp = 'v=0\r\n' + 'a=candidate:1 1 udp 2122260223 192.0.2.1 54400 typ host\r\n'.repeat(100);

  it('accepts an offer, a candidate and extra fields untouched', () => {
    const request = { to: 'p2', attempt: 2, data: { type: 'offer', sdp } };
    expect(ok(signalRequestSchema, request)).toEqual({ ok: true, value: request });
    const candidate = {
      type: 'candidate',
      candidate: { candidate: 'a=candidate:...', sdpMLineIndex: 0, sdpMid: '0' },
    };
    expect(ok(signalDataSchema, candidate)).toEqual({ ok: true, value: candidate });
  });

  it('accepts data up to the byte cap and refuses beyond', () => {
    const overhead = JSON.stringify({ type: 'offer', sdp: '' }).length;
    accepts(signalDataSchema, { type: 'offer', sdp: 'x'.repeat(L.signalMaxBytes - overhead) });
    refuses(
      signalDataSchema,
      { type: 'offer', sdp: 'x'.repeat(L.signalMaxBytes - overhead + 1) },
      /at most 65536 bytes/,
    );
  });

  it('counts multi-byte characters as bytes', () => {
    refuses(signalDataSchema, { type: 'offer', sdp: '€'.repeat(L.signalMaxBytes / 2) }, /bytes/);
  });

  it('refuses deep nesting and huge arrays', () => {
    let deep: Record<string, unknown> = { type: 'x' };
    for (let i = 0; i < L.signalMaxDepth + 2; i++) deep = { type: 'x', inner: deep };
    refuses(signalDataSchema, deep, /depth 8/);
    refuses(signalDataSchema, { type: 'x', list: new Array(1_000_000).fill(0) }, /bytes/);
  });

  it.each([
    ['no type', { sdp: 'x' }],
    ['an empty type', { type: '' }],
    ['a long type', { type: 't'.repeat(L.signalTypeMaxLength + 1) }],
    ['a string', 'offer'],
    ['binary', { type: 'x', blob: new Uint8Array(8) }],
  ])('refuses data with %s', (_what, data) => {
    refuses(signalDataSchema, data);
  });

  it.each([
    ['attempt 0', { to: 'p2', attempt: 0, data: { type: 'x' } }, /^attempt: attempt starts at 1/],
    ['a fractional attempt', { to: 'p2', attempt: 1.5, data: { type: 'x' } }, /integer/],
    [
      'an attempt past the cap',
      { to: 'p2', attempt: L.maxAttempt + 1, data: { type: 'x' } },
      /at most 100/,
    ],
    [
      'a bad recipient',
      { to: '../p2', attempt: 1, data: { type: 'x' } },
      /^to: peer id is malformed/,
    ],
    ['no data', { to: 'p2', attempt: 1 }, /^data: /],
  ])('refuses a request with %s', (_what, input, message) => {
    refuses(signalRequestSchema, input, message);
  });
});

describe('connection reports', () => {
  it('accepts a relayed report', () => {
    expect(ok(connectionReportSchema, report)).toEqual({ ok: true, value: report });
  });

  it('accepts a report with its connect phases, some left out', () => {
    const withPhases = {
      ...report,
      phases: { signalingMs: 40, checksMs: 120, dtlsMs: 30, dataChannelMs: 5, totalMs: 260 },
    };
    expect(ok(connectionReportSchema, withPhases)).toEqual({ ok: true, value: withPhases });
  });

  it.each([
    [
      'an unknown candidate type',
      { ...report, local: { ...report.local, type: 'mdns' } },
      /unknown candidate type/,
    ],
    [
      'an unknown relay protocol',
      { ...report, local: { ...report.local, relayProtocol: 'quic' } },
      /unknown relay protocol/,
    ],
    ['an unknown strategy', { ...report, strategy: 'yolo' }, /unknown strategy/],
    ['a negative time', { ...report, timeToConnectMs: -1 }, /^timeToConnectMs/],
    [
      'an implausible time',
      { ...report, timeToConnectMs: L.timeToConnectMaxMs + 1 },
      /^timeToConnectMs/,
    ],
    ['an implausible RTT', { ...report, rttMs: L.rttMaxMs + 1 }, /^rttMs/],
    [
      'a long TURN URL',
      { ...report, local: { ...report.local, url: 't'.repeat(L.turnUrlMaxLength + 1) } },
      /^local\.url/,
    ],
    ['relayed missing', { ...report, relayed: undefined }, /^relayed/],
    ['phases that are not an object', { ...report, phases: 'fast' }, /^phases/],
    ['phases without their total', { ...report, phases: { checksMs: 10 } }, /^phases\.totalMs/],
    ['a negative phase', { ...report, phases: { dtlsMs: -1, totalMs: 10 } }, /^phases\.dtlsMs/],
    [
      'an implausible phase',
      { ...report, phases: { totalMs: L.timeToConnectMaxMs + 1 } },
      /^phases\.totalMs/,
    ],
  ])('refuses %s', (_what, input, message) => {
    refuses(connectionReportSchema, input, message);
  });
});

describe('parsePayload messages', () => {
  it('never echo the offending value back', () => {
    const marker = 'SECRET<script>marker';
    const inputs: Array<[GenericSchema<unknown, unknown>, unknown]> = [
      [connectionReportSchema, { ...report, local: marker }],
      [connectionReportSchema, { ...report, timeToConnectMs: marker }],
      [connectionReportSchema, { ...report, turnOnDemand: marker }],
      [connectionReportSchema, { ...report, local: { ...report.local, url: 42, protocol: 'udp' } }],
      [connectionReportSchema, marker],
      [joinRequestSchema, { room: marker + '/' }],
      [joinRequestSchema, { room: 'r', meta: { [marker]: { nested: marker } } }],
      [signalRequestSchema, { to: 'p', attempt: marker, data: { type: 'x' } }],
      [signalRequestSchema, { to: 'p', attempt: 1, data: { type: marker.repeat(10) } }],
      [peerIdSchema, marker],
    ];
    for (const [schema, input] of inputs) {
      const result = refuses(schema, input);
      if (!result.ok) {
        expect(result.message).not.toContain('SECRET');
        expect(result.message.length).toBeLessThan(200);
      }
    }
  });
});
