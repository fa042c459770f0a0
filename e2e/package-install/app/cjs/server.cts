/**
 * The server embedded from a CommonJS app (a `.cts` file compiles to `require`): TypeScript
 * accepts the ESM-only package there under `module: nodenext`, as Node 20.19 loads it so.
 */
import { createServer } from 'node:http';
import { createIceSource, createIcelaneServer, createLogger, createMetrics } from '@icelane/server';

export function startEmbedded(port: number): ReturnType<typeof createServer> {
  const logger = createLogger();
  const metrics = createMetrics();
  const iceSource = createIceSource({}, { logger, metrics });
  const http = createServer();
  createIcelaneServer(http, { iceSource, logger, metrics }, { pathPrefix: '/rtc' });
  return http.listen(port);
}
