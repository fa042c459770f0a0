/**
 * A real coturn and the real server CLI configured for it, serving the SDK test page: the stack
 * every SDK browser test runs against. `stop()` ends both processes by PID.
 */
import {
  startCoturn,
  startServerProcess,
  type Coturn,
  type CoturnOptions,
  type ServerProcess,
} from '@icelane/testing';
import { SDK_PAGE_DIR } from '@icelane/testing/browser-suite';

export interface IcelaneStackOptions {
  /**
   * Server variables on top of the coturn configuration (an empty string removes one), or a
   * function of the started coturn that returns them.
   */
  env: Record<string, string> | ((coturn: Coturn) => Record<string, string>);
  coturn: Partial<CoturnOptions>;
  /** The built page the server serves at `/`. */
  staticDir: string;
}

export const icelaneStackDefaults: IcelaneStackOptions = {
  env: {},
  coturn: {},
  staticDir: SDK_PAGE_DIR,
};

export interface IcelaneStack {
  coturn: Coturn;
  server: ServerProcess;
  /** The server's URL: the page at `/`, socket.io on the same origin. */
  url: string;
  stop(): Promise<void>;
}

/** The server variables that point it at a coturn with its shared secret. */
export function coturnServerEnv(coturn: Coturn): Record<string, string> {
  return {
    ICELANE_TURN_PROVIDER: 'coturn',
    ICELANE_COTURN_SECRETS: coturn.secret,
    ICELANE_COTURN_URLS: `${coturn.udpUrl},${coturn.tcpUrl}`,
    ICELANE_STUN_URLS: coturn.stunUrl,
  };
}

export async function startIcelaneStack(
  options: Partial<IcelaneStackOptions> = {},
): Promise<IcelaneStack> {
  const o = { ...icelaneStackDefaults, ...options };
  const coturn = await startCoturn(o.coturn);
  try {
    const env = Object.fromEntries(
      Object.entries({
        ...coturnServerEnv(coturn),
        ICELANE_STATIC_DIR: o.staticDir,
        ...(typeof o.env === 'function' ? o.env(coturn) : o.env),
      }).filter(([, value]) => value !== ''),
    );
    const server = await startServerProcess({ env });
    return {
      coturn,
      server,
      url: server.url,
      stop: async () => {
        await server.stop();
        await coturn.stop();
      },
    };
  } catch (error) {
    await coturn.stop();
    throw error;
  }
}
