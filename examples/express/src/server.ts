// An express app with icelane on the same HTTP server: the app's own route, icelane's /ice,
// /healthz, /readyz, /metrics and its socket.io, all on one port. The SDK joins this server's
// URL as it is: joinRoom('http://localhost:3000', 'standup').
import { createServer } from 'node:http';
import express from 'express';
import {
  createCoturnProvider,
  createIceSource,
  createIcelaneServer,
  createLogger,
  createMetrics,
} from '@icelane/server';

const app = express();
app.get('/api/hello', (_req, res) => {
  res.json({ hello: 'from the express app' });
});

const logger = createLogger();
const metrics = createMetrics();
// TURN from a coturn with `use-auth-secret` when it is configured; STUN only otherwise.
const turnSecret = process.env.TURN_SECRET;
const provider = turnSecret
  ? createCoturnProvider({ secrets: [turnSecret], urls: [process.env.TURN_URL ?? ''] })
  : null;
const iceSource = createIceSource({ provider }, { logger, metrics });

// createServer(app) first: icelane goes in front of the app and hands it every other request.
const http = createServer(app);
const icelane = createIcelaneServer(http, { iceSource, logger, metrics });

http.listen(Number(process.env.PORT ?? 3000), () => {
  const address = http.address();
  logger.info('listening', { port: typeof address === 'object' ? address?.port : address });
});
process.once('SIGTERM', () => void icelane.close());
