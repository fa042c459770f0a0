import { describe, expect, it, vi } from 'vitest';
import type { RecoveryReport } from '@icelane/protocol';
import { CONTROL_CHANNEL_ID } from './control-channel.js';
import type { JoinOptions } from './defaults.js';
import { useFakeTimersPerTest } from '../test/fakes/fake-timers.js';
import { openRoom } from '../test/fakes/room-harness.js';
import { chromeSrflx } from '../test/stats-fixtures.js';

/** A room with a live call to peer `a` whose far side has sent one heartbeat, so silence counts. */
async function liveCall(options: Partial<JoinOptions> = {}) {
  const harness = openRoom({ peers: [{ peerId: 'a' }], options });
  await vi.advanceTimersByTimeAsync(0);
  const a = harness.peers.last();
  a._pc.stats = chromeSrflx;
  a.connect();
  const control = a._pc.channel(CONTROL_CHANNEL_ID)!;
  control.open();
  const heartbeat = () => control.deliver(JSON.stringify({ type: 'heartbeat' }));
  heartbeat();
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
