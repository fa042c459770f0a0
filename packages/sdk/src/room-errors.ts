/**
 * The errors a room raises for what the server answered (or did not) to its requests.
 */
import { IcelaneError } from './errors.js';
import { ServerAnswerError } from './signaling.js';

/** The `join-failed` error for a refused join answer, `signaling-failed` for no answer. */
export function joinError(error: unknown): IcelaneError {
  if (error instanceof ServerAnswerError) {
    return new IcelaneError('join-failed', `the server refused the join: ${error.message}`, {
      cause: error,
      details: { code: error.error.code },
    });
  }
  return new IcelaneError('signaling-failed', 'the server did not answer the join in time', {
    cause: error,
  });
}

/** The `ice-refresh-failed` error for a refused or unanswered `ice:refresh`. */
export function refreshError(error: unknown): IcelaneError {
  const why = error instanceof ServerAnswerError ? error.message : 'no answer in time';
  return new IcelaneError('ice-refresh-failed', `could not refresh the ICE servers: ${why}`, {
    cause: error,
    ...(error instanceof ServerAnswerError ? { details: { code: error.error.code } } : {}),
  });
}
