/**
 * A real icelane server whose every part — ICE source, providers, signaling, HTTP — logs at
 * debug level into one captured logger, for tests that read everything the server says.
 * Every server started here is closed by {@link closeObserved}.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createIcelaneServer, type IcelaneServerOptions } from '../../src/app.js';
import { createIceSource, type IceSourceOptions } from '../../src/credentials/index.js';
import { createMetrics, type Metrics } from '../../src/observability/metrics.js';
import type { Authorize } from '../../src/signaling/authorize.js';
import { captureLogger, type CapturedLogger } from '../credentials/log-capture.js';
import { metricSum } from './metric-counter.js';

export interface ObservedServer {
  url: string;
  log: CapturedLogger;
  metrics: Metrics;
  /** A counter's value, summed over label sets matching `labels`. */
  counter(name: string, labels?: Record<string, string>): Promise<number>;
  close(): Promise<void>;
}

export interface ObservedSetup {
  ice: Partial<IceSourceOptions>;
  options?: Partial<IcelaneServerOptions>;
  authorize?: (log: CapturedLogger) => Authorize;
  /** Shared by several servers, so one test reads all their lines together. */
  log?: CapturedLogger;
}

const running = new Set<ObservedServer>();

export async function startObservedServer(setup: ObservedSetup): Promise<ObservedServer> {
  const log = setup.log ?? captureLogger();
  const metrics = createMetrics({ processMetrics: false });
  const iceSource = createIceSource(
    { stunUrls: ['stun:127.0.0.1:3478'], ...setup.ice },
    { logger: log.logger, metrics },
  );
  const http = createServer();
  const app = createIcelaneServer(
    http,
    {
      iceSource,
      logger: log.logger,
      metrics,
      ...(setup.authorize && { authorize: setup.authorize(log) }),
    },
    setup.options,
  );
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  const server: ObservedServer = {
    url: `http://127.0.0.1:${port}`,
    log,
    metrics,
    counter: (name, labels) => metricSum(metrics, name, labels),
    close: async () => {
      running.delete(server);
      await app.close();
    },
  };
  running.add(server);
  return server;
}

export async function closeObserved(): Promise<void> {
  await Promise.all([...running].map((server) => server.close()));
}
