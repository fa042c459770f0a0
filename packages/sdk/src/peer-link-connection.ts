/**
 * How a link makes the connection of one attempt and wires its events: to the attempt state
 * machine (connected, failed), to the healing of the live call (trouble, a failed transport, a
 * close whose reason is still on its way), to the path memory and to the app (media, reports).
 * The base of `PeerLink` (peer-link.ts), which owns the state it reads: a base rather than a part
 * it holds, as `RoomPeers` is of `Room`, so the split adds no layer of calls to the SDK's size
 * budget.
 */
import type { ConnectionReport, IceConfig, SignalData } from '@icelane/protocol';
import { AttemptConnection } from './attempt-connection.js';
import type { AttemptFacts, AttemptInput, AttemptState } from './attempts.js';
import type { ResolvedJoinOptions } from './defaults.js';
import type { FailureReason } from './errors.js';
import { planAttempt, type AttemptPlan } from './ice-plan.js';
import type { LinkHealing } from './link-healing.js';
import type { FirstPath } from './path-memory/first-path.js';
import type { LinkMemory } from './path-memory/link-memory.js';
import type { PeerLinkDeps } from './peer-link-deps.js';
import { forwardedHandlers } from './peer-media-events.js';

/** How long a closed live connection waits for the reason (peer left, or a retry) to arrive. */
const CLOSE_GRACE_MS = 1_000;

export abstract class PeerLinkConnection {
  // The link's own state and steps, which the wiring below reads and drives (see PeerLink).
  abstract readonly peerId: string;
  abstract signalingId: string;
  protected abstract readonly deps: PeerLinkDeps;
  protected abstract state: AttemptState;
  protected abstract connection: AttemptConnection | undefined;
  protected abstract plan: AttemptPlan;
  protected abstract report: ConnectionReport | undefined;
  protected abstract readonly startedAt: number;
  protected abstract readonly healing: LinkHealing;
  protected abstract readonly memory: LinkMemory;
  protected abstract detached: boolean;
  protected abstract get planOptions(): ResolvedJoinOptions & { firstPath?: FirstPath };
  protected abstract dispatch(input: AttemptInput, signal?: SignalData): void;
  protected abstract facts(): AttemptFacts;
  abstract applyIce(ice: IceConfig): void;

  /** Makes the connection of `attempt` and wires its events (see the file's comment). */
  protected createPeer(attempt: number, initiator: boolean): void {
    const { options } = this.deps;
    const peerId = this.peerId;
    const plan = (this.plan = planAttempt(this.planOptions, this.deps.ice(), attempt));
    const signal = (data: SignalData) => this.deps.sendSignal(this.signalingId, attempt, data);
    const fail = (reason: FailureReason) =>
      this.dispatch({ type: 'local-failure', attempt, reason, ...this.facts() });
    // Unless the reason arrives first (the peer left, or retries), this live connection has
    // failed. Its interface gone (a failed transport), signaling went too: see failDetached.
    const failAfterGrace = () =>
      setTimeout(() => {
        if (this.connection === connection && this.state.phase === 'connected') fail('ice-failed');
      }, CLOSE_GRACE_MS);
    const recovery = options.recovery
      ? this.healing.forConnection({
          attempt,
          initiator,
          policy: plan.policy,
          options: this.planOptions,
          connection: () => this.connection,
          ice: () => this.deps.ice(),
          report: () => this.report,
          sendSignal: signal,
          giveUp: fail,
        })
      : undefined;
    const media = forwardedHandlers(this.deps, peerId, attempt);
    const connection = new AttemptConnection(
      {
        plan,
        initiator,
        options,
        ...(this.deps.path ? { path: this.deps.path } : {}),
        SimplePeer: this.deps.SimplePeer,
        reportContext: () => ({
          peerId,
          attempt,
          strategy: options.strategy,
          turnOnDemand: options.turnOnDemand,
          timeToConnectMs: Date.now() - this.startedAt,
        }),
      },
      {
        signal,
        connected: () => {
          this.memory.connected(attempt, this.state.failures);
          this.healing.up(recovery);
          media.connectionUp();
          this.dispatch({ type: 'connected', attempt });
          // The new connection is up before its first report: the one at hand is the old path's.
          this.healing.endReplacement(
            'recovered',
            this.report?.attempt === this.state.attempt ? this.report : undefined,
          );
        },
        // A path that may be lost: signaling is checked now, before healing needs it.
        suspect: () => {
          if (!recovery) return;
          const silentSince = connection.lastHeardAt();
          this.deps.onTrouble(() => connection.lastHeardAt() === silentSince);
        },
        trouble: (cause) => recovery?.trouble(cause),
        heardAgain: () => recovery?.heardAgain(),
        // No ICE restart brings a failed DTLS transport back: the call moves to a new connection,
        // whose outcome is this incident's `recovery`. Not at once: a vanished network interface
        // (Firefox fails the transport then) took signaling with it, and the retry needs it.
        transportFailed: () => {
          if (!recovery) return;
          this.healing.loseTransport(connection.lastHeardAt());
          failAfterGrace();
        },
        // Refused credentials must not end a call that needs no relay: fresh ones for the next
        // gathering, and ICE carries on with what it has.
        turnRefused: () =>
          void this.deps.freshIce(Date.now()).then((ice) => {
            if (this.connection === connection) this.applyIce(ice);
          }),
        failed: fail,
        remoteClosed: () => {
          // Without signaling, the far side closing means it left; a failed transport does not.
          // Nor does a close while this side's path was already failing: Firefox closes its own
          // channels when its interface goes, at times before its transport says `failed`
          // (simple-peer then closes the connection, so it never does).
          if (this.detached && !this.healing.transportLost()) {
            if (!recovery || !this.healing.reconnecting()) return this.deps.onLost();
            this.healing.loseTransport(connection.lastHeardAt());
          }
          // The far side closed a live connection: it left (a `peer:left` follows) or it is
          // retrying (its notice follows).
          failAfterGrace();
        },
        ...media.handlers,
        report: (report) => {
          this.memory.reported(attempt, report.relayed);
          this.report = report;
          this.deps.emit('report', { peerId, report });
          this.deps.onReport(report);
          recovery?.reported();
        },
        rtt: (rttMs) => {
          if (this.report) this.report = { ...this.report, rttMs };
        },
      },
    );
    this.connection = connection;
  }
}
