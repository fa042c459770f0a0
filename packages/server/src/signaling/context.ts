/**
 * What every signaling handler works with: the server's parts, and the state kept per socket.
 */
import type { Server, Socket } from 'socket.io';
import type { ServerToClientEvents } from '@icelane/protocol';
import type { IceSource } from '../credentials/ice-source.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import type { TrustedProxies } from '../clients/ip-address.js';
import type { InboundCall } from './ack.js';
import type { Authorize } from '../clients/authorize.js';
import type { Limiters, SocketBuckets } from '../clients/limiters.js';
import type { Roster } from './roster.js';
import type { RoomChannel } from './room-channel.js';
import type { JoinAnswerEncoder } from './join-answer.js';
import type { Peer } from './rooms.js';
import type { QualityLedger } from './quality.js';
import type { UsageLedger } from './usage-ledger.js';
import type { DepartedPeers } from './departed.js';

/** The time source; tests pass their own to drive rate limits. */
export interface Clock {
  /** ms since the epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

export interface SocketState {
  /** The client's address, as the authorize hook sees it. */
  address: string;
  /** What per-IP limits count the client under: its address, or its IPv6 /64 (`subnetKey`). */
  subnet: string;
  /** The room membership; `null` until a join succeeds and after leaving. */
  peer: Peer | null;
  /** A join is waiting for authorization or ICE servers; a second one is refused meanwhile. */
  joining: boolean;
  buckets: SocketBuckets;
  /** `peerId:attempt` of the connections this socket already reported, so repeats count once. */
  reported: Set<string>;
  /** Who the join's authorization said the client is (a JWT's `sub`); `undefined` if it did not. */
  user?: string;
  /** The connections whose relay usage this socket reports (see `usage.ts`). */
  usage: UsageLedger;
  /** This socket's current rating of each of its calls (see `quality.ts`). */
  quality: QualityLedger;
}

// Inbound events are typed as "anything": every payload is untrusted and validated by schema.
type Inbound = Record<string, (...args: unknown[]) => void>;

export type IcelaneIo = Server<Inbound, ServerToClientEvents, Record<string, never>, SocketState>;
export type IcelaneSocket = Socket<
  Inbound,
  ServerToClientEvents,
  Record<string, never>,
  SocketState
>;

export interface SignalingContext {
  io: IcelaneIo;
  /** Room membership: this node's memory, or shared by every node through Redis. */
  roster: Roster;
  /** How a room hears of joins and leaves. */
  roomChannel: RoomChannel;
  /** Writes a join's answer as JSON, the ICE part once per credential. */
  encodeJoinAnswer: JoinAnswerEncoder;
  iceSource: IceSource;
  logger: Logger;
  metrics: Metrics;
  authorize: Authorize;
  limiters: Limiters;
  roomPeerCap: number;
  /** The reverse proxies whose `X-Forwarded-For` entries are believed. */
  trustedProxies: TrustedProxies;
  /** Peers whose connection ended lately: their resume tokens still name them. */
  departed: DepartedPeers;
  /** Joins not answered yet: `close()` answers them `shutting-down` before disconnecting. */
  joinsInFlight: Set<InboundCall>;
  isShuttingDown(): boolean;
  /** The time that reports are counted by (call time by quality). */
  clock: Clock;
}
