/**
 * Keeps the room's ICE configuration fresh: asks the server for new servers before the TURN
 * credentials expire, and shares one request among everyone who needs fresh servers at once.
 */
import type { IceConfig } from '@icelane/protocol';

export interface IceRefresherOptions {
  /** How long before `expiresAt` to refresh. */
  leadMs: number;
  /** After a failed scheduled refresh, try again this much later. */
  retryMs: number;
}

export interface IceRefresher {
  current(): IceConfig;
  /** When `current()` was received, in ms since the epoch. */
  receivedAt(): number;
  /** Fetches a new configuration, or joins the request already in flight. */
  refresh(): Promise<IceConfig>;
  /** A configuration received after `since`, fetching one if needed; the current one on failure. */
  freshSince(since: number): Promise<IceConfig>;
  /** Replaces the configuration (e.g. after a rejoin) and reschedules. */
  replace(ice: IceConfig): void;
  stop(): void;
}

/**
 * How long until a refresh is due: `leadMs` before expiry, but never earlier than halfway through
 * the remaining life, so credentials shorter-lived than the lead are not refreshed in a loop.
 */
export function dueIn(
  expiresAt: number | null,
  leadMs: number,
  now = Date.now(),
): number | undefined {
  if (expiresAt === null) return undefined;
  const remaining = expiresAt - now;
  return Math.max(remaining - leadMs, remaining / 2);
}

/** setTimeout's longest delay; credentials valid for weeks must not overflow it. */
const MAX_DELAY_MS = 2 ** 31 - 1;

export function createIceRefresher(
  initial: IceConfig,
  fetchIce: () => Promise<IceConfig>,
  options: IceRefresherOptions,
  onFresh: (ice: IceConfig) => void,
  onError: (error: unknown) => void,
): IceRefresher {
  let ice = initial;
  let at = Date.now();
  let inFlight: Promise<IceConfig> | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;

  const schedule = (delayMs?: number) => {
    clearTimeout(timer);
    if (stopped) return;
    const due = delayMs ?? dueIn(ice.expiresAt, options.leadMs);
    if (due === undefined) return;
    timer = setTimeout(
      () => {
        refresh().catch(() => schedule(options.retryMs));
      },
      Math.min(Math.max(0, due), MAX_DELAY_MS),
    );
  };

  const accept = (next: IceConfig) => {
    ice = next;
    at = Date.now();
    schedule();
  };

  const refresh = () => {
    inFlight ??= fetchIce()
      .then((next) => {
        if (!stopped) {
          accept(next);
          onFresh(next);
        }
        return next;
      })
      .catch((error: unknown) => {
        onError(error);
        throw error;
      })
      .finally(() => {
        inFlight = undefined;
      });
    return inFlight;
  };

  schedule();
  return {
    current: () => ice,
    receivedAt: () => at,
    refresh,
    async freshSince(since) {
      if (at > since) return ice;
      try {
        return await refresh();
      } catch {
        return ice;
      }
    },
    replace: accept,
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
