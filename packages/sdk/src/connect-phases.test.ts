import { describe, expect, it } from 'vitest';
import { computePhases, recordPhases } from './connect-phases.js';

describe('computing the phases of an attempt', () => {
  it('times each step of the offerer from its marks, total from the attempt start', () => {
    expect(
      computePhases({
        startedAt: 1_000,
        offerSentAt: 1_010,
        gatheringStartedAt: 1_012,
        answerReceivedAt: 1_060,
        remoteDescriptionAt: 1_062,
        gatheringCompleteAt: 1_300,
        iceConnectedAt: 1_262,
        connectedAt: 1_292,
        channelOpenAt: 1_300.4,
      }),
    ).toEqual({
      signalingMs: 50,
      gatheringMs: 288,
      checksMs: 200,
      dtlsMs: 30,
      dataChannelMs: 8,
      totalMs: 300,
    });
  });

  it('times the answerer from offer received to answer sent', () => {
    const phases = computePhases({
      startedAt: 0,
      offerReceivedAt: 20,
      answerSentAt: 27,
      channelOpenAt: 400,
    });
    expect(phases).toEqual({ signalingMs: 7, totalMs: 400 });
  });

  it('leaves out a phase whose start or end was not seen, e.g. gathering still going', () => {
    const phases = computePhases({
      startedAt: 0,
      gatheringStartedAt: 5,
      iceConnectedAt: 100,
      connectedAt: 130,
      channelOpenAt: 140,
    });
    expect(phases).toEqual({ dtlsMs: 30, dataChannelMs: 10, totalMs: 140 });
    expect(phases).not.toHaveProperty('gatheringMs');
  });

  it('has nothing to say before the data channel opened', () => {
    expect(computePhases({ startedAt: 0, iceConnectedAt: 100 })).toBeUndefined();
  });

  it('never reports a negative phase when events arrive out of order', () => {
    const phases = computePhases({ startedAt: 0, connectedAt: 200, channelOpenAt: 198 });
    expect(phases?.dataChannelMs).toBe(0);
  });
});

/** A stand-in for RTCPeerConnection with the states and events the recorder reads. */
class FakeConnection extends EventTarget {
  iceGatheringState = 'new';
  iceConnectionState = 'new';
  connectionState = 'new';
  remoteDescription: object | null = null;
  set(field: 'iceGatheringState' | 'iceConnectionState' | 'connectionState', value: string) {
    this[field] = value;
    const event = field.toLowerCase().replace('state', 'statechange');
    this.dispatchEvent(new Event(event));
  }
  setRemoteDescription() {
    this.remoteDescription = { type: 'answer' };
    this.dispatchEvent(new Event('signalingstatechange'));
  }
}

/** A stand-in for a data channel: `open` is the only event the recorder needs. */
class FakeChannel extends EventTarget {
  readyState = 'connecting';
  open() {
    this.readyState = 'open';
    this.dispatchEvent(new Event('open'));
  }
}

function recorder(pc: FakeConnection) {
  let clock = 0;
  const phases = recordPhases(pc as unknown as RTCPeerConnection, () => clock);
  return { phases, at: (ms: number) => (clock = ms) };
}

describe('recording the phases from the connection events', () => {
  it('follows an offerer from offer to open channel', () => {
    const pc = new FakeConnection();
    const channel = new FakeChannel();
    const { phases, at } = recorder(pc);
    phases.watchChannel(channel as unknown as RTCDataChannel);

    at(5);
    phases.sent('offer');
    pc.set('iceGatheringState', 'gathering');
    at(8);
    phases.sent('candidate');
    at(45);
    phases.received('answer');
    pc.setRemoteDescription();
    at(145);
    pc.set('iceConnectionState', 'checking');
    pc.set('iceConnectionState', 'connected');
    at(150);
    pc.set('iceGatheringState', 'complete');
    at(175);
    pc.set('connectionState', 'connected');
    at(180);
    channel.open();
    at(190);
    phases.connected();

    expect(phases.phases()).toEqual({
      signalingMs: 40,
      gatheringMs: 145,
      checksMs: 100,
      dtlsMs: 30,
      dataChannelMs: 5,
      totalMs: 180,
    });
  });

  it("takes an answerer's channel open at its datachannel event when it is already open", () => {
    const pc = new FakeConnection();
    const { phases, at } = recorder(pc);
    at(10);
    phases.received('offer');
    at(12);
    phases.sent('answer');
    at(300);
    const channel = new FakeChannel();
    channel.readyState = 'open';
    pc.dispatchEvent(Object.assign(new Event('datachannel'), { channel }));
    at(320);
    phases.connected();
    expect(phases.phases()).toMatchObject({ signalingMs: 2, totalMs: 300 });
  });

  it('takes simple-peer connect as the channel open when the open event was not seen', () => {
    const pc = new FakeConnection();
    const { phases, at } = recorder(pc);
    at(250);
    phases.connected();
    expect(phases.phases()).toEqual({ totalMs: 250 });
  });

  it('keeps the first time of each mark, and hears nothing after stop', () => {
    const pc = new FakeConnection();
    const { phases, at } = recorder(pc);
    at(100);
    pc.set('iceConnectionState', 'connected');
    at(150);
    pc.set('iceConnectionState', 'completed');
    at(180);
    pc.set('connectionState', 'connected');
    at(200);
    phases.connected();
    phases.stop();
    pc.set('iceGatheringState', 'gathering');
    at(900);
    pc.set('iceGatheringState', 'complete');
    expect(phases.phases()).toEqual({ dtlsMs: 80, dataChannelMs: 20, totalMs: 200 });
  });
});
