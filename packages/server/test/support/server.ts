/**
 * A real icelane server on an ephemeral port: `createIcelaneServer` on a Node HTTP server, with
 * the real ICE source. Every server started here is closed by {@link closeAll}.
 */
import { createServer, type RequestListener } from 'node:http';
import type { IceConfig } from '@icelane/protocol';
import type { AddressInfo } from 'node:net';
import {
  createIceSource,
  createStaticProvider,
  type IceSession,
  type IceSource,
  type IceSourceOptions,
} from '../../src/credentials/index.js';
import {
  createIcelaneServer,
  type IcelaneServer,
  type IcelaneServerDeps,
  type IcelaneServerOptions,
} from '../../src/app.js';
import { silentLogger } from '../../src/observability/logger.js';
import { createMetrics, type Metrics } from '../../src/observability/metrics.js';
import type { CallHistoryOptions } from '../../src/observability/call-history.js';
import { metricSum } from './metric-counter.js';

/** A TURN server with a fixed login: what `ICELANE_TURN_PROVIDER=static` hands out. */
export const STATIC_TURN = {
  urls: ['turn:127.0.0.1:3478?transport=udp', 'turn:127.0.0.1:3478?transport=tcp'],
  username: 'icelane-user',
  credential: 'icelane-static-credential',
};

export interface TestServer {
  url: string;
  port: number;
  app: IcelaneServer;
  metrics: Metrics;
  /** Session ids the server released, in order. */
  released: string[];
  /** A counter's value, summed over label sets matching `labels`. */
  counter(name: string, labels?: Record<string, string>): Promise<number>;
  close(): Promise<void>;
}

export interface TestServerSetup {
  options?: Partial<IcelaneServerOptions>;
  ice?: Partial<IceSourceOptions>;
  deps?: Omit<Partial<IcelaneServerDeps>, 'iceSource' | 'metrics'>;
  /** Closing the ICE source waits for this, to hold a shutdown half-way. */
  closeGate?: Promise<void>;
  /** Replaces `iceFor`, to slow the real one down or make it break its contract. */
  iceFor?: (session: IceSession, real: IceSource) => Promise<IceConfig>;
  /** An app sharing the HTTP server, on it before icelane (or after, with `appAddedAfter`). */
  appListener?: RequestListener;
  appAddedAfter?: boolean;
  /** The address to listen on (`::1` for IPv6); 127.0.0.1 by default. */
  host?: string;
  /** The bounds of the server's recent history (`GET /history`). */
  history?: Partial<CallHistoryOptions>;
}

const running = new Set<TestServer>();

export async function startTestServer(setup: TestServerSetup = {}): Promise<TestServer> {
  const metrics = createMetrics({ processMetrics: false, history: setup.history ?? {} });
  const real = createIceSource(
    {
      stunUrls: ['stun:127.0.0.1:3478'],
      provider: createStaticProvider(STATIC_TURN),
      ...setup.ice,
    },
    // One logger for every part, as the CLI wires it: tests reading the log see the providers too.
    { logger: setup.deps?.logger ?? silentLogger, metrics },
  );
  const released: string[] = [];
  // The real source, watched: releases are what a per-session credential's revocation hangs on.
  const iceSource: IceSource = {
    // Without a replacement, the real source's own iceFor: joins take its answer at hand, as a
    // server's do.
    iceFor: setup.iceFor ? (session) => setup.iceFor!(session, real) : real.iceFor,
    release: (session: IceSession) => {
      released.push(session.sessionId);
      real.release(session);
    },
    providerFor: (session: IceSession) => real.providerFor?.(session) ?? null,
    health: () => real.health(),
    warnings: () => real.warnings?.() ?? [],
    close: async () => {
      await setup.closeGate;
      await real.close();
    },
  };
  const appFirst = setup.appListener && !setup.appAddedAfter;
  const http = appFirst ? createServer(setup.appListener) : createServer();
  const app = createIcelaneServer(http, { iceSource, metrics, ...setup.deps }, setup.options);
  if (setup.appListener && setup.appAddedAfter) http.on('request', setup.appListener);
  const host = setup.host ?? '127.0.0.1';
  await new Promise<void>((resolve) => http.listen(0, host, resolve));
  const port = (http.address() as AddressInfo).port;

  const server: TestServer = {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    app,
    metrics,
    released,
    counter: (name, labels) => metricSum(metrics, name, labels),
    close: async () => {
      running.delete(server);
      await app.close();
    },
  };
  running.add(server);
  return server;
}

/** Closes every server still running (for `afterEach`). */
export async function closeAll(): Promise<void> {
  await Promise.all([...running].map((server) => server.close()));
}
