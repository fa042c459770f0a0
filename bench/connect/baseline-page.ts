/**
 * The baseline's side of a call, in the page: plain simple-peer (its prebuilt bundle), the
 * way an app without icelane uses it. Self-contained: Playwright serialises it into the page.
 */

/** How one attempt ended on one side; `at` is the page's `Date.now()`. */
export interface BaselineOutcome {
  /** `connected`: simple-peer's `connect` (data channel open); `failed`: its error. */
  state: 'connected' | 'failed' | 'closed' | 'timeout';
  at: number;
  /** simple-peer's error code, e.g. `ERR_CONNECTION_FAILURE` once Chromium says `failed`. */
  code?: string;
}

interface BaselinePeer {
  destroy(): void;
  signal(data: unknown): void;
  on(event: string, listener: (arg: never) => void): void;
}

declare global {
  interface Window {
    /** Set by simple-peer's browser bundle. */
    SimplePeer?: new (options: {
      initiator: boolean;
      config: RTCConfiguration;
      trickle: boolean;
    }) => BaselinePeer;
    /** Carries a signal to the other page (exposed by the benchmark). */
    benchSignal?: (attempt: number, data: unknown) => Promise<void>;
    baselinePeer?: {
      /** Replaces the current peer with attempt `attempt`'s; returns the start time. */
      start(attempt: number, initiator: boolean, config: RTCConfiguration): number;
      signal(attempt: number, data: unknown): void;
      outcome(attempt: number, timeoutMs: number): Promise<BaselineOutcome>;
      close(): void;
    };
  }
}

export function installBaselinePeer(): void {
  const outcomes = new Map<number, Promise<BaselineOutcome>>();
  let current: { attempt: number; peer: BaselinePeer } | undefined;

  window.baselinePeer = {
    start(attempt, initiator, config) {
      current?.peer.destroy();
      const startedAt = Date.now();
      const peer = new window.SimplePeer!({ initiator, config, trickle: true });
      outcomes.set(
        attempt,
        new Promise((resolve) => {
          const end = (state: BaselineOutcome['state'], code?: string) =>
            resolve({ state, at: Date.now(), ...(code ? { code } : {}) });
          peer.on('connect', () => end('connected'));
          peer.on('error', (error: { code?: string }) => end('failed', error.code));
          peer.on('close', () => end('closed'));
        }),
      );
      peer.on('signal', (data: unknown) => void window.benchSignal!(attempt, data));
      current = { attempt, peer };
      return startedAt;
    },
    signal(attempt, data) {
      // A late candidate of an abandoned attempt must not reach the new connection.
      if (current?.attempt === attempt) current.peer.signal(data);
    },
    outcome(attempt, timeoutMs) {
      const timeout = new Promise<BaselineOutcome>((resolve) =>
        setTimeout(() => resolve({ state: 'timeout', at: Date.now() }), timeoutMs),
      );
      return Promise.race([outcomes.get(attempt) ?? timeout, timeout]);
    },
    close() {
      current?.peer.destroy();
      current = undefined;
    },
  };
}
