/**
 * One HTTP call to a provider's API, with a per-call timeout and failures sorted into
 * {@link ProviderError} kinds. Messages name the provider and the status, never the request's
 * headers or body (they carry the token).
 */
import { ProviderError } from './provider.js';

export interface HttpCall {
  /** Names the provider and the operation in error messages, e.g. `cloudflare mint`. */
  label: string;
  url: string;
  init: RequestInit;
  timeoutMs: number;
  /** Statuses that count as success. */
  okStatuses: readonly number[];
  /** Aborts the call from outside (join timeout, shutdown). */
  signal?: AbortSignal;
  fetch: typeof fetch;
}

/** Performs the call; resolves with the response on an expected status, else throws. */
export async function httpCall(call: HttpCall): Promise<Response> {
  const timeout = AbortSignal.timeout(call.timeoutMs);
  const signal = call.signal ? AbortSignal.any([call.signal, timeout]) : timeout;
  let response: Response;
  try {
    response = await call.fetch(call.url, { ...call.init, signal });
  } catch (error) {
    if (timeout.aborted) {
      throw new ProviderError('timeout', `${call.label}: no answer within ${call.timeoutMs} ms`);
    }
    if (call.signal?.aborted) {
      throw new ProviderError('timeout', `${call.label}: aborted`, undefined, { cause: error });
    }
    throw new ProviderError('unavailable', `${call.label}: request failed (${describe(error)})`);
  }
  if (call.okStatuses.includes(response.status)) return response;
  // Drain the body so the connection can be reused; its content is not trusted in messages.
  await response.body?.cancel().catch(() => {});
  const { status } = response;
  if (status === 401 || status === 403) {
    throw new ProviderError('auth', `${call.label}: refused with HTTP ${status}`, status);
  }
  const kind = status >= 500 || status === 429 ? 'unavailable' : 'bad-response';
  throw new ProviderError(kind, `${call.label}: unexpected HTTP ${status}`, status);
}

/**
 * The most a provider's answer may hold. Real answers are well under 2 KB; without a cap, a
 * misbehaving or hostile API could make the server hold any amount (issue 14: a 20 MB answer
 * during 20 joins peaked at 404 MB).
 */
export const PROVIDER_ANSWER_MAX_BYTES = 64 * 1024;

/**
 * Reads a JSON body of at most `maxBytes`, or throws `bad-response`. The body is read as a
 * stream and the rest cancelled once the cap is passed, so an oversized answer never sits in
 * memory whole. Errors say how large, never what it held.
 */
export async function readJson(
  response: Response,
  label: string,
  maxBytes = PROVIDER_ANSWER_MAX_BYTES,
): Promise<unknown> {
  const tooLarge = () =>
    new ProviderError(
      'bad-response',
      `${label}: answer larger than ${maxBytes} bytes`,
      response.status,
    );
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel().catch(() => {});
    throw tooLarge();
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (response.body) {
    const reader = response.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        await reader.cancel().catch(() => {});
        throw tooLarge();
      }
      chunks.push(value);
    }
  }
  try {
    return JSON.parse(Buffer.concat(chunks, size).toString('utf8')) as unknown;
  } catch {
    throw new ProviderError('bad-response', `${label}: answer is not JSON`, response.status);
  }
}

// Network errors from undici carry the useful part in `cause.code` (ECONNREFUSED, ENOTFOUND).
function describe(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown } } | null)?.cause;
  if (cause && typeof cause.code === 'string') return cause.code;
  return error instanceof Error ? error.name : 'unknown error';
}
