/**
 * What both failover tests check once their traffic has stopped, and the line they print: the
 * same promises whatever the Redis (a Cluster, or a primary behind Sentinel).
 */
import { expect } from 'vitest';
import { eventually, type ServerProcess } from '@icelane/testing';
import { joined, nextEvent } from '../support/clients.js';
import { JOIN_BOUND_MS, RESYNC_SETTLE_MS } from './failover-bounds.js';
import {
  flowingAgainAfterMs,
  refusals,
  type SentSignal,
  type Traffic,
  type TrafficReport,
} from './traffic.js';

/** The signals and joins of a failover, as the tests print them after their own first part. */
export function failoverFigures(report: TrafficReport, killedAt: number): string {
  const notDelivered = report.signals.filter((s) => s.outcome !== 'delivered').length;
  return (
    `signals flowing again after ${flowingAgainAfterMs(report.signals, killedAt)} ms; ` +
    `${report.lost.length} of ${report.signals.length} signals lost, ` +
    `${notDelivered} not delivered (refused: ${refusals(report.signals)}); ` +
    `joins: ${report.joins.length}, slowest ${Math.max(...report.joins.map((j) => j.ms))} ms`
  );
}

/**
 * No live peer announced gone; once settled, signals flow again, every one delivered and
 * arrived; nothing answered `delivered` lost, before the failover settled as after (what Redis
 * could not carry was answered `unavailable`), and no signal for a live peer answered
 * `unknown-peer`; every join answered within its bound.
 */
export function expectNothingLost(report: TrafficReport, afterSettle: SentSignal[]): void {
  expect(report.announcedGone).toEqual([]);
  expect(afterSettle.length).toBeGreaterThan(0);
  expect(afterSettle.filter((s) => s.arrivedAt === null)).toEqual([]);
  expect(report.lost).toEqual([]);
  // A room Redis could not look up is `unavailable`: a live peer is never said to be unknown.
  expect(report.signals.filter((s) => s.code === 'unknown-peer')).toEqual([]);
  expect(report.joins.filter((j) => !j.ok || j.ms > JOIN_BOUND_MS)).toEqual([]);
}

/**
 * Every room holds its pair and nobody else once the nodes have written their peers again after
 * the failover: a churning client whose join or leave met the failover is not left behind in
 * Redis, a ghost every newcomer would be told of. `storedPeerIds` reads a room's entries.
 */
export async function expectOnlyPairsStored(
  traffic: Traffic,
  storedPeerIds: (room: string) => Promise<string[]>,
): Promise<void> {
  const pairIds = traffic.pairs.map((p) => [p.alice.answer.peerId, p.bob.answer.peerId].sort());
  const stored = () =>
    Promise.all(traffic.pairs.map(async (p) => (await storedPeerIds(p.room)).sort()));
  await eventually(
    async () => JSON.stringify(await stored()) === JSON.stringify(pairIds),
    'every room holding only its pair',
    RESYNC_SETTLE_MS,
  ).catch(() => {});
  expect(await stored()).toEqual(pairIds);
}

/**
 * The token of bob's join in the second pair, made before the failover, spent through `node`
 * after it: alice hears bob back as the rejoin of his first id, and he finds her in the room.
 */
export async function expectResumeHonoured(traffic: Traffic, node: ServerProcess): Promise<void> {
  const { room, alice, bob } = traffic.pairs[1]!;
  const rejoined = nextEvent<{ rejoinOf?: string }>(alice.socket, 'peer:joined');
  const again = await joined(node.url, room, { resume: bob.answer.resumeToken! });
  expect((await rejoined).rejoinOf).toBe(bob.answer.peerId);
  expect(again.answer.peers).toEqual([{ peerId: alice.answer.peerId }]);
}
