/**
 * The connection to one remote peer: a simple-peer instance per attempt, driven by the attempt
 * state machine, watched by the failure detector and, once up, by the report monitor.
 */
import type { ConnectionReport, IceConfig, PeerInfo, SignalData } from '@icelane/protocol';
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
import type { Emitter } from './emitter.js';
import { IcelaneError, connectFailedError, type FailureReason } from './errors.js';
import type { PeerData, PeerSnapshot, RoomEvents } from './events.js';
import { watchForFailure, type FailureDetector } from './failure-detector.js';
import { attemptLimit, planAttempt, type AttemptPlan } from './ice-plan.js';
import { monitorReports, type ReportMonitor } from './report-monitor.js';
import type { SimplePeerConstructor, SimplePeerInstance } from './simple-peer-loader.js';

/** How long a closed live connection waits for the reason (peer left, or a retry) to arrive. */
const CLOSE_GRACE_MS = 1_000;

export interface PeerLinkDeps {
  remote: PeerInfo;
  /** Whether this side offers, on every attempt. */
  initiator: boolean;
  options: ResolvedJoinOptions;
  SimplePeer: SimplePeerConstructor;
  /** The room's latest ICE configuration. */
  ice(): IceConfig;
  /** ICE configuration fetched after `since` (ms since the epoch); the latest one if that fails. */
  freshIce(since: number): Promise<IceConfig>;
  sendSignal(attempt: number, data: SignalData): void;
  emit: Emitter<RoomEvents>['emit'];
  /** A report to pass on to the server. */
  onReport(report: ConnectionReport): void;
}

export class PeerLink {
  readonly peerId: string;
  private state: AttemptState;
  private peer: SimplePeerInstance | undefined;
  private plan: AttemptPlan;
  private detector: FailureDetector | undefined;
  private monitor: ReportMonitor | undefined;
  private pending: SignalData[] = [];
  private report: ConnectionReport | undefined;
  private readonly startedAt = Date.now();

  constructor(private readonly deps: PeerLinkDeps) {
    this.peerId = deps.remote.peerId;
    const { strategy, maxAttempts } = deps.options;
    this.state = initialAttemptState(deps.initiator, attemptLimit(strategy, maxAttempts));
    this.plan = planAttempt(deps.options, deps.ice(), 1);
    this.emitState();
    this.dispatch({ type: 'ready', attempt: 1 });
  }

  snapshot(): PeerSnapshot {
    const { peerId, name, meta } = this.deps.remote;
    return {
      peerId,
      ...(name === undefined ? {} : { name }),
      ...(meta === undefined ? {} : { meta }),
      state: this.state.phase,
      attempt: this.state.attempt,
      ...(this.report ? { report: this.report } : {}),
    };
  }

  /** A signal relayed by the server from this peer. */
  receive(attempt: number, data: SignalData): void {
    if (data.type === RETRY_SIGNAL) {
      const reason = data.reason as FailureReason;
      this.dispatch({ type: 'remote-retry', attempt, reason, ...this.facts() });
    } else {
      this.dispatch({ type: 'signal', attempt, ...this.facts() }, data);
    }
  }

  /** Sends on the data channel; throws `send-failed` when it is not open. */
  send(data: string | ArrayBufferView | ArrayBuffer | Blob): void {
    if (!this.peer?.connected) {
      throw new IcelaneError('send-failed', `the data channel to peer ${this.peerId} is not open`, {
        peerId: this.peerId,
      });
    }
    this.peer.send(data);
  }

  /** Applies fresh ICE servers to the live connection where the browser allows. */
  applyIce(ice: IceConfig): void {
    const pc = this.peer?._pc;
    if (!pc || pc.signalingState === 'closed') return;
    const plan = planAttempt(this.deps.options, ice, this.state.attempt);
    try {
      pc.setConfiguration({ ...pc.getConfiguration(), iceServers: plan.iceServers });
    } catch {
      // Some browsers refuse changes to a live connection; the next attempt uses the fresh servers.
    }
  }

  close(): void {
    this.dispatch({ type: 'close' });
  }

  private facts(): AttemptFacts {
    return {
      policy: this.plan.policy,
      turn: this.plan.turn,
      localCandidateTypes: this.detector?.localCandidateTypes() ?? [],
    };
  }

  private dispatch(input: AttemptInput, signal?: SignalData): void {
    const before = this.state.phase;
    const { state, actions } = stepAttempt(this.state, input);
    this.state = state;
    for (const action of actions) this.run(action, signal);
    if (state.phase !== before) this.emitState();
  }

  private run(action: AttemptAction, signal: SignalData | undefined): void {
    switch (action.type) {
      case 'create-peer':
        return this.createPeer(action.attempt, action.initiator);
      case 'deliver-signal':
        if (signal) this.peer?.signal(signal);
        return;
      case 'buffer-signal':
        if (signal) this.pending.push(signal);
        return;
      case 'flush-signals': {
        const pending = this.pending;
        this.pending = [];
        for (const data of pending) this.peer?.signal(data);
        return;
      }
      case 'drop-signal':
        return;
      case 'send-retry':
        return this.deps.sendSignal(action.attempt, { type: RETRY_SIGNAL, reason: action.reason });
      case 'prepare-attempt':
        return this.prepare(action.attempt, action.reason, action.refreshIce);
      case 'destroy-peer':
        return this.destroyPeer();
      case 'fail':
        return this.deps.emit('error', connectFailedError(this.peerId, action.failures));
    }
  }

  private prepare(attempt: number, reason: FailureReason, refreshIce: boolean): void {
    const failedAt = Date.now();
    this.destroyPeer();
    this.pending = [];
    this.plan = planAttempt(this.deps.options, this.deps.ice(), attempt);
    this.deps.emit('fallback', { peerId: this.peerId, attempt, reason, policy: this.plan.policy });
    const ready = refreshIce ? this.deps.freshIce(failedAt) : Promise.resolve(this.deps.ice());
    void ready.then((ice) => {
      if (this.state.attempt !== attempt || this.state.peerReady) return;
      this.plan = planAttempt(this.deps.options, ice, attempt);
      this.dispatch({ type: 'ready', attempt });
    });
  }

  private createPeer(attempt: number, initiator: boolean): void {
    const { options } = this.deps;
    const plan = (this.plan = planAttempt(options, this.deps.ice(), attempt));
    const peer = new this.deps.SimplePeer({
      initiator,
      // ICE settings only inside `config`: simple-peer ignores them at the top level.
      config: { iceServers: plan.iceServers, iceTransportPolicy: plan.policy },
      ...(options.media ? { stream: options.media } : {}),
      trickle: true,
      objectMode: true,
    });
    this.peer = peer;
    const current = () => this.peer === peer;

    this.detector = watchForFailure(
      peer._pc,
      {
        connectTimeoutMs: options.connectTimeoutMs,
        checksSilentMs: options.checksSilentMs,
        expectRelay: plan.expectRelay,
      },
      (reason) => {
        if (current()) this.dispatch({ type: 'local-failure', attempt, reason, ...this.facts() });
      },
    );
    peer.on('signal', (data) => {
      if (current()) this.deps.sendSignal(attempt, data);
    });
    peer.on('connect', () => {
      if (!current()) return;
      this.detector?.stop();
      this.dispatch({ type: 'connected', attempt });
      this.startReports(peer, attempt);
    });
    peer.on('data', (data: PeerData) => {
      if (current() && options.dataChannel) this.deps.emit('data', { peerId: this.peerId, data });
    });
    peer.on('stream', (stream) => {
      if (current()) this.deps.emit('stream', { peerId: this.peerId, stream });
    });
    peer.on('track', (track, stream) => {
      if (current()) this.deps.emit('track', { peerId: this.peerId, track, stream });
    });
    peer.on('close', () => {
      // The remote side closed a live connection: it left (a `peer:left` follows), or it is
      // retrying (its notice follows). If neither comes, count it as this attempt failing.
      if (!current() || this.state.phase !== 'connected') return;
      setTimeout(() => {
        if (current() && this.state.phase === 'connected') {
          this.dispatch({ type: 'local-failure', attempt, reason: 'ice-failed', ...this.facts() });
        }
      }, CLOSE_GRACE_MS);
    });
    peer.on('error', (error) => {
      if (!current()) return;
      if (error.code === 'ERR_ADD_TRANSCEIVER' || error.code === 'ERR_ADD_TRACK') {
        this.deps.emit('error', mediaError(this.peerId, error));
        return;
      }
      // simple-peer destroys itself after an error: count it as this attempt failing.
      this.dispatch({ type: 'local-failure', attempt, reason: 'ice-failed', ...this.facts() });
    });
  }

  private startReports(peer: SimplePeerInstance, attempt: number): void {
    const { options } = this.deps;
    this.monitor = monitorReports(
      peer._pc,
      {
        peerId: this.peerId,
        attempt,
        strategy: options.strategy,
        turnOnDemand: options.turnOnDemand,
        timeToConnectMs: Date.now() - this.startedAt,
      },
      { intervalMs: options.statsIntervalMs, retryMs: 250 },
      (report) => {
        this.report = report;
        this.deps.emit('report', { peerId: this.peerId, report });
        this.deps.onReport(report);
      },
      (rttMs) => {
        if (this.report) this.report = { ...this.report, rttMs };
      },
    );
  }

  private destroyPeer(): void {
    this.detector?.stop();
    this.monitor?.stop();
    this.detector = undefined;
    this.monitor = undefined;
    const peer = this.peer;
    this.peer = undefined;
    peer?.destroy();
  }

  private emitState(): void {
    this.deps.emit('peer:state', {
      peerId: this.peerId,
      state: this.state.phase,
      attempt: this.state.attempt,
      policy: this.plan.policy,
    });
  }
}

function mediaError(peerId: string, cause: Error): IcelaneError {
  return new IcelaneError('media-failed', `could not add local media for peer ${peerId}`, {
    peerId,
    cause,
  });
}
