/**
 * Random and malformed inbound calls for the fuzz test, drawn from a seeded generator so a
 * failing run can be replayed. Each call names an event, its arguments, and whether the last
 * argument is an acknowledgement function (then an answer is owed).
 */
import { ClientEvent, PROTOCOL_LIMITS as L } from '@icelane/protocol';

export type Random = () => number;

export interface FuzzCall {
  event: string;
  args: unknown[];
  /** The client passes a function acknowledgement and the server owes an answer. */
  wantsAnswer: boolean;
}

/**
 * The events the server handles, taken from the protocol's own list so that an event added there
 * is fuzzed too; a call to one of them with an ack must be answered.
 */
export const HANDLED_EVENTS: readonly string[] = Object.values(ClientEvent);
/** Events nobody listens to (socket.io's reserved names are refused by the client itself). */
const UNKNOWN_EVENTS = [
  'admin:kick',
  'room:delete',
  '__proto__',
  'constructor',
  'toString',
  'signal ',
  'ROOM:JOIN',
  '',
];

/** Below socket.io's 100 KiB transport cap, so the connection stays open. */
export const TRANSPORT_BUDGET = 90 * 1024;

const pick = <T>(random: Random, items: readonly T[]): T =>
  items[Math.floor(random() * items.length)]!;
const int = (random: Random, max: number) => Math.floor(random() * max);

const STRING_SIZES = [
  0,
  1,
  16,
  L.roomNameMaxLength,
  L.roomNameMaxLength + 1,
  L.displayNameMaxLength + 1,
  L.metaValueMaxLength,
  L.metaValueMaxLength + 1,
  L.turnUrlMaxLength + 1,
  4096,
  L.signalMaxBytes - 40,
  L.signalMaxBytes,
  L.signalMaxBytes + 1,
  80 * 1024,
];
const ALPHABETS = ['abcXYZ019-_.~', '/\\?#%&<>"\'`', '\u0000\u0007\n\r\t', 'é漢字🙂\ud800', ' '];

function randomString(random: Random): string {
  const size = random() < 0.7 ? int(random, 40) : pick(random, STRING_SIZES);
  const alphabet = pick(random, ALPHABETS);
  // Long strings repeat a short random chunk: random per character would be slow to build.
  const chunk = Array.from({ length: Math.min(size, 64) }, () => pick(random, [...alphabet])).join(
    '',
  );
  return chunk.repeat(Math.ceil(size / Math.max(1, chunk.length))).slice(0, size);
}

function deepValue(random: Random): unknown {
  const depth = pick(random, [9, 10, 50, 1_000, 3_000]);
  let value: unknown = pick(random, [{ type: 'offer' }, 'leaf', [1], null]);
  for (let i = 0; i < depth; i++) value = random() < 0.5 ? { nested: value } : [value];
  return value;
}

const ODD_NUMBERS = [
  0,
  -0,
  -1,
  1.5,
  2 ** 31,
  2 ** 53 + 1,
  Number.MAX_VALUE,
  NaN,
  Infinity,
  -Infinity,
  1e-300,
];
const ODD_KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'type',
  'from',
  'room',
  '',
];

/** Any value: scalars, strings near the caps, binary, arrays, objects with hostile keys. */
export function randomValue(random: Random, depth = 0): unknown {
  const roll = random();
  if (roll < 0.08) return undefined;
  if (roll < 0.14) return null;
  if (roll < 0.2) return random() < 0.5;
  if (roll < 0.3) return pick(random, ODD_NUMBERS);
  if (roll < 0.5) return randomString(random);
  if (roll < 0.55) return Buffer.alloc(pick(random, [0, 1, 1024, 64 * 1024]), int(random, 256));
  if (roll < 0.6) return deepValue(random);
  if (depth > 3) return 'x';
  if (roll < 0.75)
    return Array.from({ length: int(random, 6) }, () => randomValue(random, depth + 1));
  const object: Record<string, unknown> = {};
  for (let i = int(random, 6); i > 0; i--) {
    const key = random() < 0.4 ? pick(random, ODD_KEYS) : randomString(random).slice(0, 40);
    object[key] = randomValue(random, depth + 1);
  }
  return object;
}

/** What earlier answers handed out, for payloads that name real peers and real resume tokens. */
export interface FuzzSeen {
  peerIds: readonly string[];
  resumeTokens: readonly string[];
}

/** A payload that is almost right for `event`: one field missing, mistyped or oversized. */
function nearlyValid(random: Random, event: string, seen: FuzzSeen): unknown {
  const { peerIds, resumeTokens } = seen;
  const peer = peerIds.length > 0 && random() < 0.7 ? pick(random, peerIds) : 'AAAAAAAAAAAAAAAA';
  // Another socket's token: the join replaces that peer (a rejoin after a drop).
  const resume =
    resumeTokens.length > 0 && random() < 0.3 ? { resume: pick(random, resumeTokens) } : {};
  const base: Record<string, Record<string, unknown>> = {
    'room:join': {
      room: `fuzz-${int(random, 6)}`,
      name: 'Fuzzy',
      meta: { role: 'guest' },
      ...resume,
    },
    signal: {
      to: peer,
      attempt: 1 + int(random, 3),
      data: { type: 'candidate', candidate: 'a=x' },
    },
    'connection:report': {
      peerId: peer,
      attempt: 1,
      strategy: 'auto',
      local: { type: 'host', protocol: 'udp' },
      remote: { type: 'relay', protocol: 'udp', relayProtocol: 'tcp' },
      relayed: true,
      timeToConnectMs: 250,
      rttMs: 12,
      phases: {
        signalingMs: 40,
        gatheringMs: 60,
        checksMs: 100,
        dtlsMs: 30,
        dataChannelMs: 20,
        totalMs: 250,
      },
    },
    'connection:recovery': {
      peerId: peer,
      cause: pick(random, ['path-lost', 'ice-failed', 'network-change', 'credentials-expiring']),
      step: pick(random, ['ice-restart', 'ice-restart-relay', 'new-connection']),
      outcome: pick(random, ['recovered', 'failed']),
      gapMs: int(random, 5_000),
    },
    'connection:usage': {
      peerId: peer,
      attempt: 1 + int(random, 2),
      // Totals near and past what the server believes for the time elapsed, and its caps.
      bytesSent: pick(random, [0, 1_000, 50_000_000, L.usageBytesMax]),
      bytesReceived: pick(random, [0, 1_000, 50_000_000, L.usageBytesMax]),
      relayedMs: pick(random, [0, 1_000, L.usageRelayedMaxMs]),
      relayProtocol: pick(random, ['udp', 'tcp', 'tls']),
      final: random() < 0.2,
    },
  };
  const payload = { ...(base[event] ?? {}) };
  const keys = Object.keys(payload);
  if (keys.length > 0 && random() < 0.8) {
    const key = pick(random, keys);
    if (random() < 0.3) delete payload[key];
    else payload[key] = randomValue(random);
  }
  if (random() < 0.2) payload[pick(random, ODD_KEYS)] = randomValue(random);
  return payload;
}

/** Bytes on the wire (JSON as UTF-8, binary by its length); `Infinity` when it cannot be measured. */
function roughSize(value: unknown): number {
  try {
    const text = JSON.stringify(value, (_key, v: unknown) => {
      // Buffers reach the replacer already turned into `{ type: 'Buffer', data: [...] }`.
      const data = (v as { type?: unknown; data?: unknown } | null)?.data;
      if ((v as { type?: unknown } | null)?.type === 'Buffer' && Array.isArray(data)) {
        return 'b'.repeat(data.length);
      }
      return v;
    });
    // UTF-8 bytes: the transport cap counts bytes, and one character may take four.
    return text === undefined ? 0 : Buffer.byteLength(text);
  } catch {
    return Infinity;
  }
}

/** One call: a handled or unknown event, a payload, and an ack that may be missing or wrong. */
export function randomCall(random: Random, seen: FuzzSeen): FuzzCall {
  const known = random() < 0.9;
  const event = known ? pick(random, HANDLED_EVENTS) : pick(random, UNKNOWN_EVENTS);
  let payload = random() < 0.5 ? nearlyValid(random, event, seen) : randomValue(random);
  if (roughSize(payload) > TRANSPORT_BUDGET) payload = randomString(random).slice(0, 100);
  const ackRoll = random();
  // Unknown events have no listener, so they never owe an answer.
  if (known && ackRoll < 0.6) {
    const args = random() < 0.1 ? [] : [payload];
    return { event, args, wantsAnswer: true };
  }
  if (ackRoll < 0.8) return { event, args: [payload], wantsAnswer: false };
  // A trailing argument that is not a function, or a payload after the would-be ack.
  const notAFunction = pick(random, ['ack', 42, { ack: true }, null, [() => 0]]);
  return {
    event,
    args: random() < 0.7 ? [payload, notAFunction] : [notAFunction, payload, 'x'],
    wantsAnswer: false,
  };
}
