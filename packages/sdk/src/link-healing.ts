/**
 * The healing of one link's call, across its connections: the live connection's in-place
 * recovery (in-place-recovery.ts), whether an incident is on (the link then shows
 * `reconnecting`), and an incident whose last step gave the connection up, which the outcome of
 * the next connection ends. Kept apart from the link, which makes the connections and drives
 * their attempts.
 */
import type { ConnectionReport } from '@icelane/protocol';
import type { FailureReason } from './errors.js';
import type { RecoveryCause } from './healer.js';
import {
  InPlaceRecovery,
  type InPlaceRecoveryDeps,
  type RecoveryOutcome,
} from './in-place-recovery.js';

export interface LinkHealingDeps {
  /** A `recovery` event for the app. */
  recovered(outcome: RecoveryOutcome): void;
  /**
   * An incident started (`true`: the call may have lost its path, and healing needs signaling)
   * or ended: the link tells its state again.
   */
  reconnecting(on: boolean): void;
}

/** What one connection's recovery needs of its link. */
export type ConnectionHealingDeps = Omit<
  InPlaceRecoveryDeps,
  'emit' | 'reconnecting' | 'replace'
> & {
  /**
   * The last rung: this attempt counts as failed (`reason`), and the link makes a new connection
   * whose outcome ends the incident.
   */
  giveUp(reason: FailureReason): void;
};

export interface LinkHealing {
  /** Whether an incident is on. */
  reconnecting(): boolean;
  /** The live connection's recovery: set once the connection is up (with `recovery`). */
  live(): InPlaceRecovery | undefined;
  /** The recovery of a connection being made; the live one once {@link LinkHealing.up}. */
  forConnection(deps: ConnectionHealingDeps): InPlaceRecovery;
  /** The connection of `recovery` is up (`undefined`: made without `recovery`). */
  up(recovery: InPlaceRecovery | undefined): void;
  /**
   * The live connection's transport failed for good (no ICE restart brings it back, silent since
   * `since`): the next connection's outcome ends this incident.
   */
  loseTransport(since: number): void;
  /** Whether the live connection's transport failed for good: the link waits to replace it. */
  transportLost(): boolean;
  /**
   * A retry due while signaling is away (the peer's, or this side's): `retry` runs once it is
   * back ({@link LinkHealing.signalingBack}); after `waitMs` without it, `gone`.
   */
  holdRetry(retry: () => void, waitMs: number, gone: () => void): void;
  /** Signaling reaches the peer again: a held retry runs. Whether there was one. */
  signalingBack(): boolean;
  /** A new connection is up, or the link failed: an incident that gave one up ends with it. */
  endReplacement(outcome: 'recovered' | 'failed', report: ConnectionReport | undefined): void;
  /** The live connection is gone. */
  stop(): void;
}

/**
 * A closure, not a class: its state stays private, and the minifier shortens its names (the SDK
 * has a size budget).
 */
export function linkHealing({ recovered, reconnecting }: LinkHealingDeps): LinkHealing {
  let live: InPlaceRecovery | undefined;
  let incident = false;
  /** The incident whose last step gave the connection up, until the next one's outcome. */
  let replacing: { cause: RecoveryCause; since: number } | undefined;
  let lost = false;
  let held: { retry: () => void; timer: ReturnType<typeof setTimeout> } | undefined;
  const release = () => {
    if (held) clearTimeout(held.timer);
    const retry = held?.retry;
    held = undefined;
    return retry;
  };

  return {
    reconnecting: () => incident,
    live: () => live,
    forConnection: ({ giveUp, ...deps }) =>
      new InPlaceRecovery({
        ...deps,
        emit: recovered,
        reconnecting: (on) => {
          incident = on;
          reconnecting(on);
        },
        replace: (cause, since, reason) => {
          replacing = { cause, since };
          giveUp(reason);
        },
      }),
    up: (recovery) => {
      live = recovery;
    },
    loseTransport: (since) => {
      lost = true;
      replacing = { cause: 'ice-failed', since };
    },
    transportLost: () => lost,
    holdRetry(retry, waitMs, gone) {
      release();
      held = {
        retry,
        timer: setTimeout(() => {
          held = undefined;
          gone();
        }, waitMs),
      };
    },
    signalingBack() {
      const retry = release();
      retry?.();
      return retry !== undefined;
    },
    endReplacement(outcome, report) {
      if (!replacing) return;
      const { cause, since } = replacing;
      replacing = undefined;
      recovered({
        cause,
        step: 'new-connection',
        outcome,
        gapMs: Date.now() - since,
        ...(outcome === 'recovered' && report ? { report } : {}),
      });
    },
    stop() {
      live?.stop();
      live = undefined;
      incident = false;
      lost = false;
      release();
    },
  };
}
