/**
 * icelane's routes on an HTTP server an app may share (`createServer(expressApp)`, fastify's
 * `app.server`): they go ahead of the app's request listeners and hand on every request that is
 * not theirs, so exactly one of them answers each request. Without this, both answered, and the
 * second answer crashed the process with `ERR_HTTP_HEADERS_SENT`.
 */
import type { Server as HttpServer, IncomingMessage, ServerResponse } from 'node:http';
import type { IcelaneHandler } from './own-paths.js';

type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;

export interface ServerMount {
  /** Whether an app's requests share the server: icelane then limits its own traffic only. */
  shared(): boolean;
  /**
   * From now on, a request listener the app adds (`http.on('request', app)`, after icelane) is
   * moved behind icelane's routes too. Called once socket.io has put its own listener on.
   */
  adoptLaterListeners(): void;
}

/**
 * With `attach`, puts `handler` on `httpServer`'s `'request'` event in front of the listeners
 * already there; without it (the app mounts `handler` itself), the server is the app's.
 */
export function mountRoutes(
  httpServer: HttpServer,
  handler: IcelaneHandler,
  attach: boolean,
): ServerMount {
  if (!attach) return { shared: () => true, adoptLaterListeners: () => {} };
  const appListeners = httpServer.listeners('request') as RequestListener[];
  httpServer.removeAllListeners('request');
  httpServer.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const next =
      appListeners.length === 0
        ? undefined
        : () => {
            for (const listener of appListeners) listener.call(httpServer, req, res);
          };
    handler(req, res, next);
  });

  return {
    shared: () => appListeners.length > 0,
    adoptLaterListeners: () => {
      httpServer.on('newListener', (event: string | symbol, listener: RequestListener) => {
        if (event !== 'request') return;
        // 'newListener' comes before the listener is added: move it once it is there. Apps add
        // their listeners before they listen, so no request can reach it in between.
        process.nextTick(() => {
          if (!httpServer.listeners('request').includes(listener)) return;
          httpServer.removeListener('request', listener);
          appListeners.push(listener);
        });
      });
    },
  };
}
