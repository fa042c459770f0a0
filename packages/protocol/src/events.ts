/**
 * icelane wire protocol v1: the socket.io events both ends speak, and their payloads.
 *
 * Every acknowledgement is an `Ack` (ack.ts): `{ data }` on success, `{ error }` otherwise. Nothing
 * is ever thrown across the wire.
 */
import type { Ack, AckCallback } from './ack.js';
import type { AddressFamily } from './ice-families.js';
import type { QualityReport } from './quality-report.js';

/** An ICE server as `RTCPeerConnection` takes it (`RTCIceServer`). */
export interface IceServer {
  urls: string | string[];
  username?: string;
  credential?: string;
}

/** The ICE transport policy a peer connection starts with. */
export type IcePolicy = 'all' | 'relay';

/** What a client needs to configure ICE: handed out on join, over `ice:refresh` and `GET /ice`. */
export interface IceConfig {
  iceServers: IceServer[];
  /** When the TURN credentials in `iceServers` stop working, in ms since the epoch; `null` without TURN. */
  expiresAt: number | null;
  /** Whether `iceServers` includes TURN servers with credentials. `false` means STUN only. */
  turn: boolean;
  /** The first-attempt policy the server recommends. */
  policy: IcePolicy;
  /**
   * STUN URLs for the network check only, never given to `RTCPeerConnection` in a call (so they
   * do not count against the cap on `iceServers`): each differs in port or address from the STUN
   * URL in `iceServers`, so comparing the public ports seen by both tells a symmetric NAT
   * (a new port per destination) from one that keeps its mapping. Absent when none is configured.
   */
  stunProbe?: string[];
}

/** Free-form, flat, small data a peer publishes about itself (a display colour, a role). */
export type PeerMeta = Record<string, string | number | boolean | null>;

export interface PeerInfo {
  peerId: string;
  name?: string;
  meta?: PeerMeta;
  /**
   * The peer rejoined after a signaling drop: the id it had before. A client that still links
   * that id keeps the link under this one (in a join answer too: both sides may have dropped).
   */
  rejoinOf?: string;
}

export interface JoinRequest {
  room: string;
  name?: string;
  meta?: PeerMeta;
  /**
   * The `resumeToken` of this client's previous join of the same room, when it joins again after
   * losing its signaling connection: the server then removes the previous peer id at once (it may
   * not have noticed the old connection is gone) and tells the others which id replaced it.
   * An unknown or stale token is ignored: the join goes on as a fresh one.
   */
  resume?: string;
}

/**
 * What a client may send in socket.io's handshake (`io(url, { auth })`, its CONNECT packet).
 *
 * With `join`, the server joins the room as soon as the connection is made, as `room:join` would,
 * and answers with `room:joined` right after socket.io's CONNECT: the answer comes one round trip
 * after the transport opens instead of two. Give `auth` as a function or update it before each
 * reconnect, so that a reconnection joins again with the current `resume` token. A client that
 * sends no `join` joins with `room:join` as before; one that sends it must not send `room:join`
 * too (`already-joined`).
 */
export interface HandshakeAuth {
  /** Handed to the server's authorization hook on every join. */
  token?: string;
  /** The join, answered by `room:joined`. */
  join?: JoinRequest;
}

export interface JoinAnswer {
  /** Assigned by the server; a client cannot choose it. */
  peerId: string;
  room: string;
  /** The peers already in the room, not including this one. */
  peers: PeerInfo[];
  ice: IceConfig;
  /**
   * Opaque; send it as `resume` when joining this room again after a signaling drop. Valid while
   * the server still lists this peer, used once. Absent from servers that predate it.
   */
  resumeToken?: string;
}

/** `peer:joined`: a peer joined the room. */
export interface PeerJoined extends PeerInfo {
  /**
   * The peer was in the room before the receiver joined, though the receiver's join answer did
   * not list it (a Redis failover lost its entry, written again since): the receiver offers to it,
   * as to the peers its answer listed. Absent from servers that predate it.
   */
  earlier?: true;
}

/** `peer:left`: a peer left the room. */
export interface PeerLeft {
  peerId: string;
  /** The peer did not go: it rejoined under this id, announced next by `peer:joined`. */
  rejoinedAs?: string;
}

/**
 * What simple-peer emits on `signal` (`offer`, `answer`, `candidate`, `renegotiate`,
 * `transceiverRequest`) or one of the SDK's own control messages. The server relays it untouched.
 */
export type SignalData = { type: string } & Record<string, unknown>;

/** A signal as a client sends it. */
export interface SignalRequest {
  to: string;
  /** The connection attempt the signal belongs to; stale attempts are dropped by the receiver. */
  attempt: number;
  data: SignalData;
}

/** A signal as a client receives it; `from` is stamped by the server. */
export interface SignalMessage {
  from: string;
  attempt: number;
  data: SignalData;
}

export type CandidateType = 'host' | 'srflx' | 'prflx' | 'relay';
export type TransportProtocol = 'udp' | 'tcp';
/** How a relay candidate reaches its TURN server. */
export type RelayProtocol = 'udp' | 'tcp' | 'tls';
/** How the SDK chooses ICE servers and policy per attempt. */
export type Strategy = 'auto' | 'relay' | 'direct';

/** One end of the selected candidate pair. */
export interface CandidateSummary {
  type: CandidateType;
  protocol: TransportProtocol;
  /** Present on a local relay candidate. */
  relayProtocol?: RelayProtocol;
  /** The TURN server URL a local relay candidate came from, when the browser says. */
  url?: string;
  /**
   * The family of the candidate's address, when the browser shows it (not for an mDNS name). A
   * relay candidate's is the relay address's, whatever family reached the TURN server.
   */
  family?: AddressFamily;
}

/**
 * How long each step of the attempt that connected took, in ms, as the client measured it. Steps
 * overlap (candidates trickle while signaling and checks run), so they do not add up to `totalMs`.
 * A step is left out when the client did not see both of its ends.
 */
export interface ConnectPhases {
  /** Offerer: offer sent → answer received. Answerer: offer received → answer sent. */
  signalingMs?: number;
  /** `iceGatheringState` `gathering` → `complete`; left out if still gathering when connected. */
  gatheringMs?: number;
  /** Remote description set → `iceConnectionState` `connected` (or `completed`). */
  checksMs?: number;
  /** ICE connected → `connectionState` `connected` (the DTLS handshake). */
  dtlsMs?: number;
  /** `connectionState` `connected` → the data channel open. */
  dataChannelMs?: number;
  /** The attempt's peer connection created → the data channel open. */
  totalMs: number;
}

/** What a client tells the server about a connection once it is up (and when its pair changes). */
export interface ConnectionReport {
  peerId: string;
  attempt: number;
  strategy: Strategy;
  /** Whether TURN was kept out of the first attempt. */
  turnOnDemand?: boolean;
  local: CandidateSummary;
  remote: CandidateSummary;
  /** True when either end of the selected pair is a relay candidate. */
  relayed: boolean;
  /** From the start of attempt 1 (the peer appearing) to connected. */
  timeToConnectMs: number;
  rttMs?: number;
  /** The steps of the attempt that connected. */
  phases?: ConnectPhases;
  /**
   * The families of this side's interfaces (its host candidates' addresses) on the attempt that
   * connected; left out when it gathered none it could read (policy `relay`, mDNS names). A local
   * relay with `['ipv6']` here reached its TURN server over IPv6: an IPv6-only network (NAT64).
   */
  localAddressFamilies?: AddressFamily[];
}

/** Why a live call was healed: what the client saw, or its TURN credentials about to expire. */
export type RecoveryCause = 'path-lost' | 'ice-failed' | 'network-change' | 'credentials-expiring';
/** The step that healed the call (or the last one tried): ICE restarts in place, or a new connection. */
export type RecoveryStep = 'ice-restart' | 'ice-restart-relay' | 'new-connection';

/** What a client tells the server when it healed a live call, or gave up on it. */
export interface RecoveryReport {
  /** The remote peer. */
  peerId: string;
  cause: RecoveryCause;
  step: RecoveryStep;
  outcome: 'recovered' | 'failed';
  /** The longest time without anything from the far side; 0 for `credentials-expiring`. */
  gapMs: number;
}

/**
 * How much of a connection went through this side's own TURN allocation (its local candidate is
 * `relay`): what a TURN provider bills. Totals since the connection came up, never deltas, so a
 * lost report loses nothing. Sent while relayed (periodically) and once when the connection ends.
 */
export interface UsageReport {
  /** The remote peer. */
  peerId: string;
  /** The connection attempt, as in its `ConnectionReport`. */
  attempt: number;
  /** Bytes sent through this side's relay allocation (the selected pairs' `bytesSent`). */
  bytesSent: number;
  /** Bytes received through it. */
  bytesReceived: number;
  /** Time the selected pair had a local relay candidate. */
  relayedMs: number;
  /** How the latest relayed pair reached its TURN server. */
  relayProtocol?: RelayProtocol;
  /** The connection ended: these are its final totals. */
  final: boolean;
}

export interface ShutdownNotice {
  /** How long the client should wait before reconnecting. */
  reconnectAfterMs: number;
}

/** Events a client emits. */
export interface ClientToServerEvents {
  'room:join': (request: JoinRequest, ack: AckCallback<JoinAnswer>) => void;
  'room:leave': (ack?: AckCallback<{ left: true }>) => void;
  signal: (request: SignalRequest, ack?: AckCallback<{ delivered: true }>) => void;
  'ice:refresh': (ack: AckCallback<IceConfig>) => void;
  'connection:report': (report: ConnectionReport, ack?: AckCallback<{ recorded: true }>) => void;
  'connection:recovery': (report: RecoveryReport, ack?: AckCallback<{ recorded: true }>) => void;
  /** `recorded: false`: the connection had already ended (a final report came), nothing counted. */
  'connection:usage': (report: UsageReport, ack?: AckCallback<{ recorded: boolean }>) => void;
  'connection:quality': (report: QualityReport, ack?: AckCallback<{ recorded: true }>) => void;
}

/** Events the server emits. */
export interface ServerToClientEvents {
  'peer:joined': (peer: PeerJoined) => void;
  'peer:left': (peer: PeerLeft) => void;
  signal: (message: SignalMessage) => void;
  'server:shutdown': (notice: ShutdownNotice) => void;
  /**
   * The answer to the join sent in the handshake (`HandshakeAuth.join`): exactly what `room:join`
   * would have acknowledged, refusals included. Once per connection that carried a join.
   */
  'room:joined': (answer: Ack<JoinAnswer>) => void;
}

/** The event names a client sends, for code that needs them as values. */
export const ClientEvent = {
  Join: 'room:join',
  Leave: 'room:leave',
  Signal: 'signal',
  IceRefresh: 'ice:refresh',
  ConnectionReport: 'connection:report',
  ConnectionRecovery: 'connection:recovery',
  ConnectionUsage: 'connection:usage',
  ConnectionQuality: 'connection:quality',
} as const satisfies Record<string, keyof ClientToServerEvents>;
