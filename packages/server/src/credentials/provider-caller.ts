/**
 * Every call to a TURN provider goes through here: a bounded time per call, metrics, logs that
 * carry no secret, health, and backoff between failed calls so an outage never turns into one
 * provider call per join.
 */
import type { Logger } from '../observability/logger.js';
import type { Metrics, MintOutcome } from '../observability/metrics.js';
import { backoffDefaults, backoffDelayMs, type BackoffOptions } from './backoff.js';
import type { ProviderHealth } from './provider-health.js';
import {
  ProviderError,
  type MintRequest,
  type TurnCredential,
  type TurnProvider,
} from './provider.js';

export interface ProviderCallerOptions {
  /** A call that has not settled after this long counts as failed (`timeout`). */
  mintTimeoutMs: number;
  backoff: BackoffOptions;
}

export const providerCallerDefaults: ProviderCallerOptions = {
  mintTimeoutMs: 10_000,
  backoff: backoffDefaults,
};

export interface ProviderCallerDeps {
  logger: Logger;
  metrics: Metrics;
  now: () => number;
  /** For the backoff jitter. */
  random: () => number;
}

export interface ProviderCaller {
  readonly provider: TurnProvider;
  /** False while backing off after a failure: callers then serve what they have. */
  ready(): boolean;
  /** Mints, or throws a {@link ProviderError} (kind `unavailable` when backing off). */
  mint(request: MintRequest): Promise<TurnCredential>;
  health(): ProviderHealth;
  /** Aborts calls in flight. */
  close(): void;
}

export function createProviderCaller(
  provider: TurnProvider,
  deps: ProviderCallerDeps,
  options: Partial<ProviderCallerOptions> = {},
): ProviderCaller {
  const { mintTimeoutMs, backoff } = { ...providerCallerDefaults, ...options };
  const { logger, metrics, now, random } = deps;
  const closing = new AbortController();
  let failures = 0;
  let nextCallAt = 0;
  let lastSuccessAt: number | null = null;
  let lastError: ProviderError | null = null;

  const succeed = (started: number) => {
    metrics.credentialMints.inc({ provider: provider.name, outcome: 'ok' });
    metrics.credentialMintSeconds.observe({ provider: provider.name }, (now() - started) / 1000);
    if (failures > 0) logger.info('turn provider recovered', { provider: provider.name, failures });
    logger.debug('turn credential minted', { provider: provider.name, ms: now() - started });
    failures = 0;
    nextCallAt = 0;
    lastError = null;
    lastSuccessAt = now();
  };

  const fail = (error: ProviderError, started: number) => {
    metrics.credentialMints.inc({ provider: provider.name, outcome: outcomeOf(error) });
    metrics.credentialMintSeconds.observe({ provider: provider.name }, (now() - started) / 1000);
    failures++;
    lastError = error;
    // Credentials refused: retrying soon will not help, so only at the slowest pace.
    const delayMs =
      error.kind === 'auth' ? backoff.maxMs : backoffDelayMs(failures, backoff, random);
    nextCallAt = now() + delayMs;
    const fields = {
      provider: provider.name,
      kind: error.kind,
      status: error.status,
      failures,
      retryInMs: delayMs,
      error: error.message,
    };
    if (error.kind === 'auth') {
      logger.error(
        'turn provider refused our credentials: check the provider configuration',
        fields,
      );
    } else {
      logger.warn('turn provider call failed', fields);
    }
  };

  return {
    provider,
    ready: () => !closing.signal.aborted && now() >= nextCallAt,

    async mint(request) {
      if (closing.signal.aborted) throw new ProviderError('unavailable', 'shutting down');
      if (now() < nextCallAt) {
        throw new ProviderError('unavailable', `${provider.name}: backing off after failures`);
      }
      const started = now();
      const controller = new AbortController();
      // Not `AbortSignal.any`: on Node 20 what it builds stays alive as long as its longest-lived
      // part, here the shutdown signal, i.e. forever (issue 14). Listeners removed when done.
      const stop = () => controller.abort();
      const sources = request.signal ? [closing.signal, request.signal] : [closing.signal];
      for (const source of sources) {
        if (source.aborted) stop();
        else source.addEventListener('abort', stop, { once: true });
      }
      const { signal } = controller;
      let timer: ReturnType<typeof setTimeout> | undefined;
      let onAbort = () => {};
      // Settles the call even when a provider ignores its signal.
      const stopped = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          reject(
            new ProviderError('timeout', `${provider.name}: no answer within ${mintTimeoutMs} ms`),
          );
          controller.abort();
        }, mintTimeoutMs);
        onAbort = () => reject(new ProviderError('timeout', `${provider.name}: call aborted`));
        if (signal.aborted) onAbort();
        else signal.addEventListener('abort', onAbort, { once: true });
      });
      try {
        const credential = await Promise.race([provider.mint({ ...request, signal }), stopped]);
        succeed(started);
        return credential;
      } catch (error) {
        const providerError = asProviderError(error, provider.name);
        fail(providerError, started);
        throw providerError;
      } finally {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        for (const source of sources) source.removeEventListener('abort', stop);
      }
    },

    health: () => ({
      provider: provider.name,
      state: lastError === null ? 'ok' : lastError.kind === 'auth' ? 'misconfigured' : 'degraded',
      consecutiveFailures: failures,
      lastSuccessAt,
      lastError: lastError?.message ?? null,
    }),

    close: () => closing.abort(),
  };
}

function outcomeOf(error: ProviderError): MintOutcome {
  if (error.kind === 'auth') return 'auth-error';
  if (error.kind === 'timeout') return 'timeout';
  return 'error';
}

// Errors thrown by a provider that is not ours may say anything: keep only their class.
function asProviderError(error: unknown, name: string): ProviderError {
  if (error instanceof ProviderError) return error;
  const kind = error instanceof Error ? error.name : typeof error;
  return new ProviderError('unavailable', `${name}: mint failed (${kind})`, undefined, {
    cause: error,
  });
}
