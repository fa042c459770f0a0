/**
 * The link to one remote peer: one {@link AttemptConnection} per attempt, driven by the attempt
 * state machine, which decides which signals count, when to retry and when to give up. Once a
 * connection is up, its healing (link-healing.ts) heals it in place when its path dies. Each
 * attempt's connection is made and wired by the base, peer-link-connection.ts.
 */
import type { ConnectionReport, IceConfig, SignalData } from '@icelane/protocol';
import type { AttemptConnection } from './attempt-connection.js';
import {
  RETRY_SIGNAL,
  initialAttemptState,
  stepAttempt,
  type AttemptAction,
  type AttemptFacts,
  type AttemptInput,
  type AttemptState,
} from './attempts.js';
import type { ResolvedJoinOptions } from './defaults.js';
import { IcelaneError, connectFailedError, type FailureReason } from './errors.js';
import type { PeerSnapshot } from './events.js';
import { linkHealing, type LinkHealing } from './link-healing.js';
import { RESTART_SIGNAL } from './in-place-recovery.js';
import { attemptLimit, planAttempt, type AttemptPlan } from './ice-plan.js';
import { NETWORK_SIGNAL, NetworkHint, parseNetworkSignal } from './network-check/network-hint.js';
import type { FirstPath } from './path-memory/first-path.js';
import { linkMemory, type LinkMemory } from './path-memory/link-memory.js';
import type { PeerLinkDeps } from './peer-link-deps.js';
import { PeerLinkConnection } from './peer-link-connection.js';

/** The signal types the SDKs send each other (never the browser's: offer, answer, candidate). */
const SDK_SIGNAL_PREFIX = 'icelane:';

export class PeerLink extends PeerLinkConnection {
  /** The id the app knows this peer by: the one it had when first seen, for the link's life. */
  readonly peerId: string;
  /** Where signals go: the peer's id on the server now, which changes when it rejoins. */
  signalingId: string;
  /**
   * The server no longer knows this peer under `signalingId` (it left, or either side lost
   * signaling) but the connection is up: it carries on until it ends or the peer's new id arrives.
   */
  protected detached = false;
  protected state: AttemptState;
  protected connection: AttemptConnection | undefined;
  protected plan: AttemptPlan;
  private pending: SignalData[] = [];
  protected report: ConnectionReport | undefined;
  protected readonly startedAt = Date.now();
  /** The healing of the live connection (with `recovery`), once it is up. */
  protected readonly healing: LinkHealing = linkHealing({
    recovered: (outcome) => this.deps.emit('recovery', { peerId: this.peerId, ...outcome }),
    reconnecting: (on) => {
      this.emitState();
      if (on) this.deps.onTrouble();
    },
  });
  /** TURN on demand told by both sides' network checks (see network-hint.ts). */
  private readonly hint: NetworkHint;
  /** This network's path memory, as this link uses it. */
  protected readonly memory: LinkMemory;

  constructor(protected readonly deps: PeerLinkDeps) {
    super();
    this.peerId = deps.remote.peerId;
    this.signalingId = deps.remote.peerId;
    const { strategy, maxAttempts } = deps.options;
    const limit = attemptLimit(strategy, maxAttempts);
    this.state = initialAttemptState(deps.initiator, limit, deps.options.recovery);
    const send = (data: SignalData) => deps.sendSignal(this.signalingId, 1, data);
    const waitMs = deps.path?.timers.networkWaitMs;
    this.hint = new NetworkHint(deps.ownMapping ?? null, deps.initiator, send, waitMs);
    this.memory = linkMemory(deps.paths);
    this.plan = planAttempt(deps.options, deps.ice(), 1);
    this.emitState();
    const start = () => {
      this.memory.recall();
      const announced = this.plan.policy;
      this.plan = planAttempt(this.planOptions, deps.ice(), 1);
      if (this.plan.policy !== announced) this.emitState();
      this.hint.whenReady(() => this.dispatch({ type: 'ready', attempt: 1 }));
    };
    // Attempt 1 waits for the network's key only when some path is remembered at all.
    const known = deps.paths?.whenKnown();
    if (known) void known.then(start);
    else start();
  }

  /**
   * The options attempts are planned with: TURN on demand is off when the checks say TURN is
   * needed, and the network's remembered path applies.
   */
  protected get planOptions(): ResolvedJoinOptions & { firstPath?: FirstPath } {
    const { options } = this.deps;
    const told = this.hint.needsTurn ? { ...options, turnOnDemand: false } : options;
    const firstPath = this.memory.firstPath();
    return firstPath ? { ...told, firstPath } : told;
  }

  snapshot(): PeerSnapshot {
    const { peerId, name, meta } = this.deps.remote;
    return {
      peerId,
      ...(name === undefined ? {} : { name }),
      ...(meta === undefined ? {} : { meta }),
      state: this.phase(),
      attempt: this.state.attempt,
      ...(this.report ? { report: this.report } : {}),
    };
  }

  private phase(): PeerSnapshot['state'] {
    return this.healing.reconnecting() && this.state.phase === 'connected'
      ? 'reconnecting'
      : this.state.phase;
  }

  /** A signal relayed by the server from this peer. */
  receive(attempt: number, data: SignalData): void {
    if (data.type === NETWORK_SIGNAL) return this.hint.heard(parseNetworkSignal(data));
    // Any other signal first: the far side sends no network signal.
    this.hint.silent();
    if (data.type === RESTART_SIGNAL) {
      if (attempt === this.state.attempt) this.healing.live()?.restartAsked(data);
      return;
    }
    if (data.type === RETRY_SIGNAL) {
      const reason = data.reason as FailureReason;
      this.dispatch({ type: 'remote-retry', attempt, reason, ...this.facts() });
    } else if (data.type.startsWith(SDK_SIGNAL_PREFIX)) {
      // An SDK message of a later version: simple-peer would take it for bad signal data and
      // end the connection. Dropped; the far side copes without an answer.
      return;
    } else {
      this.dispatch({ type: 'signal', attempt, ...this.facts() }, data);
    }
  }

  /**
   * Whether the link holds a call: its connection is up (media and data flow, with or without
   * signaling), or was and is being healed in place. A browser may report a connection down while
   * its path is gone (Firefox, after its network interface went away), and the heal brings it back:
   * a rejoin or a peer's leave must not end it meanwhile.
   */
  get live(): boolean {
    if (!this.connection) return false;
    return this.connection.connected || this.healing.reconnecting() || this.healing.transportLost();
  }

  /** Keeps the live connection without signaling; it ends the link when it ends. */
  detach(): void {
    this.detached = true;
  }

  /** Signaling reaches the peer again, under `signalingId`. */
  attach(signalingId: string): void {
    this.signalingId = signalingId;
    this.detached = false;
    if (this.healing.signalingBack()) return;
    // Signals of a restart sent while the far side was away were lost: send them again.
    this.healing.live()?.signalingBack();
  }

  /** Tells the peer this side's new signaling id over the connection itself. */
  announce(ownSignalingId: string): boolean {
    return this.connection?.sendControl({ type: 'signaling-id', peerId: ownSignalingId }) ?? false;
  }

  /** Whether the data channel is open now (a call healed in place keeps it open). */
  get channelOpen(): boolean {
    return this.connection?.connected ?? false;
  }

  /** Sends on the data channel; throws `send-failed` when it is not open. */
  send(data: string | ArrayBufferView | ArrayBuffer | Blob): void {
    if (!this.connection?.connected) {
      throw new IcelaneError('send-failed', `the data channel to peer ${this.peerId} is not open`, {
        peerId: this.peerId,
      });
    }
    this.connection.send(data);
  }

  /**
   * Applies fresh ICE servers to the live connection. A relayed call is moved onto them by an
   * ICE restart: TURN servers check a credential only when an allocation is made, and some cut
   * the allocation once it has expired.
   */
  applyIce(ice: IceConfig): void {
    this.connection?.applyIceServers(
      planAttempt(this.planOptions, ice, this.state.attempt).iceServers,
    );
    this.healing.live()?.moveToFreshCredentials();
  }

  close(): void {
    this.hint.close();
    this.dispatch({ type: 'close' });
  }

  /**
   * The live connection's relay usage: sent now (`flush`, or `finishNow` from the last reading),
   * or counted from zero (`rebase`).
   */
  get usage() {
    return this.connection?.usage;
  }

  protected facts(): AttemptFacts {
    return {
      policy: this.plan.policy,
      turn: this.plan.turn,
      localCandidateTypes: this.connection?.localCandidateTypes() ?? [],
      localAddressFamilies: this.connection?.localAddressFamilies() ?? [],
    };
  }

  protected dispatch(input: AttemptInput, signal?: SignalData): void {
    if (this.detached && input.type === 'local-failure') return this.failDetached(input);
    const before = this.state.phase;
    const { state, actions } = stepAttempt(this.state, input);
    this.state = state;
    for (const action of actions) this.run(action, signal);
    if (state.phase !== before) this.emitState();
  }

  /**
   * Without signaling there is no retry. A call being healed waits a while for it: the peer may
   * be rejoining (its probe cut a connection that worked, its network changed) and still hold the
   * call. Any other detached link whose connection ends is over.
   */
  private failDetached(input: AttemptInput): void {
    if (!this.deps.options.recovery || !this.live) return this.deps.onLost();
    const { signalingTimeoutMs } = this.deps.options;
    this.healing.holdRetry(() => this.dispatch(input), signalingTimeoutMs, this.deps.onLost);
  }

  private run(action: AttemptAction, signal: SignalData | undefined): void {
    switch (action.type) {
      case 'create-peer':
        return this.createPeer(action.attempt, action.initiator);
      case 'deliver-signal':
        if (signal) this.connection?.signal(signal);
        return;
      case 'buffer-signal':
        if (signal) this.pending.push(signal);
        return;
      case 'flush-signals': {
        const pending = this.pending;
        this.pending = [];
        for (const data of pending) this.connection?.signal(data);
        return;
      }
      case 'drop-signal':
        return;
      case 'send-retry':
        return this.deps.sendSignal(this.signalingId, action.attempt, {
          type: RETRY_SIGNAL,
          reason: action.reason,
        });
      case 'prepare-attempt':
        return this.prepare(action.attempt, action.reason, action.refreshIce);
      case 'destroy-peer':
        return this.destroyPeer();
      case 'fail':
        this.healing.endReplacement('failed', this.report);
        return this.deps.emit(
          'error',
          connectFailedError(this.peerId, action.failures, this.deps.ice().iceServers),
        );
    }
  }

  private prepare(attempt: number, reason: FailureReason, refreshIce: boolean): void {
    const failedAt = Date.now();
    this.destroyPeer();
    this.pending = [];
    this.plan = planAttempt(this.planOptions, this.deps.ice(), attempt);
    this.deps.emit('fallback', { peerId: this.peerId, attempt, reason, policy: this.plan.policy });
    const ready = refreshIce ? this.deps.freshIce(failedAt) : Promise.resolve(this.deps.ice());
    void ready.then((ice) => {
      if (this.state.attempt !== attempt || this.state.peerReady) return;
      this.plan = planAttempt(this.planOptions, ice, attempt);
      this.dispatch({ type: 'ready', attempt });
    });
  }

  private destroyPeer(): void {
    const connection = this.connection;
    this.connection = undefined;
    this.healing.stop();
    connection?.destroy();
  }

  private emitState(): void {
    this.deps.emit('peer:state', {
      peerId: this.peerId,
      state: this.phase(),
      attempt: this.state.attempt,
      policy: this.plan.policy,
    });
  }
}
