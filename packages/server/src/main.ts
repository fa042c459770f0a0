#!/usr/bin/env node
/**
 * `icelane-server`: reads the environment, listens on HOST:PORT, and stops gracefully on SIGTERM.
 */
import { readFileSync, statSync } from 'node:fs';
import { createServer, type Server as HttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createSecureContext } from 'node:tls';
import { createIcelaneServer } from './app.js';
import { createJwtAuthorize } from './auth/index.js';
import {
  readConfig,
  helpText,
  type IcelaneConfig,
  type ProviderTurnConfig,
  type TlsConfig,
  type TurnConfig,
} from './config.js';
import {
  createCloudflareProvider,
  createCoturnProvider,
  createIceSource,
  createStaticProvider,
  type IceSource,
  type TurnProvider,
} from './credentials/index.js';
import { ConfigError } from './env-reader.js';
import { createLogger } from './observability/logger.js';
import { createMetrics } from './observability/metrics.js';
import { RedisClientMissingError } from './scale/redis-options.js';
import { createRedisScaleOut, type ScaleOut } from './scale/scale-out.js';

/** After this long, a shutdown stops waiting for clients and connections and exits anyway. */
const SHUTDOWN_BOUND_MS = 5_000;
/**
 * A connection that has not sent its request headers within 10 s is cut (Node's default waits
 * 60 s), checked every 2 s: idle connections must not hold file descriptors for a minute.
 * Long polls are not affected: their requests arrive at once, the answer is what waits.
 */
const HTTP_TIMEOUTS = { headersTimeout: 10_000, connectionsCheckingInterval: 2_000 };
/** Open HTTP connections (keep-alive, long polls) are cut after this long into a shutdown. */
const CLOSE_CONNECTIONS_AFTER_MS = 2_000;

function providerFor(turn: TurnConfig): TurnProvider | null {
  return turn.provider === 'none' ? null : mintingProvider(turn);
}

function mintingProvider(turn: ProviderTurnConfig): TurnProvider {
  switch (turn.provider) {
    case 'cloudflare':
      return createCloudflareProvider(turn);
    case 'coturn':
      return createCoturnProvider(turn);
    case 'static':
      return createStaticProvider(turn);
  }
}

/** The certificate and key, read and checked to be a pair, so a bad file is named at start-up. */
interface TlsFiles {
  cert: Buffer;
  key: Buffer;
}

function readTlsFiles(tls: TlsConfig): TlsFiles {
  const read = (variable: 'ICELANE_TLS_CERT' | 'ICELANE_TLS_KEY', path: string) => {
    try {
      return readFileSync(path);
    } catch (error) {
      throw new ConfigError([
        { variable, message: `cannot read "${path}": ${(error as Error).message}` },
      ]);
    }
  };
  const files = {
    cert: read('ICELANE_TLS_CERT', tls.certFile),
    key: read('ICELANE_TLS_KEY', tls.keyFile),
  };
  try {
    createSecureContext(files);
  } catch (error) {
    // OpenSSL's reason (no start line, key values mismatch) names what is wrong, never the key.
    throw new ConfigError([
      {
        variable: 'ICELANE_TLS_CERT',
        message: `not a usable PEM certificate and key pair (${(error as Error).message})`,
      },
    ]);
  }
  return files;
}

function loadConfig(): { config: IcelaneConfig; tls: TlsFiles | null } {
  const config = readConfig(process.env);
  if (config.server.staticDir !== null && !isDirectory(config.server.staticDir)) {
    throw new ConfigError([
      {
        variable: 'ICELANE_STATIC_DIR',
        message: `"${config.server.staticDir}" is not a directory`,
      },
    ]);
  }
  return { config, tls: config.tls && readTlsFiles(config.tls) };
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

async function main(args: readonly string[]): Promise<void> {
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(helpText());
    return;
  }
  if (args.length > 0) {
    process.stderr.write(`icelane-server: unknown argument ${args[0]}; see --help\n`);
    process.exitCode = 1;
    return;
  }

  let config: IcelaneConfig;
  let tls: TlsFiles | null;
  try {
    ({ config, tls } = loadConfig());
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`icelane-server: invalid configuration\n${error.message}\n`);
    process.exitCode = 1;
    return;
  }

  const logger = createLogger({ level: config.logLevel });
  for (const secret of config.secrets) logger.redact(secret);
  const metrics = createMetrics();
  let scaleOut: ScaleOut | null = null;
  try {
    if (config.redis !== null) {
      scaleOut = await createRedisScaleOut(config.redis.target, logger, {
        adapter: config.redis.adapter,
      });
    }
  } catch (error) {
    if (!(error instanceof RedisClientMissingError)) throw error;
    process.stderr.write(`icelane-server: ${error.message}\n`);
    process.exitCode = 1;
    return;
  }
  let iceSource: IceSource;
  try {
    iceSource = createIceSource(
      {
        ...config.ice,
        provider: providerFor(config.turn),
        fallbacks: config.turnFallbacks.map(mintingProvider),
      },
      {
        logger,
        metrics,
        ...(scaleOut && { store: scaleOut.credentialStore }),
        ...(config.userHandleKey !== null && { userHandleKey: config.userHandleKey }),
      },
    );
  } catch (error) {
    // readConfig catches what it can name; this is what only the providers know.
    process.stderr.write(
      `icelane-server: invalid TURN configuration\n${(error as Error).message}\n`,
    );
    process.exitCode = 1;
    void scaleOut?.close();
    return;
  }
  // An https.Server is an http.Server to socket.io and to the routes.
  const httpServer: HttpServer = tls
    ? createHttpsServer({ ...tls, ...HTTP_TIMEOUTS })
    : createServer(HTTP_TIMEOUTS);
  const authorize = config.jwt ? createJwtAuthorize(config.jwt, { logger }) : undefined;
  const app = createIcelaneServer(
    httpServer,
    { iceSource, logger, metrics, ...(authorize && { authorize }), ...(scaleOut && { scaleOut }) },
    config.server,
  );

  httpServer.once('error', (error) => {
    logger.error('cannot listen', { host: config.host, port: config.port, error });
    process.exit(1);
  });
  httpServer.listen(config.port, config.host, () => {
    const address = httpServer.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    logger.info('listening', {
      host: config.host,
      port,
      tls: tls !== null,
      provider: config.turn.provider,
      fallbacks: config.turnFallbacks.map((turn) => turn.provider),
      joinTokens: config.jwt === null ? 'off' : config.jwt.secret !== null ? 'HS256' : 'JWKS',
      stunUrls: config.ice.stunUrls.length,
      // Whether, never where: the URL may hold a password.
      redis: config.redis?.target.kind ?? false,
    });
  });

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info('shutting down', { signal });
    setTimeout(() => httpServer.closeAllConnections(), CLOSE_CONNECTIONS_AFTER_MS).unref();
    setTimeout(() => {
      logger.warn('shutdown took too long; exiting', { boundMs: SHUTDOWN_BOUND_MS });
      process.exit(0);
    }, SHUTDOWN_BOUND_MS).unref();
    app.close().then(
      () => {
        logger.info('stopped');
        process.exit(0);
      },
      (error: unknown) => {
        logger.error('shutdown failed', { error });
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

void main(process.argv.slice(2));
