/**
 * The acknowledgement every request gets: `{ data }` on success, `{ error }` otherwise, never a
 * thrown error.
 */
import type { ErrorCode } from './errors.js';

export interface ProtocolError {
  code: ErrorCode;
  message: string;
  /** Set on `rate-limited`: when trying again may succeed. */
  retryAfterMs?: number;
}

export type Ack<T> = { data: T } | { error: ProtocolError };
export type AckCallback<T> = (answer: Ack<T>) => void;

/** Builds the `{ error }` branch of an acknowledgement. */
export function errorAnswer(
  code: ErrorCode,
  message: string,
  extra?: Pick<ProtocolError, 'retryAfterMs'>,
): { error: ProtocolError } {
  return { error: { code, message, ...extra } };
}
