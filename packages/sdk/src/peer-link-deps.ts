/**
 * What a `PeerLink` (peer-link.ts) needs of its room: the peer, the options, the room's ICE
 * configuration and network check, and where its signals, events and reports go. Apart from the
 * link so that its file reads as what it does; the room provides these, the link's tests fake
 * them.
 */
import type {
  ConnectionReport,
  IceConfig,
  PeerInfo,
  SignalData,
  UsageReport,
} from '@icelane/protocol';
import type { ControlMessage } from './control-channel.js';
import type { ResolvedJoinOptions } from './defaults.js';
import type { Emitter } from './emitter.js';
import type { RoomEvents } from './events.js';
import type { MappingBehaviour } from './network-check/classify.js';
import type { NetworkPaths } from './path-memory/network-paths.js';
import type { LinkPath } from './path-timing.js';
import type { SimplePeerConstructor } from './simple-peer-loader.js';

export interface PeerLinkDeps {
  remote: PeerInfo;
  /** Whether this side offers, on every attempt. */
  initiator: boolean;
  options: ResolvedJoinOptions;
  SimplePeer: SimplePeerConstructor;
  /** The room's latest ICE configuration. */
  ice(): IceConfig;
  /** The round trips its deadlines follow (path-timing.ts); without it, the options alone. */
  path?: LinkPath;
  /** This side's mapping from the room's network check, with TURN on demand; else `null`. */
  ownMapping?: Promise<MappingBehaviour> | null;
  /** The paths remembered for this network (`rememberPaths`); else `null`. */
  paths?: NetworkPaths | null;
  /** ICE configuration fetched after `since` (ms since the epoch); the latest one if that fails. */
  freshIce(since: number): Promise<IceConfig>;
  /** Sends a signal through the server to the peer's current signaling id `to`. */
  sendSignal(to: string, attempt: number, data: SignalData): void;
  emit: Emitter<RoomEvents>['emit'];
  /** A report to pass on to the server. */
  onReport(report: ConnectionReport): void;
  /** Relay usage to pass on to the server. */
  onUsage(report: UsageReport): void;
  /** A message from the far side's SDK on the control channel. */
  onControl(message: ControlMessage): void;
  /** A detached link's connection ended: the peer is gone. */
  onLost(): void;
  /**
   * The live call may have lost its path, or did (its signaling connection may be dead too, and
   * healing needs it). `stillInDoubt`: whether it still may have, later (absent: it did).
   */
  onTrouble(stillInDoubt?: () => boolean): void;
}
