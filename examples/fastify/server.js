// A fastify app with icelane under /rtc on the same HTTP server: the app's own route at
// /api/hello, icelane's /rtc/ice, /rtc/healthz, /rtc/readyz, /rtc/metrics and its socket.io at
// /rtc/socket.io, all on one port. The SDK joins the prefix: joinRoom('http://localhost:3000/rtc', 'standup').
import Fastify from 'fastify';
import {
  createCoturnProvider,
  createIceSource,
  createIcelaneServer,
  createLogger,
  createMetrics,
} from '@icelane/server';

const app = Fastify();
app.get('/api/hello', async () => ({ hello: 'from the fastify app' }));

const logger = createLogger();
const metrics = createMetrics();
// TURN from a coturn with `use-auth-secret` when it is configured; STUN only otherwise.
const turnSecret = process.env.TURN_SECRET;
const provider = turnSecret
  ? createCoturnProvider({ secrets: [turnSecret], urls: [process.env.TURN_URL ?? ''] })
  : null;
const iceSource = createIceSource({ provider }, { logger, metrics });

// On fastify's own server: icelane answers its paths under /rtc, fastify everything else.
const icelane = createIcelaneServer(
  app.server,
  { iceSource, logger, metrics },
  { pathPrefix: '/rtc' },
);
app.addHook('onClose', () => icelane.close());

const port = Number(process.env.PORT ?? 3000);
await app.listen({ port, host: process.env.HOST ?? 'localhost' });
logger.info('listening', { port: app.server.address().port });
process.once('SIGTERM', () => void app.close());
