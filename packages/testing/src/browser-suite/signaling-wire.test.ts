import { describe, expect, it } from 'vitest';
import { peerAnnouncedMs, signalingSteps, type WireEntry } from './signaling-wire.js';

const entry = (at: number, kind: WireEntry['kind'], ...packets: string[]): WireEntry => ({
  at,
  kind,
  packets,
});

/** A start on WebSocket: CONNECT sent as `connect`, then `join` sent, answered by `answer`. */
const webSocketStart = (connect: string, join: WireEntry[], answer: string): WireEntry[] => [
  entry(20, 'ws-open', ''),
  entry(21, 'ws-in', '0{"sid":"x"'),
  entry(22, 'ws-out', connect),
  entry(40, 'ws-in', '40{"sid":"y"}'),
  ...join,
  entry(60, 'ws-in', answer),
];

describe('signalingSteps', () => {
  it('reads a start on long-polling, its upgrade, and the join answered over WebSocket', () => {
    const wire = [
      entry(1000, 'poll-out', ''),
      entry(1050, 'poll-in', '0{"sid":"x","upgrades":["webs'),
      entry(1051, 'poll-out', '40{"token":"t"}'),
      entry(1051, 'poll-out', ''),
      entry(1100, 'poll-in', '40{"sid":"y"}'),
      entry(1101, 'poll-out', '420["room:join",{"room":"r"}]'),
      entry(1102, 'ws-open', ''),
      entry(1103, 'ws-out', '2probe'),
      entry(1150, 'ws-in', '3probe'),
      entry(1151, 'ws-out', '5'),
      entry(1160, 'ws-in', '430[{"data":{"peerId":"p"'),
    ];
    expect(signalingSteps(wire, 990)).toEqual({
      transportOpenMs: 60,
      connectedMs: 110,
      upgradedMs: 161,
      joinSentMs: 111,
      joinAnsweredMs: 170,
      polls: 4,
      joinTransport: 'polling',
      webSocketFailed: false,
    });
  });

  it('reads a start on WebSocket, and packets batched in one polling response', () => {
    const onWebSocket = signalingSteps(
      webSocketStart('40', [entry(41, 'ws-out', '421["room:join",{"room":"r"}]')], '431[{"data":'),
      0,
    );
    expect(onWebSocket).toMatchObject({ connectedMs: 40, joinAnsweredMs: 60, polls: 0 });
    expect(onWebSocket.joinTransport).toBe('websocket');

    const batched = signalingSteps(
      [
        entry(5, 'ws-error', ''),
        entry(10, 'poll-out', '40', '425["room:join",{}]'),
        entry(30, 'poll-in', '40{"sid":"y"}', '435[{"data"'),
      ],
      0,
    );
    expect(batched).toMatchObject({ connectedMs: 30, joinSentMs: 10, joinAnsweredMs: 30 });
    expect(batched.webSocketFailed).toBe(true);
  });

  it('reads a join sent in the handshake and answered by room:joined', () => {
    const steps = signalingSteps(
      webSocketStart('40{"join":{"room":"r"},"token":', [], '42["room:joined",{"data":{"peerI'),
      0,
    );
    expect(steps).toMatchObject({ connectedMs: 40, joinSentMs: 22, joinAnsweredMs: 60 });
    expect(steps.joinTransport).toBe('websocket');
  });

  it('does not take another acknowledgement for the join answer', () => {
    const steps = signalingSteps(
      [
        entry(1, 'ws-out', '427["room:join",{}]'),
        entry(2, 'ws-in', '42["peer:joined",{}]'),
        entry(3, 'ws-in', '4312[{"data"'),
      ],
      0,
    );
    expect(steps.joinAnsweredMs).toBeUndefined();
  });
});

describe('peerAnnouncedMs', () => {
  it('is when the first peer:joined arrived, on either transport', () => {
    const wire = [
      entry(5, 'ws-in', '430[{"data"'),
      entry(9, 'poll-in', '6', '42["peer:joined",{"peerId":"b"}]'),
    ];
    expect(peerAnnouncedMs(wire, 2)).toBe(7);
    expect(peerAnnouncedMs(wire.slice(0, 1), 2)).toBeUndefined();
  });
});
