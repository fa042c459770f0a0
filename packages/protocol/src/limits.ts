/**
 * Size caps on every inbound payload. The server enforces them; a client that stays within them
 * is never refused for size.
 */
export const PROTOCOL_LIMITS = {
  /** Room names: 1–64 characters from `A–Z a–z 0–9 - _ . ~`, so a room fits in a URL untouched. */
  roomNameMaxLength: 64,
  displayNameMaxLength: 64,
  metaMaxKeys: 16,
  metaKeyMaxLength: 32,
  metaValueMaxLength: 256,
  /** Bytes of the meta object serialized as JSON. */
  metaMaxBytes: 1024,
  peerIdMaxLength: 32,
  /** A resume token: a peer id, a dot and a secret. */
  resumeTokenMaxLength: 96,
  signalTypeMaxLength: 32,
  /** Bytes of a signal's `data` as JSON; an SDP with many candidates is about 10 KB. */
  signalMaxBytes: 64 * 1024,
  /** Nesting depth of a signal's `data`. */
  signalMaxDepth: 8,
  maxAttempt: 100,
  turnUrlMaxLength: 256,
  /** A connection that took longer than this is not a plausible report. */
  timeToConnectMaxMs: 10 * 60_000,
  rttMaxMs: 60_000,
  /** A call silent for longer than this was not healed: it was a new call. */
  recoveryGapMaxMs: 10 * 60_000,
  /** Usage totals: bytes as exact integers (2^53 - 1), time relayed up to 30 days. */
  usageBytesMax: Number.MAX_SAFE_INTEGER,
  usageRelayedMaxMs: 30 * 24 * 3600_000,
} as const;
