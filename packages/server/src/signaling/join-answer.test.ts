import type { IceConfig, JoinAnswer } from '@icelane/protocol';
import { Encoder, PacketType } from 'socket.io-parser';
import { describe, expect, it } from 'vitest';
import { icelaneParser } from './encoded-ack.js';
import { joinAnswerEncoder } from './join-answer.js';

const turnServers = (credential: string) => [
  { urls: ['stun:stun.example.net:3478'] },
  {
    urls: ['turn:turn.example.net:3478?transport=udp', 'turns:turn.example.net:5349'],
    username: '1765000000:a"b\\c',
    credential,
  },
];

const ice = (over: Partial<IceConfig> = {}): IceConfig => ({
  iceServers: turnServers('first'),
  expiresAt: 1_765_000_000_000,
  turn: true,
  policy: 'all',
  ...over,
});

const answer = (over: Partial<JoinAnswer> = {}): JoinAnswer => ({
  peerId: 'p1',
  room: 'a "quoted" room \u2028',
  peers: [{ peerId: 'p0', name: 'Zoë', meta: { role: 'host', n: 2, ok: true, none: null } }],
  ice: ice(),
  resumeToken: 'p1.secret',
  ...over,
});

const parsed = (encoded: { json: string }) => JSON.parse(encoded.json) as unknown;

describe('the join answer encoded once per credential', () => {
  it('reads as the answer itself, with and without the optional fields', () => {
    const encode = joinAnswerEncoder();
    const full = answer({ ice: ice({ stunProbe: ['stun:stun.example.net:3479'] }) });
    expect(parsed(encode(full))).toEqual({ data: full });
    const bare = answer({ peers: [], ice: ice({ iceServers: [], expiresAt: null, turn: false }) });
    delete bare.resumeToken;
    expect(parsed(encode(bare))).toEqual({ data: bare });
  });

  it('encodes a refreshed credential anew, and reuses the one it has for the same list', () => {
    const encode = joinAnswerEncoder();
    const first = ice();
    expect(parsed(encode(answer({ ice: first })))).toEqual({ data: answer({ ice: first }) });
    // Same list, same expiry: the memo answers, and says the same.
    const again = answer({ ice: { ...first } });
    expect(parsed(encode(again))).toEqual({ data: again });
    const refreshed = answer({ ice: ice({ iceServers: turnServers('second') }) });
    expect(parsed(encode(refreshed))).toEqual({ data: refreshed });
    const later = answer({ ice: { ...refreshed.ice, expiresAt: 1_765_000_100_000 } });
    expect(parsed(encode(later))).toEqual({ data: later });
  });

  it('is written as the very packet socket.io-parser writes for the answer', () => {
    const encode = joinAnswerEncoder();
    const ours = new icelaneParser.Encoder();
    const theirs = new Encoder();
    for (const nsp of ['/', '/admin']) {
      const value = answer();
      const wire = ours.encode({ type: PacketType.ACK, nsp, id: 42, data: [encode(value)] });
      expect(wire).toEqual(
        theirs.encode({ type: PacketType.ACK, nsp, id: 42, data: [{ data: value }] }),
      );
    }
    // Anything else goes through socket.io-parser's own encoder.
    const event = { type: PacketType.EVENT, nsp: '/', data: ['peer:left', { peerId: 'p1' }] };
    expect(ours.encode(event)).toEqual(theirs.encode(event));
  });
});
