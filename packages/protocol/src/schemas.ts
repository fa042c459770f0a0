/**
 * Schemas for every inbound payload of protocol v1, with the caps of {@link PROTOCOL_LIMITS}.
 * The server validates with them; anything else may, too.
 */
import * as v from 'valibot';
import type {
  CandidateSummary,
  ConnectPhases,
  ConnectionReport,
  JoinRequest,
  PeerMeta,
  RecoveryReport,
  SignalData,
  UsageReport,
  SignalRequest,
} from './events.js';
import { jsonSize } from './json-size.js';
import { PROTOCOL_LIMITS as L } from './limits.js';

const ROOM_NAME = /^[A-Za-z0-9_.~-]+$/;
const PEER_ID = /^[A-Za-z0-9_-]+$/;
// No control characters: a display name ends up in other people's UI and logs.
const DISPLAY_NAME = /^[^\p{Cc}]+$/u;

export const roomNameSchema = v.pipe(
  v.string('room must be a string'),
  v.minLength(1, 'room must not be empty'),
  v.maxLength(L.roomNameMaxLength, `room must be at most ${L.roomNameMaxLength} characters`),
  v.regex(ROOM_NAME, 'room may only hold A-Z a-z 0-9 - _ . ~'),
);

export const peerIdSchema = v.pipe(
  v.string('peer id must be a string'),
  v.minLength(1, 'peer id must not be empty'),
  v.maxLength(L.peerIdMaxLength, 'peer id is too long'),
  v.regex(PEER_ID, 'peer id is malformed'),
);

const displayNameSchema = v.pipe(
  v.string('name must be a string'),
  v.minLength(1, 'name must not be empty'),
  v.maxLength(L.displayNameMaxLength, `name must be at most ${L.displayNameMaxLength} characters`),
  v.regex(DISPLAY_NAME, 'name must not hold control characters'),
);

const metaValueSchema = v.union(
  [
    v.pipe(v.string(), v.maxLength(L.metaValueMaxLength)),
    v.pipe(v.number(), v.finite()),
    v.boolean(),
    v.null(),
  ],
  `meta values must be strings of at most ${L.metaValueMaxLength} characters, finite numbers, booleans or null`,
);

export const metaSchema = v.pipe(
  // v.record alone would take an array for an object with keys "0", "1"...
  v.custom<Record<string, unknown>>(
    (input) => typeof input === 'object' && input !== null && !Array.isArray(input),
    'meta must be a flat object',
  ),
  v.record(
    v.pipe(v.string(), v.minLength(1), v.maxLength(L.metaKeyMaxLength, 'meta key is too long')),
    metaValueSchema,
    'meta must be a flat object',
  ),
  v.check(
    (meta) => Object.keys(meta).length <= L.metaMaxKeys,
    `meta may hold at most ${L.metaMaxKeys} keys`,
  ),
  v.check(
    (meta) => jsonSize(meta, L.metaMaxBytes, 2) <= L.metaMaxBytes,
    `meta must be at most ${L.metaMaxBytes} bytes as JSON`,
  ),
) satisfies v.GenericSchema<unknown, PeerMeta>;

export const resumeTokenSchema = v.pipe(
  v.string('resume must be a string'),
  v.minLength(1, 'resume must not be empty'),
  v.maxLength(
    L.resumeTokenMaxLength,
    `resume must be at most ${L.resumeTokenMaxLength} characters`,
  ),
  v.regex(/^[A-Za-z0-9_.-]+$/, 'resume holds only A-Z a-z 0-9 _ . -'),
);

export const joinRequestSchema = v.object(
  {
    room: roomNameSchema,
    name: v.optional(displayNameSchema),
    meta: v.optional(metaSchema),
    resume: v.optional(resumeTokenSchema),
  },
  'join request must be an object',
) satisfies v.GenericSchema<unknown, JoinRequest>;

const attemptSchema = v.pipe(
  v.number('attempt must be a number'),
  v.integer('attempt must be an integer'),
  v.minValue(1, 'attempt starts at 1'),
  v.maxValue(L.maxAttempt, `attempt must be at most ${L.maxAttempt}`),
);

export const signalDataSchema = v.pipe(
  v.looseObject(
    {
      type: v.pipe(
        v.string('signal data needs a string type'),
        v.minLength(1),
        v.maxLength(L.signalTypeMaxLength),
      ),
    },
    'signal data must be an object',
  ),
  v.check(
    (data) => jsonSize(data, L.signalMaxBytes, L.signalMaxDepth) <= L.signalMaxBytes,
    `signal data must be plain JSON of at most ${L.signalMaxBytes} bytes and depth ${L.signalMaxDepth}`,
  ),
) satisfies v.GenericSchema<unknown, SignalData>;

export const signalRequestSchema = v.object(
  { to: peerIdSchema, attempt: attemptSchema, data: signalDataSchema },
  'signal must be an object',
) satisfies v.GenericSchema<unknown, SignalRequest>;

const addressFamilySchema = v.picklist(['ipv4', 'ipv6'], 'unknown address family');

const candidateSummarySchema = v.object({
  type: v.picklist(['host', 'srflx', 'prflx', 'relay'], 'unknown candidate type'),
  protocol: v.picklist(['udp', 'tcp'], 'unknown candidate protocol'),
  relayProtocol: v.optional(v.picklist(['udp', 'tcp', 'tls'], 'unknown relay protocol')),
  url: v.optional(v.pipe(v.string(), v.maxLength(L.turnUrlMaxLength))),
  family: v.optional(addressFamilySchema),
}) satisfies v.GenericSchema<unknown, CandidateSummary>;

const phaseMsSchema = v.optional(
  v.pipe(v.number(), v.minValue(0), v.maxValue(L.timeToConnectMaxMs)),
);

const connectPhasesSchema = v.object(
  {
    signalingMs: phaseMsSchema,
    gatheringMs: phaseMsSchema,
    checksMs: phaseMsSchema,
    dtlsMs: phaseMsSchema,
    dataChannelMs: phaseMsSchema,
    totalMs: v.pipe(v.number(), v.minValue(0), v.maxValue(L.timeToConnectMaxMs)),
  },
  'phases must be an object',
) satisfies v.GenericSchema<unknown, ConnectPhases>;

export const connectionReportSchema = v.object(
  {
    peerId: peerIdSchema,
    attempt: attemptSchema,
    strategy: v.picklist(['auto', 'relay', 'direct'], 'unknown strategy'),
    turnOnDemand: v.optional(v.boolean()),
    local: candidateSummarySchema,
    remote: candidateSummarySchema,
    relayed: v.boolean(),
    timeToConnectMs: v.pipe(v.number(), v.minValue(0), v.maxValue(L.timeToConnectMaxMs)),
    rttMs: v.optional(v.pipe(v.number(), v.minValue(0), v.maxValue(L.rttMaxMs))),
    phases: v.optional(connectPhasesSchema),
    localAddressFamilies: v.optional(v.pipe(v.array(addressFamilySchema), v.maxLength(2))),
  },
  'connection report must be an object',
) satisfies v.GenericSchema<unknown, ConnectionReport>;

export const recoveryReportSchema = v.object(
  {
    peerId: peerIdSchema,
    cause: v.picklist(
      ['path-lost', 'ice-failed', 'network-change', 'credentials-expiring'],
      'unknown recovery cause',
    ),
    step: v.picklist(['ice-restart', 'ice-restart-relay', 'new-connection'], 'unknown step'),
    outcome: v.picklist(['recovered', 'failed'], 'unknown outcome'),
    gapMs: v.pipe(v.number(), v.minValue(0), v.maxValue(L.recoveryGapMaxMs)),
  },
  'recovery report must be an object',
) satisfies v.GenericSchema<unknown, RecoveryReport>;

const usageTotalSchema = (max: number) =>
  v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(max));

export const usageReportSchema = v.object(
  {
    peerId: peerIdSchema,
    attempt: attemptSchema,
    bytesSent: usageTotalSchema(L.usageBytesMax),
    bytesReceived: usageTotalSchema(L.usageBytesMax),
    relayedMs: usageTotalSchema(L.usageRelayedMaxMs),
    relayProtocol: v.optional(v.picklist(['udp', 'tcp', 'tls'], 'unknown relay protocol')),
    final: v.boolean(),
  },
  'usage report must be an object',
) satisfies v.GenericSchema<unknown, UsageReport>;

// Field names the schemas declare. Any other key (a meta key) is input, and shown as `*`.
const FIELD_NAMES = new Set([
  'room',
  'name',
  'meta',
  'to',
  'attempt',
  'data',
  'type',
  'peerId',
  'strategy',
  'turnOnDemand',
  'local',
  'remote',
  'relayed',
  'timeToConnectMs',
  'rttMs',
  'phases',
  'signalingMs',
  'gatheringMs',
  'checksMs',
  'dtlsMs',
  'dataChannelMs',
  'totalMs',
  'cause',
  'step',
  'outcome',
  'gapMs',
  'bytesSent',
  'bytesReceived',
  'relayedMs',
  'final',
  'protocol',
  'relayProtocol',
  'url',
  'receiving',
  'sending',
  'rating',
  'causes',
]);

function pathSegment(key: unknown): string {
  if (typeof key === 'number') return String(key);
  return typeof key === 'string' && FIELD_NAMES.has(key) ? key : '*';
}

// valibot's default messages end in "but received <the value>": never send input back.
function safeMessage(issue: v.BaseIssue<unknown>): string {
  const what = issue.kind === 'schema' ? 'type' : issue.type;
  return issue.expected ? `invalid ${what}: expected ${issue.expected}` : `invalid ${what}`;
}

export type ParseResult<T> = { ok: true; value: T } | { ok: false; message: string };

/**
 * Validates an inbound payload. On failure, `message` names the first offending field, in words
 * safe to send back to the client (it never echoes the value).
 */
export function parsePayload<T>(
  schema: v.GenericSchema<unknown, T>,
  input: unknown,
): ParseResult<T> {
  const result = v.safeParse(schema, input, { abortEarly: true, message: safeMessage });
  if (result.success) return { ok: true, value: result.output };
  const issue = result.issues[0];
  const path = issue.path?.map((item) => pathSegment(item.key)).join('.');
  return { ok: false, message: path ? `${path}: ${issue.message}` : issue.message };
}
