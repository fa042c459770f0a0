/**
 * The server embedded as the root README shows it, type-checked against the installed package
 * (the check runs the package's own `icelane-server` binary for the call).
 */
import { createServer } from 'node:http';
import {
  createCoturnProvider,
  createIceSource,
  createIcelaneServer,
  createLogger,
  createMetrics,
} from '@icelane/server';

export function startEmbedded(port: number): ReturnType<typeof createServer> {
  const logger = createLogger();
  const metrics = createMetrics();
  const provider = createCoturnProvider({
    secrets: [process.env.TURN_SECRET ?? ''],
    urls: ['turn:turn.example.com:3478'],
  });
  const iceSource = createIceSource({ provider }, { logger, metrics });
  const http = createServer();
  createIcelaneServer(
    http,
    { iceSource, logger, metrics },
    { corsOrigins: ['https://app.example.com'] },
  );
  return http.listen(port);
}
