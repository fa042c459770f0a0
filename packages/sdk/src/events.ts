/**
 * The events a {@link Room} emits, and the per-peer snapshot it keeps.
 */
import type { ConnectionReport, IceConfig, IcePolicy, PeerMeta } from '@icelane/protocol';
import type { FailureReason, IcelaneError } from './errors.js';
import type { CallQuality } from './call-quality.js';
import type { RecoveryCause, RecoveryStep } from './healer.js';

/**
 * Where a link to one remote peer stands. `reconnecting`: the call was up and lost its path; it
 * is being healed in place (media and data resume on the same connection), see `recovery`.
 */
export type PeerState =
  'connecting' | 'connected' | 'reconnecting' | 'retrying' | 'failed' | 'closed';

/** The state of the signaling connection to the server. */
export type SignalingState = 'connected' | 'reconnecting' | 'disconnected';

/** What `room.peers()` returns for each remote peer. */
export interface PeerSnapshot {
  peerId: string;
  name?: string;
  meta?: PeerMeta;
  state: PeerState;
  /** The current attempt, from 1. */
  attempt: number;
  /** The latest connection report, once connected. */
  report?: ConnectionReport;
  /** The call's latest quality (the `quality` event), once rated. */
  quality?: CallQuality;
}

/** Data as it arrives on the data channel: text as a string, binary as bytes. */
export type PeerData = string | Uint8Array;

/** Every event of a room, and its payload. */
export interface RoomEvents {
  /**
   * A peer is in the room and a connection to it starts: one that entered later, or one already
   * there when this side joined (announced right after `joinRoom` resolves, and after a rejoin).
   */
  'peer:joined': { peerId: string; name?: string; meta?: PeerMeta };
  /** A peer left the room (or its signaling connection dropped); its connection is closed. */
  'peer:left': { peerId: string };
  /** A link changed state; `policy` is the current attempt's ICE transport policy. */
  'peer:state': { peerId: string; state: PeerState; attempt: number; policy: IcePolicy };
  /**
   * A remote media stream, once its connection is up (an attempt that fails shows none). A new
   * connection (a retry, `new-connection` healing) brings a new one: show it in the old's place.
   */
  stream: { peerId: string; stream: MediaStream };
  /** A remote track, once its connection is up (as `stream`). */
  track: { peerId: string; track: MediaStreamTrack; stream: MediaStream };
  /** A data-channel message arrived. */
  data: { peerId: string; data: PeerData };
  /** A connection is up, or its selected candidate pair changed. */
  report: { peerId: string; report: ConnectionReport };
  /** An attempt failed and the next one starts with `policy`. */
  fallback: { peerId: string; attempt: number; reason: FailureReason; policy: IcePolicy };
  /**
   * A live call was healed, or could not be: what broke it (`cause`), the step that brought it
   * back (`ice-restart`, `ice-restart-relay`, or `new-connection`, which brings a new `stream`),
   * the longest time without anything from the far side (`gapMs`), and the path it is on now.
   * `credentials-expiring` is the call moved onto fresh TURN credentials, with no gap.
   */
  recovery: {
    peerId: string;
    cause: RecoveryCause;
    step: RecoveryStep;
    outcome: 'recovered' | 'failed';
    gapMs: number;
    report?: ConnectionReport;
  };
  /**
   * How good a live call is now, per direction and with the causes (`rtt`, `loss`, `jitter`,
   * `frames`, `bitrate`, `no-media`): read every `statsIntervalMs`, told when a rating or a cause
   * changes. `excellent` / `good` / `poor` / `lost`, from published limits (see call-quality.ts).
   * @example
   * room.on('quality', ({ peerId, quality }) => badge(peerId, quality.rating, quality.receiving.causes));
   */
  quality: { peerId: string; quality: CallQuality };
  /** Fresh ICE servers arrived (before the credentials expire, or on `refreshIce()`). */
  ice: IceConfig;
  /** The signaling connection changed state; on `connected` after a drop the room was rejoined. */
  signaling: { state: SignalingState };
  /** Something failed; `error.peerId` is set when it concerns one peer. */
  error: IcelaneError;
}
