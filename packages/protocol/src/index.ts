export {
  ClientEvent,
  type CandidateSummary,
  type CandidateType,
  type ClientToServerEvents,
  type ConnectPhases,
  type ConnectionReport,
  type HandshakeAuth,
  type IceConfig,
  type IcePolicy,
  type IceServer,
  type JoinAnswer,
  type JoinRequest,
  type PeerInfo,
  type PeerJoined,
  type PeerLeft,
  type PeerMeta,
  type RecoveryCause,
  type RecoveryReport,
  type RecoveryStep,
  type RelayProtocol,
  type ServerToClientEvents,
  type ShutdownNotice,
  type SignalData,
  type SignalMessage,
  type SignalRequest,
  type Strategy,
  type TransportProtocol,
  type UsageReport,
} from './events.js';
export { ERROR_CODES, type ErrorCode } from './errors.js';
export { errorAnswer, type Ack, type AckCallback, type ProtocolError } from './ack.js';
export { PROTOCOL_LIMITS } from './limits.js';
export { jsonSize } from './json-size.js';
export {
  connectionReportSchema,
  joinRequestSchema,
  metaSchema,
  parsePayload,
  peerIdSchema,
  recoveryReportSchema,
  resumeTokenSchema,
  roomNameSchema,
  signalDataSchema,
  signalRequestSchema,
  usageReportSchema,
  type ParseResult,
} from './schemas.js';
export {
  assembleIceDefaults,
  assembleIceServers,
  classifyIceUrl,
  hasTurn,
  onlyTurn,
  parseIceUrl,
  withoutTurn,
  type AssembleIceOptions,
  type AssembledIce,
  type DroppedIceUrl,
  type DroppedReason,
  type IceScheme,
  type IceUrl,
  type IceUrlClass,
} from './ice-list.js';
export { addressFamilyOf, everyIceUrlIsIpv4Literal, type AddressFamily } from './ice-families.js';
export { parseMetricsText, sumBy, sumOf, type MetricSample } from './metrics-text.js';
export {
  QUALITY_CAUSES,
  QUALITY_RATINGS,
  qualityReportSchema,
  type DirectionRating,
  type QualityCause,
  type QualityRating,
  type QualityReport,
} from './quality-report.js';
export type {
  CallHistory,
  ConnectedSide,
  QualitySpan,
  RatedDirection,
  RelayUsageRecord,
} from './call-history.js';
