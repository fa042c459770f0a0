import { afterEach, describe, expect, it } from 'vitest';
import type { CallHistory, DirectionRating, QualityReport } from '@icelane/protocol';
import { connect, disconnectAll, joined, nextEvent, request } from '../support/clients.js';
import { rawGet } from '../support/http.js';
import { connectionReport } from '../support/reports.js';
import { closeAll, startTestServer } from '../support/server.js';

afterEach(async () => {
  disconnectAll();
  await closeAll();
});

/** A clock the test moves: call time is counted by the server's clock between reports. */
function manualClock() {
  let now = 1_000_000;
  return { now: () => now, advance: (ms: number) => void (now += ms) };
}

const excellent = { rating: 'excellent', causes: [] } as const;
const ok = { data: { recorded: true } };

/** Ada and Bob in one room; Ada rates her call with Bob. */
async function call() {
  const clock = manualClock();
  const server = await startTestServer({ deps: { clock } });
  const ada = await joined(server.url, 'standup-room-secret', { name: 'Ada Example' });
  const bob = await joined(server.url, 'standup-room-secret');
  const report = (r: Partial<QualityReport>) =>
    request(ada.socket, 'connection:quality', {
      peerId: bob.answer.peerId,
      receiving: excellent,
      sending: excellent,
      final: false,
      ...r,
    });
  const seconds = (labels: Record<string, string>) =>
    server.counter('icelane_call_quality_seconds_total', labels);
  const sides = (labels: Record<string, string>) =>
    server.counter('icelane_call_quality_sides', labels);
  return { server, clock, ada, bob, report, seconds, sides };
}

describe('connection:quality', () => {
  it('counts call time by rating and cause per direction, by the server clock, and keeps each stretch in /history', async () => {
    const { server, clock, ada, bob, report, seconds, sides } = await call();
    expect(await report({})).toEqual(ok);
    expect(await sides({ direction: 'receiving', rating: 'excellent' })).toBe(1);
    clock.advance(12_000);
    const lossy: DirectionRating = { rating: 'poor', causes: ['loss', 'jitter'] };
    expect(await report({ receiving: lossy })).toEqual(ok);
    expect(await seconds({ direction: 'receiving', rating: 'excellent', cause: 'none' })).toBe(12);
    expect(await seconds({ direction: 'sending', rating: 'excellent', cause: 'none' })).toBe(12);
    expect(await sides({ direction: 'receiving', rating: 'excellent' })).toBe(0);
    expect(await sides({ direction: 'receiving', rating: 'poor' })).toBe(1);

    clock.advance(6_000);
    expect(await report({ receiving: lossy, final: true })).toEqual(ok);
    // The first cause names the stretch: loss, not jitter.
    expect(await seconds({ direction: 'receiving', rating: 'poor', cause: 'loss' })).toBe(6);
    expect(await seconds({ direction: 'receiving', rating: 'poor', cause: 'jitter' })).toBe(0);
    expect(await sides({ direction: 'receiving' })).toBe(0);
    // Ended: time after a final report is nobody's.
    clock.advance(60_000);
    expect(await seconds({})).toBe(36);

    const history = JSON.parse((await rawGet(server.port, '/history')).body) as CallHistory;
    expect(history.quality).toEqual([
      {
        at: expect.any(Number),
        durationMs: 12_000,
        receiving: { rating: 'excellent', cause: 'none' },
        sending: { rating: 'excellent', cause: 'none' },
      },
      {
        at: expect.any(Number),
        durationMs: 6_000,
        receiving: { rating: 'poor', cause: 'loss' },
        sending: { rating: 'excellent', cause: 'none' },
      },
    ]);
    expect(history.limits.quality).toBe(500);
    // Nothing names a peer, a person or a room.
    const metrics = (await rawGet(server.port, '/metrics')).body;
    for (const text of [metrics, JSON.stringify(history)]) {
      for (const secret of [ada.answer.peerId, bob.answer.peerId, 'standup-room-secret', 'Ada']) {
        expect(text).not.toContain(secret);
      }
    }
  });

  it("ends a side's ratings when it disconnects", async () => {
    const { clock, ada, bob, report, seconds, sides } = await call();
    expect(await report({ sending: { rating: 'good', causes: ['rtt'] } })).toEqual(ok);
    clock.advance(9_000);
    const left = nextEvent(bob.socket, 'peer:left');
    ada.socket.disconnect();
    // The room hears of the departure after the server ended her ratings.
    await left;
    expect(await seconds({ direction: 'sending', rating: 'good', cause: 'rtt' })).toBe(9);
    expect(await sides({})).toBe(0);
  });

  it('refuses a report about no peer of the room, a malformed one, and one from outside a room, and counts none', async () => {
    const { server, ada, report, seconds, sides } = await call();
    expect(await report({ peerId: 'nobodyHere' })).toMatchObject({
      error: { code: 'unknown-peer' },
    });
    expect(await report({ peerId: ada.answer.peerId })).toMatchObject({
      error: { code: 'unknown-peer' },
    });
    const bad: unknown[] = [
      { receiving: { rating: 'superb', causes: [] } },
      { sending: { rating: 'poor', causes: ['cosmic-rays'] } },
      { final: 'soon' },
      { receiving: 'poor' },
    ];
    for (const change of bad) {
      expect(await report(change as Partial<QualityReport>)).toMatchObject({
        error: { code: 'invalid-payload' },
      });
    }
    expect(await request(ada.socket, 'connection:quality', 'poor')).toMatchObject({
      error: { code: 'invalid-payload' },
    });
    const stranger = await connect(server.url);
    expect(await request(stranger, 'connection:quality', {})).toMatchObject({
      error: { code: 'not-in-room' },
    });
    expect(await seconds({})).toBe(0);
    expect(await sides({})).toBe(0);
    expect(
      await server.counter('icelane_invalid_payloads_total', { event: 'connection:quality' }),
    ).toBe(7);
  });

  it('holds at most as many ratings as the room has other peers, ending the one reported least recently', async () => {
    const clock = manualClock();
    const server = await startTestServer({ deps: { clock }, options: { roomPeerCap: 3 } });
    const room = 'standup-room-secret';
    const ada = await joined(server.url, room);
    const bob = await joined(server.url, room);
    const carol = await joined(server.url, room);
    const rate = (peerId: string, rating: DirectionRating | typeof excellent) =>
      request(ada.socket, 'connection:quality', {
        peerId,
        receiving: rating,
        sending: rating,
        final: false,
      });
    const good: DirectionRating = { rating: 'good', causes: ['rtt'] };
    expect(await rate(carol.answer.peerId, excellent)).toEqual(ok);
    expect(await rate(bob.answer.peerId, good)).toEqual(ok);
    clock.advance(5_000);
    // Carol's call, the first reported, is now the most recently reported.
    expect(await rate(carol.answer.peerId, good)).toEqual(ok);
    // Bob comes back under a new id, and Ada never said her call under the old one ended.
    bob.socket.disconnect();
    const bobAgain = await joined(server.url, room);
    clock.advance(3_000);
    expect(await rate(bobAgain.answer.peerId, excellent)).toEqual(ok);

    const sides = (rating: string) =>
      server.counter('icelane_call_quality_sides', { direction: 'receiving', rating });
    // Bob's old call ended at the new one's first report, after its 8 s; Carol's goes on.
    expect(await sides('good')).toBe(1);
    expect(await sides('excellent')).toBe(1);
    const seconds = (rating: string, cause: string) =>
      server.counter('icelane_call_quality_seconds_total', {
        direction: 'receiving',
        rating,
        cause,
      });
    expect(await seconds('good', 'rtt')).toBe(8);
    expect(await seconds('excellent', 'none')).toBe(5);
  });

  it('shares the rate limit of connection:report', async () => {
    const server = await startTestServer({
      options: { rateLimits: { report: { burst: 3, perSecond: 0.001 } } },
    });
    const ada = await joined(server.url, 'standup');
    const bob = await joined(server.url, 'standup');
    const quality = (rating: string) => {
      const direction = { rating, causes: ['rtt'] };
      const r = {
        peerId: bob.answer.peerId,
        receiving: direction,
        sending: direction,
        final: false,
      };
      return request(ada.socket, 'connection:quality', r);
    };
    expect(await quality('poor')).toEqual(ok);
    // The rest of the burst goes to connection:report; a quality report then finds none left.
    for (let i = 0; i < 2; i += 1) {
      const answer = await request(
        ada.socket,
        'connection:report',
        connectionReport(bob.answer.peerId),
      );
      expect(answer).toHaveProperty('data');
    }
    expect(await quality('good')).toMatchObject({ error: { code: 'rate-limited' } });
  });
});
