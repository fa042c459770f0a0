/**
 * @icelane/sdk: WebRTC rooms that connect on any network, with a TURN relay fallback and a
 * report of how each connection went.
 */
export { joinRoom } from './join-room.js';
export { Room, type SendData } from './room.js';
export { joinDefaults, type JoinOptions } from './defaults.js';
export { checkNetwork } from './network-check/check.js';
export {
  networkCheckDefaults,
  type NetworkCheckOptions,
  type NetworkClass,
} from './network-check/network-class.js';
export type { MappingBehaviour, TurnTransports } from './network-check/classify.js';
export {
  IcelaneError,
  FAILURE_REASON_TEXT,
  type FailedAttempt,
  type FailureReason,
  type IcelaneErrorCode,
} from './errors.js';
export type { PeerData, PeerSnapshot, PeerState, RoomEvents, SignalingState } from './events.js';
export type { Listener, Unsubscribe } from './emitter.js';
export type { CallQuality, DirectionQuality, QualityCause, QualityRating } from './call-quality.js';
export type {
  AddressFamily,
  CandidateSummary,
  CandidateType,
  ConnectPhases,
  ConnectionReport,
  IceConfig,
  IcePolicy,
  IceServer,
  RelayProtocol,
  Strategy,
} from '@icelane/protocol';
