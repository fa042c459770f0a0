import { describe, expect, it, vi } from 'vitest';
import type { RecoveryReport, UsageReport } from '@icelane/protocol';
import type { StatsEntry } from './candidate-report.js';
import { CONTROL_CHANNEL_ID } from './control-channel.js';
import { joinDefaults, type JoinOptions } from './defaults.js';
import { useFakeTimersPerTest } from '../test/fakes/fake-timers.js';
import { iceConfig } from '../test/fakes/ice.js';
import { openRoom } from '../test/fakes/room-harness.js';
import { receiverAt3s, receiverAt6s } from '../test/quality-fixtures.js';
import { connectWithHeartbeat } from '../test/live-call-fixtures.js';
import { chromeSrflx, relayedStats } from '../test/stats-fixtures.js';

/** A room with a live call to peer `a` whose far side has sent one heartbeat, so silence counts. */
async function liveCall(options: Partial<JoinOptions> = {}) {
  const harness = openRoom({ peers: [{ peerId: 'a' }], options });
  await vi.advanceTimersByTimeAsync(0);
  const a = harness.peers.last();
  const heartbeat = connectWithHeartbeat(a);
  return { ...harness, a, heartbeat };
}

describe('telemetry the room sends the server', () => {
  useFakeTimersPerTest(1_000_000);

  it('reports a healed call as connection:recovery: cause, step, outcome and gap, not the path report', async () => {
    const { socket, heartbeat, eventsOf } = await liveCall();
    await vi.advanceTimersByTimeAsync(1_500);
    expect(socket.emitted.filter((e) => e.event === 'connection:recovery')).toEqual([]);
    heartbeat();
    await vi.advanceTimersByTimeAsync(0);

    const [recovery] = eventsOf('recovery');
    expect(recovery).toMatchObject({ peerId: 'a', cause: 'path-lost', step: 'ice-restart' });
    const sent = socket.emitted.filter((e) => e.event === 'connection:recovery');
    expect(sent).toHaveLength(1);
    const report = sent[0]!.args[0] as RecoveryReport;
    expect(report).toEqual({
      peerId: 'a',
      cause: 'path-lost',
      step: 'ice-restart',
      outcome: 'recovered',
      gapMs: recovery!.gapMs,
    });
    expect(report.gapMs).toBeGreaterThanOrEqual(1_000);
    // Fire-and-forget, like connection:report: an older server that ignores it costs nothing.
    expect(sent[0]!.args).toHaveLength(1);
  });

  it('sends nothing with reportToServer off, though the app still hears of the recovery', async () => {
    const { socket, heartbeat, eventsOf } = await liveCall({ reportToServer: false });
    await vi.advanceTimersByTimeAsync(1_500);
    heartbeat();
    await vi.advanceTimersByTimeAsync(0);
    expect(eventsOf('recovery')).toHaveLength(1);
    expect(socket.emitted.map((e) => e.event)).not.toContain('connection:recovery');
    expect(socket.emitted.map((e) => e.event)).not.toContain('connection:report');
  });

  it('sends nothing while signaling is down', async () => {
    const { socket, heartbeat, eventsOf } = await liveCall();
    socket.drop();
    await vi.advanceTimersByTimeAsync(1_500);
    heartbeat();
    await vi.advanceTimersByTimeAsync(0);
    expect(eventsOf('recovery')).toHaveLength(1);
    expect(socket.emitted.map((e) => e.event)).not.toContain('connection:recovery');
  });
});

describe('relay usage the room sends the server', () => {
  useFakeTimersPerTest(1_000_000);

  async function call(stats: StatsEntry[], options: Partial<JoinOptions> = {}) {
    const harness = openRoom({ peers: [{ peerId: 'a' }], options });
    await vi.advanceTimersByTimeAsync(0);
    const a = harness.peers.last();
    a._pc.stats = stats;
    a.connect();
    const usage = () =>
      harness.socket.emitted
        .filter((e) => e.event === 'connection:usage')
        .map((e) => e.args[0] as UsageReport);
    return { ...harness, a, usage };
  }

  it('reports the totals through its own allocation every minute while relayed, and the final ones when the connection ends', async () => {
    const { socket, a, usage } = await call(relayedStats(1_000, 2_000));
    await vi.advanceTimersByTimeAsync(59_000);
    expect(usage()).toEqual([]);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(usage()).toEqual([
      {
        peerId: 'a',
        attempt: 1,
        bytesSent: 1_000,
        bytesReceived: 2_000,
        relayedMs: 59_000,
        relayProtocol: 'udp',
        final: false,
      },
    ]);
    // No new bytes, but still relayed: the time counts, and the report goes on.
    await vi.advanceTimersByTimeAsync(60_000);
    expect(usage().at(-1)).toMatchObject({ bytesSent: 1_000, relayedMs: 119_000 });

    a._pc.stats = relayedStats(5_000, 9_000);
    await vi.advanceTimersByTimeAsync(1_500);
    a.remoteClose();
    await vi.advanceTimersByTimeAsync(0);
    socket.serverEmit('peer:left', { peerId: 'a' });
    // The final report follows a last reading of the stats.
    await vi.advanceTimersByTimeAsync(0);
    expect(usage().at(-1)).toEqual({
      peerId: 'a',
      attempt: 1,
      bytesSent: 5_000,
      bytesReceived: 9_000,
      relayedMs: 121_500,
      relayProtocol: 'udp',
      final: true,
    });
    // Sent without an acknowledgement: an older server ignores the event.
    expect(
      socket.emitted
        .filter((e) => e.event === 'connection:usage')
        .every((e) => e.args.length === 1),
    ).toBe(true);
  });

  it('sends a direct call only its final zeros', async () => {
    const { socket, a, usage } = await call(chromeSrflx);
    await vi.advanceTimersByTimeAsync(180_000);
    expect(usage()).toEqual([]);
    a.remoteClose();
    await vi.advanceTimersByTimeAsync(0);
    socket.serverEmit('peer:left', { peerId: 'a' });
    await vi.advanceTimersByTimeAsync(0);
    expect(usage()).toEqual([
      { peerId: 'a', attempt: 1, bytesSent: 0, bytesReceived: 0, relayedMs: 0, final: true },
    ]);
  });

  it('gives the server its latest totals before leaving the room, and nothing after', async () => {
    const { room, socket, usage } = await call(relayedStats(3_000, 4_000));
    await vi.advanceTimersByTimeAsync(10_000);
    let askedToLeaveAfter = -1;
    socket.answer('room:leave', () => {
      askedToLeaveAfter = usage().length;
      return { data: { left: true } };
    });
    await room.leave();
    expect(askedToLeaveAfter).toBe(1);
    expect(usage()).toEqual([
      expect.objectContaining({ bytesSent: 3_000, bytesReceived: 4_000, final: false }),
    ]);
  });

  it('after a rejoin, tells the new session what the old one was not told, and nothing twice', async () => {
    const { socket, a, usage } = await call(relayedStats(3_000, 4_000));
    await vi.advanceTimersByTimeAsync(60_000);
    expect(usage().at(-1)).toMatchObject({ bytesSent: 3_000, bytesReceived: 4_000 });
    // Used after that report, before the drop: the old session never hears of it.
    a._pc.stats = relayedStats(3_200, 4_050);
    socket.answer('room:join', () => ({
      data: {
        peerId: 'me-2',
        room: 'standup',
        peers: [{ peerId: 'a' }],
        ice: { iceServers: [], expiresAt: null, turn: false, policy: 'all' },
      },
    }));
    await vi.advanceTimersByTimeAsync(5_000);
    socket.drop();
    socket.reconnect();
    await vi.advanceTimersByTimeAsync(1_000);
    a._pc.stats = relayedStats(3_500, 4_100);
    await vi.advanceTimersByTimeAsync(60_000);
    // From the last report on: what went unreported before the drop counts once, in the new one.
    expect(usage().at(-1)).toMatchObject({ bytesSent: 500, bytesReceived: 100, final: false });
  });

  it('sends nothing with reportToServer off', async () => {
    const { socket, a, usage } = await call(relayedStats(1_000, 2_000), { reportToServer: false });
    await vi.advanceTimersByTimeAsync(120_000);
    a.remoteClose();
    await vi.advanceTimersByTimeAsync(0);
    socket.serverEmit('peer:left', { peerId: 'a' });
    expect(usage()).toEqual([]);
  });
});

/** A call to peer `a` rated once (the recorded loopback call: excellent both ways). */
async function ratedCall(options: Partial<JoinOptions> = {}) {
  const harness = openRoom({ peers: [{ peerId: 'a' }], options });
  await vi.advanceTimersByTimeAsync(0);
  const a = harness.peers.last();
  a._pc.stats = receiverAt3s;
  a.connect();
  await vi.advanceTimersByTimeAsync(0);
  a._pc.stats = receiverAt6s;
  await vi.advanceTimersByTimeAsync(joinDefaults.statsIntervalMs);
  const sent = () =>
    harness.socket.emitted.filter((e) => e.event === 'connection:quality').map((e) => e.args);
  return { ...harness, a, sent };
}

describe('call quality the room sends the server', () => {
  useFakeTimersPerTest(1_000_000);

  it('tells each rating change as connection:quality, and the end of the call as final', async () => {
    const { a, socket, sent } = await ratedCall();
    const excellent = { rating: 'excellent', causes: [] };
    expect(sent()).toEqual([
      [{ peerId: 'a', receiving: excellent, sending: excellent, final: false }],
    ]);
    // Nothing more received: the call is lost, told once, and the same verdict again is no news.
    await vi.advanceTimersByTimeAsync(joinDefaults.statsIntervalMs * 3);
    const lost = { rating: 'lost', causes: ['no-media'] };
    expect(sent().slice(1)).toEqual([
      [{ peerId: 'a', receiving: lost, sending: excellent, final: false }],
    ]);

    a.remoteClose();
    await vi.advanceTimersByTimeAsync(0);
    socket.serverEmit('peer:left', { peerId: 'a' });
    await vi.advanceTimersByTimeAsync(0);
    expect(sent().slice(2)).toEqual([
      [{ peerId: 'a', receiving: lost, sending: excellent, final: true }],
    ]);
  });

  it("tells the new signaling connection each call's rating once it rejoined: the server ended them with the old one", async () => {
    const { socket, sent } = await ratedCall();
    socket.answer('room:join', () => ({
      data: { peerId: 'me-2', room: 'standup', peers: [{ peerId: 'a' }], ice: iceConfig(5) },
    }));
    socket.drop();
    socket.reconnect();
    await vi.advanceTimersByTimeAsync(10);
    const excellent = { rating: 'excellent', causes: [] };
    expect(sent()).toEqual([
      [{ peerId: 'a', receiving: excellent, sending: excellent, final: false }],
      [{ peerId: 'a', receiving: excellent, sending: excellent, final: false }],
    ]);
  });

  it("tells a call under the far side's new id as soon as it is known, ending its rating under the old one first", async () => {
    const { socket, sent } = await ratedCall();
    socket.serverEmit('peer:left', { peerId: 'a', rejoinedAs: 'a-2' });
    socket.serverEmit('peer:joined', { peerId: 'a-2', rejoinOf: 'a' });
    await vi.advanceTimersByTimeAsync(0);
    const excellent = { rating: 'excellent', causes: [] };
    expect(sent().slice(1)).toEqual([
      [{ peerId: 'a', receiving: excellent, sending: excellent, final: true }],
      [{ peerId: 'a-2', receiving: excellent, sending: excellent, final: false }],
    ]);
    // Its next change goes under the new id alone.
    await vi.advanceTimersByTimeAsync(joinDefaults.statsIntervalMs * 3);
    const lost = { rating: 'lost', causes: ['no-media'] };
    expect(sent().slice(3)).toEqual([
      [{ peerId: 'a-2', receiving: lost, sending: excellent, final: false }],
    ]);
  });

  it('tells nothing of a call whose far side has no id the server knows, and tells it once that side says its new id', async () => {
    const { a, socket, sent } = await ratedCall();
    // Only its signaling dropped, with no resume: the call goes on; the server knows no id for it.
    socket.serverEmit('peer:left', { peerId: 'a' });
    await vi.advanceTimersByTimeAsync(joinDefaults.statsIntervalMs * 3);
    const excellent = { rating: 'excellent', causes: [] };
    const lost = { rating: 'lost', causes: ['no-media'] };
    // The rating held under its old id ends; the new one waits for an id.
    expect(sent().slice(1)).toEqual([
      [{ peerId: 'a', receiving: excellent, sending: excellent, final: true }],
    ]);
    const control = a._pc.channel(CONTROL_CHANNEL_ID)!;
    control.deliver(JSON.stringify({ type: 'signaling-id', peerId: 'a-3' }));
    await vi.advanceTimersByTimeAsync(0);
    expect(sent().slice(2)).toEqual([
      [{ peerId: 'a-3', receiving: lost, sending: excellent, final: false }],
    ]);
  });

  it('tells nothing while a rejoin waits for its answer: the server has no room for this side yet', async () => {
    const { socket, sent } = await ratedCall();
    // The rejoin's answer does not come: the socket is up, the room not joined on it.
    socket.drop();
    socket.reconnect();
    await vi.advanceTimersByTimeAsync(joinDefaults.statsIntervalMs * 3);
    expect(socket.requestCount('room:join')).toBe(1);
    expect(sent()).toHaveLength(1);
  });

  it('sends no quality with reportToServer off', async () => {
    const { eventsOf, sent } = await ratedCall({ reportToServer: false });
    expect(eventsOf('quality')).toHaveLength(1);
    expect(sent()).toEqual([]);
  });
});
