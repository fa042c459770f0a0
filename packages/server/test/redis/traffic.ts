/**
 * Clients speaking the protocol to several nodes the whole time a Redis fails over: in each room
 * a pair of long-lived peers on two different nodes signal each other every `SIGNAL_EVERY_MS`,
 * and short-lived clients join a random room through a random node, signal once and leave. What
 * it records answers the failover tests' questions: was a live peer announced gone, which
 * signals reported delivered never arrived (and when were they sent), how long each join took.
 */
import type { JoinAnswer } from '@icelane/protocol';
import type { ServerProcess } from '@icelane/testing';
import { connect, joined, request, type TestClient } from '../support/clients.js';

/** A signal from each long-lived peer to its partner this often. */
export const SIGNAL_EVERY_MS = 50;
/** A short-lived client starts this often. */
export const CHURN_EVERY_MS = 100;
/** A signal reported delivered that has not arrived this long after the traffic stops is lost. */
const ARRIVAL_GRACE_MS = 2_000;

export interface Side {
  socket: TestClient;
  answer: JoinAnswer;
  /** The node it joined through. */
  node: ServerProcess;
}

export interface Pair {
  room: string;
  alice: Side;
  bob: Side;
}

export interface SentSignal {
  room: string;
  seq: number;
  sentAt: number;
  /**
   * `delivered`: the server said so; `refused`: it answered an error, `unanswered`: not in time
   * (either way the sender knows, and sends again).
   */
  outcome: 'delivered' | 'refused' | 'unanswered' | 'pending';
  /** The error code of a refused signal. */
  code?: string;
  arrivedAt: number | null;
}

export interface TrafficReport {
  signals: SentSignal[];
  /** Reported delivered, never arrived. */
  lost: SentSignal[];
  /** Peer ids of long-lived peers that some peer heard announced gone. */
  announcedGone: string[];
  /** Every short-lived client's join: how long it took and whether it was admitted. */
  joins: Array<{ startedAt: number; ms: number; ok: boolean }>;
}

export interface Traffic {
  pairs: Pair[];
  stop(): Promise<TrafficReport>;
}

/** Starts the traffic once every pair has joined (alice on `nodes[i]`, bob on the next node). */
export async function startTraffic(nodes: ServerProcess[], rooms: string[]): Promise<Traffic> {
  const pairs: Pair[] = [];
  for (const [i, room] of rooms.entries()) {
    const aliceNode = nodes[i % nodes.length]!;
    const bobNode = nodes[(i + 1) % nodes.length]!;
    const alice = { ...(await joined(aliceNode.url, room)), node: aliceNode };
    const bob = { ...(await joined(bobNode.url, room)), node: bobNode };
    pairs.push({ room, alice, bob });
  }
  const longLived = new Set(pairs.flatMap((p) => [p.alice.answer.peerId, p.bob.answer.peerId]));
  const announcedGone: string[] = [];
  const signals: SentSignal[] = [];
  const bySeq = new Map<number, SentSignal>();
  const joins: TrafficReport['joins'] = [];
  let running = true;

  for (const pair of pairs) {
    for (const side of [pair.alice, pair.bob]) {
      side.socket.on('peer:left', ({ peerId }: { peerId: string }) => {
        if (longLived.has(peerId)) announcedGone.push(peerId);
      });
    }
    pair.bob.socket.on('signal', ({ data }: { data: { sdp?: string } }) => {
      const seq = Number(/seq=(\d+)/.exec(data.sdp ?? '')?.[1]);
      const sent = bySeq.get(seq);
      if (sent) sent.arrivedAt = Date.now();
    });
  }

  let seq = 0;
  const signalTimer = setInterval(() => {
    for (const pair of pairs) {
      const sent: SentSignal = {
        room: pair.room,
        seq: ++seq,
        sentAt: Date.now(),
        outcome: 'pending',
        arrivedAt: null,
      };
      signals.push(sent);
      bySeq.set(sent.seq, sent);
      const data = { type: 'offer', sdp: `v=0\r\ns=seq=${sent.seq}\r\n` };
      request(pair.alice.socket, 'signal', { to: pair.bob.answer.peerId, attempt: 1, data }).then(
        (ack) => {
          sent.outcome = 'data' in ack && isDelivered(ack.data) ? 'delivered' : 'refused';
          if ('error' in ack) sent.code = ack.error.code;
        },
        () => (sent.outcome = 'unanswered'),
      );
    }
  }, SIGNAL_EVERY_MS);

  const churning = new Set<Promise<void>>();
  const churnOnce = async () => {
    const node = nodes[Math.floor(Math.random() * nodes.length)]!;
    const pair = pairs[Math.floor(Math.random() * pairs.length)]!;
    const socket = await connect(node.url);
    const startedAt = Date.now();
    const answer = await request(socket, 'room:join', { room: pair.room }).catch(() => null);
    joins.push({ startedAt, ms: Date.now() - startedAt, ok: answer !== null && 'data' in answer });
    if (answer && 'data' in answer) {
      const data = { type: 'offer', sdp: 'v=0\r\n' };
      await request(socket, 'signal', { to: pair.alice.answer.peerId, attempt: 1, data }).catch(
        () => {},
      );
      await request(socket, 'room:leave').catch(() => {});
    }
    socket.disconnect();
  };
  const churnTimer = setInterval(() => {
    const work = churnOnce().catch(() => {});
    churning.add(work);
    void work.finally(() => churning.delete(work));
  }, CHURN_EVERY_MS);

  return {
    pairs,
    async stop() {
      if (running) {
        running = false;
        clearInterval(signalTimer);
        clearInterval(churnTimer);
        await Promise.all(churning);
        await new Promise((resolve) => setTimeout(resolve, ARRIVAL_GRACE_MS));
      }
      return { signals, lost: lostOf(signals), announcedGone, joins };
    },
  };
}

/** How many signals were refused with each error code, as `code ×n` items. */
export function refusals(signals: SentSignal[]): string {
  const counts = new Map<string, number>();
  for (const s of signals) if (s.code) counts.set(s.code, (counts.get(s.code) ?? 0) + 1);
  return [...counts].map(([code, n]) => `${code} ×${n}`).join(', ') || 'none';
}

/** Signals the server reported delivered that never arrived. */
export function lostOf(signals: SentSignal[]): SentSignal[] {
  return signals.filter((s) => s.outcome === 'delivered' && s.arrivedAt === null);
}

/**
 * When signals flowed again after `since`: the send time of the first signal after which every
 * signal of every pair arrived (refused ones count as not arrived), minus `since`.
 */
export function flowingAgainAfterMs(signals: SentSignal[], since: number): number {
  const after = signals.filter((s) => s.sentAt >= since);
  const lastFailed = after.filter((s) => s.arrivedAt === null).at(-1);
  if (!lastFailed) return 0;
  const next = after.find((s) => s.sentAt > lastFailed.sentAt);
  return (next?.sentAt ?? Number.POSITIVE_INFINITY) - since;
}

function isDelivered(data: unknown): boolean {
  return (data as { delivered?: unknown } | null)?.delivered === true;
}
