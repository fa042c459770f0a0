/**
 * The healing of one live connection, between its {@link Healer} (when to climb which rung) and
 * the connection itself: ICE restarts with the latest servers, the answerer's requests to the
 * offerer, and the `recovery` events the app sees.
 */
import { hasTurn } from '@icelane/protocol';
import type { ConnectionReport, IceConfig, IcePolicy, SignalData } from '@icelane/protocol';
import type { AttemptConnection } from './attempt-connection.js';
import type { ResolvedJoinOptions } from './defaults.js';
import type { FailureReason } from './errors.js';
import type { RoomEvents } from './events.js';
import {
  Healer,
  recoveryLadder,
  type RecoveryCause,
  type RecoveryStep,
  type RestartStep,
} from './healer.js';
import { planAttempt } from './ice-plan.js';

/** The signal type by which the answerer asks the offerer for an ICE restart. */
export const RESTART_SIGNAL = 'icelane:restart';

/** The shortest time between two tries of one healing step. */
const RETRY_GAP_MS = 1_000;

/** A path lost again this soon after it was healed starts its healing one step higher. */
const FLAP_WINDOW_MS = 30_000;

export interface InPlaceRecoveryDeps {
  attempt: number;
  initiator: boolean;
  /** The connection's own policy: the first rung restarts with it. */
  policy: IcePolicy;
  options: ResolvedJoinOptions;
  connection(): AttemptConnection | undefined;
  ice(): IceConfig;
  /** The report of the path the call is on now. */
  report(): ConnectionReport | undefined;
  sendSignal(data: SignalData): void;
  emit(payload: RecoveryOutcome): void;
  /** An incident started (`true`) or ended (`false`). */
  reconnecting(on: boolean): void;
  /**
   * The last rung: this attempt counts as failed (`reason`), and the link makes a new connection
   * whose outcome ends the incident that started at `since`.
   */
  replace(cause: RecoveryCause, since: number, reason: FailureReason): void;
}

/** A `recovery` event without its peer. */
export type RecoveryOutcome = Omit<RoomEvents['recovery'], 'peerId'>;

export class InPlaceRecovery {
  private readonly healer: Healer;
  private stopped = false;
  /** A move onto fresh credentials is on: the next report is its new path. */
  private refreshing = false;

  constructor(private readonly deps: InPlaceRecoveryDeps) {
    this.healer = new Healer({
      // Each rung as long as the call's measured path needs (path-timing.ts).
      restartTimeoutMs: () =>
        deps.connection()?.timers.restartTimeoutMs() ?? deps.options.restartTimeoutMs,
      flapWindowMs: FLAP_WINDOW_MS,
      retryGapMs: RETRY_GAP_MS,
      ladder: () => recoveryLadder(deps.policy, hasTurn(deps.ice().iceServers)),
      lastHeardAt: () => deps.connection()?.lastHeardAt() ?? Date.now(),
      restart: (step, cause) => this.restart(step, cause),
      replace: (cause) => {
        const since = deps.connection()?.lastHeardAt() ?? Date.now();
        deps.replace(cause, since, cause === 'ice-failed' ? 'ice-failed' : 'path-lost');
      },
      reconnecting: (on) => deps.reconnecting(on),
      recovered: ({ cause, step, gapMs }) => this.emit(cause, step, 'recovered', gapMs),
    });
  }

  trouble(cause: RecoveryCause): void {
    this.healer.trouble(cause);
  }

  heardAgain(): void {
    this.healer.heardAgain();
  }

  /** Signaling reaches the far side again: what it missed of the current step goes out again. */
  signalingBack(): void {
    this.healer.retry(true);
  }

  /**
   * Moves a relayed call onto fresh credentials by an ICE restart: TURN servers check a
   * credential only when an allocation is made, and some cut the allocation once it expired.
   */
  moveToFreshCredentials(): void {
    if (!this.deps.report()?.relayed || this.healer.healing) return;
    this.refreshing = true;
    this.healer.refreshPath();
  }

  /** A new report (the selected pair changed): a move onto fresh credentials is done. */
  reported(): void {
    if (!this.refreshing || this.healer.healing) return;
    this.refreshing = false;
    this.emit('credentials-expiring', 'ice-restart', 'recovered', 0);
  }

  /** The answerer cannot hear this side on the generation it names: restart past it. */
  restartAsked(data: SignalData): void {
    const connection = this.deps.connection();
    if (!this.deps.initiator || !connection) return;
    // The far side's credentials are about to expire: a new path, with nothing broken.
    if (data.cause === 'credentials-expiring') return this.healer.refreshPath();
    const step = data.step === 'ice-restart-relay' ? 'ice-restart-relay' : 'ice-restart';
    const stale = typeof data.gen === 'number' && data.gen < connection.iceGeneration;
    this.healer.remoteAsked(step, stale);
  }

  stop(): void {
    this.stopped = true;
    this.healer.stop();
  }

  /**
   * One ICE restart with the latest servers: the connection's own policy, or relay-only. The
   * offerer restarts; the answerer prepares its side and asks the offerer over signaling (the
   * path between them is what is broken).
   */
  private restart(step: RestartStep, cause: RecoveryCause): void {
    const { deps } = this;
    const connection = deps.connection();
    if (!connection) return;
    const relayOnly = step === 'ice-restart-relay';
    const plan = planAttempt(deps.options, deps.ice(), relayOnly ? 2 : deps.attempt);
    connection.restart(plan.iceServers, relayOnly ? 'relay' : deps.policy);
    if (!deps.initiator) {
      deps.sendSignal({ type: RESTART_SIGNAL, step, cause, gen: connection.iceGeneration });
    }
  }

  /** Says the call is back, with the path it is on now (read afresh: a restart changes it). */
  private emit(cause: RecoveryCause, step: RecoveryStep, outcome: 'recovered', gapMs: number) {
    const connection = this.deps.connection();
    void (connection?.readReportNow() ?? Promise.resolve()).then(() => {
      if (this.stopped) return;
      const report = this.deps.report();
      this.deps.emit({ cause, step, outcome, gapMs, ...(report ? { report } : {}) });
    });
  }
}
