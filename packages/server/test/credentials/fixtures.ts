/**
 * An ICE source over the Cloudflare provider talking to the in-process Cloudflare API, with a
 * captured logger and its own metrics registry: the shared-credential tests run on fake timers.
 */
import type { Counter } from 'prom-client';
import { afterEach, beforeEach, vi } from 'vitest';
import {
  createIceSource,
  type IceSource,
  type IceSourceOptions,
} from '../../src/credentials/ice-source.js';
import type { CredentialStore } from '../../src/credentials/store.js';
import { createMetrics, type Metrics } from '../../src/observability/metrics.js';
import { createCloudflareApi, type CloudflareApi } from '@icelane/testing';
import { captureLogger, type CapturedLogger } from './log-capture.js';
import { cloudflareProviderOn } from '../support/cloudflare-provider.js';

export interface CloudflareSetup {
  api: CloudflareApi;
  ice: IceSource;
  metrics: Metrics;
  log: CapturedLogger;
  /** Calls that reached the API's mint endpoints. */
  mints(): number;
}

/** A deterministic uniform draw in [0, 1) (mulberry32). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function cloudflareSetup(
  options: Partial<IceSourceOptions> = {},
  extra: { api?: CloudflareApi; store?: CredentialStore; apiToken?: string } = {},
): CloudflareSetup {
  const api = extra.api ?? createCloudflareApi();
  const log = captureLogger();
  const metrics = createMetrics({ processMetrics: false });
  const provider = cloudflareProviderOn(api, { apiToken: extra.apiToken ?? api.token });
  const ice = createIceSource(
    { provider, ttlSeconds: 600, minRemainingMs: 60_000, joinTimeoutMs: 2_000, ...options },
    {
      logger: log.logger,
      metrics,
      random: seededRandom(7),
      ...(extra.store ? { store: extra.store } : {}),
    },
  );
  const mints = () => api.requests.filter((request) => !request.path.endsWith('/revoke')).length;
  return { api, ice, metrics, log, mints };
}

/** The value of a counter for the given labels (0 when never incremented). */
export async function counted<L extends string>(
  counter: Counter<L>,
  labels: Partial<Record<L, string>> = {},
): Promise<number> {
  const { values } = await counter.get();
  return values
    .filter((value) =>
      Object.entries(labels).every(([key, wanted]) => value.labels[key as L] === wanted),
    )
    .reduce((sum, value) => sum + value.value, 0);
}

/**
 * Fake timers and a fake clock, from 2026-01-01, around every test of the file that calls it
 * (first, so that its own `afterEach` closes what it opened while the clock is still fake).
 */
export function fakeClockPerTest(): void {
  beforeEach(() => {
    vi.useFakeTimers({
      toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'],
    });
    vi.setSystemTime(new Date('2026-01-01T00:00:00Z'));
  });
  afterEach(() => {
    vi.useRealTimers();
  });
}
