/**
 * One attempt's connection: a simple-peer instance configured from the attempt's plan, its
 * failure detector, and once it is up, its report monitor and live watch. It restarts ICE in
 * place when asked. After `destroy()` it says nothing more, so a late event of an abandoned
 * attempt can never reach the link.
 *
 * ICE generations: each ICE restart starts a generation, numbered by the offerer. Every signal
 * this side sends carries its generation (`gen`), so a candidate or answer of an older one is
 * dropped instead of reaching the browser, which would refuse it and end the connection.
 */
import type { ConnectionReport, IcePolicy, IceServer, SignalData } from '@icelane/protocol';
import type { ResolvedJoinOptions } from './defaults.js';
import type { FailureReason } from './errors.js';
import type { PeerData } from './events.js';
import { recordPhases, type PhaseRecorder } from './connect-phases.js';
import { openControlChannel, type ControlChannel, type ControlMessage } from './control-channel.js';
import { watchForFailure, type FailureDetector } from './failure-detector.js';
import { configureIce, keepThroughIceFailure, restartIceAsOfferer } from './ice-restart.js';
import { watchLiveCall, type LiveWatch, type TroubleCause } from './live-watch.js';
import type { AttemptPlan } from './ice-plan.js';
import { monitorReports, type ReportContext, type ReportMonitor } from './report-monitor.js';
import { linkPath, type LinkPath, type LinkTimers } from './path-timing.js';
import type { CallQuality } from './call-quality.js';
import { monitorQuality, type QualityMonitor } from './quality-monitor.js';
import { meterUsage, type UsageMeter, type UsageTotals } from './usage-meter.js';
import {
  privateCandidateGate,
  relayPairing,
  type PrivateCandidateGate,
} from './private-candidates.js';
import type { SimplePeerConstructor, SimplePeerInstance } from './simple-peer-loader.js';

/** What an attempt tells its link. */
export interface AttemptHandlers {
  signal(data: SignalData): void;
  connected(): void;
  failed(reason: FailureReason): void;
  /** The far side closed the live connection. */
  remoteClosed(): void;
  data(data: PeerData): void;
  stream(stream: MediaStream): void;
  track(track: MediaStreamTrack, stream: MediaStream): void;
  mediaError(error: Error): void;
  /** A message from the far side's SDK on the control channel. */
  control(message: ControlMessage): void;
  report(report: ConnectionReport): void;
  rtt(rttMs: number): void;
  /** The live call looks broken (only with `recovery`). */
  trouble(cause: TroubleCause): void;
  /** The live call's path is suspect (silent for half of `pathSilentMs`): it may be lost. */
  suspect(): void;
  /** The far side is heard again after `trouble`. */
  heardAgain(): void;
  /** The live call's DTLS transport failed: only a new connection brings it back. */
  transportFailed(): void;
  /** TURN refused the credentials under policy `all`; ICE carries on without the relay. */
  turnRefused(): void;
  /** The live call's quality changed (a rating or a cause). */
  quality(quality: CallQuality): void;
  /** Relay usage totals (with `reportToServer`): periodically, and `final` once at the end. */
  usage(totals: UsageTotals, final: boolean): void;
}

export interface AttemptSetup {
  plan: AttemptPlan;
  initiator: boolean;
  options: ResolvedJoinOptions;
  /**
   * The link's measured path, which the deadlines follow (path-timing.ts); without it, the
   * options' durations as they are.
   */
  path?: LinkPath;
  SimplePeer: SimplePeerConstructor;
  /** The report's context, read when the connection is up. */
  reportContext(): ReportContext;
}

/** simple-peer's codes for local media it could not add. */
const MEDIA_ERRORS = new Set(['ERR_ADD_TRANSCEIVER', 'ERR_ADD_TRACK']);

export class AttemptConnection {
  private readonly peer: SimplePeerInstance;
  private readonly detector: FailureDetector;
  private readonly phases: PhaseRecorder;
  private readonly control: ControlChannel;
  private readonly path: LinkPath;
  private monitor: ReportMonitor | undefined;
  private watch: LiveWatch | undefined;
  private meter: UsageMeter | undefined;
  private quality: QualityMonitor | undefined;
  private destroyed = false;
  /** This side's ICE generation: the offerer's count of restarts, which the answerer follows. */
  private generation = 0;
  private readonly initiator: boolean;
  /** The servers the next gathering uses (fresh ones arrive with `applyIceServers`). */
  private iceServers: IceServer[];
  /** The policy the latest restart asked both sides to gather with. */
  private restartPolicy: IcePolicy | undefined;
  /** Keeps the far side's private host candidates from this side's relay (private-candidates.ts). */
  private readonly candidates: PrivateCandidateGate;

  constructor(setup: AttemptSetup, handlers: AttemptHandlers) {
    const { plan, options } = setup;
    const path = (this.path = setup.path ?? linkPath(options, () => undefined));
    path.newConnection();
    const { timers } = path;
    const peer = new setup.SimplePeer({
      initiator: setup.initiator,
      // ICE settings only inside `config`: simple-peer ignores them at the top level.
      config: { iceServers: plan.iceServers, iceTransportPolicy: plan.policy },
      ...(options.media ? { stream: options.media } : {}),
      trickle: true,
      objectMode: true,
    });
    this.peer = peer;
    this.initiator = setup.initiator;
    this.iceServers = plan.iceServers;
    if (options.recovery) keepThroughIceFailure(peer);
    this.candidates = privateCandidateGate(relayPairing(plan.iceServers, plan.policy), (data) => {
      if (!this.destroyed && !peer.destroyed) peer.signal(data);
    });
    peer._pc.addEventListener('icegatheringstatechange', () => {
      if (peer._pc.iceGatheringState === 'complete') this.candidates.localGatheringDone();
    });
    // Listening from here, before simple-peer's first async step, misses no state change.
    const phases = (this.phases = recordPhases(peer._pc));
    phases.watchChannel(peer._channel ?? undefined);
    const live = <A extends unknown[]>(fn: (...args: A) => void) => {
      return (...args: A) => {
        if (!this.destroyed) fn(...args);
      };
    };

    this.control = openControlChannel(
      peer._pc,
      live((message) => {
        this.watch?.heard();
        if (message.type !== 'heartbeat') handlers.control(message);
      }),
    );
    this.detector = watchForFailure(
      peer._pc,
      {
        connectTimeoutMs: timers.connectTimeoutMs,
        checksSilentMs: timers.checksSilentMs,
        expectRelay: plan.expectRelay,
      },
      live(handlers.failed),
      live(handlers.turnRefused),
    );
    peer.on(
      'signal',
      live((data: SignalData) => {
        phases.sent(data.type);
        this.candidates.local(data);
        const restart = data.type === 'offer' && this.restartPolicy;
        handlers.signal({
          ...path.stamp(data),
          gen: this.generation,
          ...(restart ? { policy: this.restartPolicy } : {}),
        });
      }),
    );
    peer.on(
      'connect',
      live(() => {
        this.detector.stop();
        phases.connected();
        phases.stop();
        const measured = phases.phases();
        handlers.connected();
        this.monitor = monitorReports(
          peer._pc,
          {
            ...setup.reportContext(),
            ...(measured ? { phases: measured } : {}),
            localAddressFamilies: this.detector.localAddressFamilies(),
          },
          {
            intervalMs: options.statsIntervalMs,
            retryMs: 250,
            signaledRemoteWaitMs: 1_000,
            settleMs: timers.connectTimeoutMs(),
          },
          live((report: ConnectionReport) => {
            if (report.rttMs !== undefined) path.callSample(report.rttMs);
            handlers.report(report);
          }),
          live((rttMs: number) => {
            path.callSample(rttMs);
            handlers.rtt(rttMs);
          }),
        );
        this.quality = monitorQuality(peer._pc, options.statsIntervalMs, live(handlers.quality));
        if (options.reportToServer) {
          this.meter = meterUsage(
            peer._pc,
            {
              relayedSampleMs: 1_000,
              idleSampleMs: options.statsIntervalMs,
              intervalMs: options.usageIntervalMs,
            },
            // Not `live`: the final totals come after a last reading, once destroyed; nothing
            // else comes after `finish()`.
            handlers.usage,
          );
        }
        if (options.recovery) {
          const { heartbeatIntervalMs, networkHintDebounceMs } = options;
          const { pathSilentMs, restartTimeoutMs } = timers;
          const watchOptions = {
            heartbeatIntervalMs,
            networkHintDebounceMs,
            pathSilentMs,
            restartTimeoutMs,
          };
          this.watch = watchLiveCall(peer._pc, watchOptions, {
            sendHeartbeat: () => this.control.send({ type: 'heartbeat' }),
            suspect: live(handlers.suspect),
            trouble: live(handlers.trouble),
            heardAgain: live(handlers.heardAgain),
            transportFailed: live(handlers.transportFailed),
          });
        }
      }),
    );
    peer.on(
      'data',
      live((data: PeerData) => {
        this.watch?.heard();
        if (options.dataChannel) handlers.data(data);
      }),
    );
    peer.on('stream', live(handlers.stream));
    peer.on('track', live(handlers.track));
    peer.on(
      'close',
      live(() => {
        this.watch?.closing();
        if (this.peer.connected || this.monitor) handlers.remoteClosed();
      }),
    );
    peer.on(
      'error',
      live((error: Error & { code?: string }) => {
        if (error.code && MEDIA_ERRORS.has(error.code)) return handlers.mediaError(error);
        // simple-peer destroys itself after an error: this attempt is over. On a live connection
        // it is often the far side leaving (Chromium reports its closed data channel as an
        // error), so the link waits for the reason as it does for a close.
        this.watch?.closing();
        if (this.monitor) handlers.remoteClosed();
        else handlers.failed('ice-failed');
      }),
    );
  }

  /** The deadlines this connection follows. */
  get timers(): LinkTimers {
    return this.path.timers;
  }

  get connected(): boolean {
    return this.peer.connected;
  }

  localCandidateTypes() {
    return this.detector.localCandidateTypes();
  }

  localAddressFamilies() {
    return this.detector.localAddressFamilies();
  }

  /** When the far side was last heard on this connection (ms since the epoch), once connected. */
  lastHeardAt(): number {
    return this.watch?.lastHeardAt() ?? Date.now();
  }

  signal(data: SignalData): void {
    // simple-peer ends itself when its data channel closes, and then throws on a signal.
    if (this.destroyed || this.peer.destroyed) return;
    this.path.heard(data);
    const gen = typeof data.gen === 'number' ? data.gen : undefined;
    if (gen !== undefined) {
      // A signal of a generation this side has left: the browser would refuse it.
      if (gen < this.generation) return;
      if (gen > this.generation) {
        if (this.initiator || data.type !== 'offer') return;
        // The offerer restarted ICE: gather for the new generation with its policy.
        this.generation = gen;
        this.watch?.restarting();
        const policy = data.policy === 'all' || data.policy === 'relay' ? data.policy : undefined;
        if (policy) configureIce(this.peer._pc, this.iceServers, policy);
        this.candidates.restart(relayPairing(this.iceServers, policy ?? this.currentPolicy()));
      }
    }
    this.phases.received(data.type);
    this.candidates.remote(data);
  }

  private currentPolicy(): IcePolicy {
    return this.peer._pc.getConfiguration().iceTransportPolicy ?? 'all';
  }

  /**
   * Restarts ICE in place with these servers and policy: the offerer at once (its next offer
   * carries the new generation and the policy for the answerer); the answerer only prepares its
   * side and answers whether it must ask the offerer.
   */
  restart(iceServers: IceServer[], policy: IcePolicy): void {
    if (this.destroyed) return;
    this.iceServers = iceServers;
    configureIce(this.peer._pc, iceServers, policy);
    this.watch?.restarting();
    if (!this.initiator) return;
    this.candidates.restart(relayPairing(iceServers, policy));
    this.generation += 1;
    this.restartPolicy = policy;
    const pc = this.peer._pc;
    // An offer still waiting for its answer (lost on the way) would hold the restart back.
    if (pc.signalingState !== 'have-local-offer') return restartIceAsOfferer(this.peer);
    pc.setLocalDescription({ type: 'rollback' })
      .catch(() => {})
      .finally(() => {
        if (!this.destroyed) restartIceAsOfferer(this.peer);
      });
  }

  /** Reads the selected pair now: after a restart, the report says which path the call is on. */
  async readReportNow(): Promise<void> {
    await this.monitor?.readNow();
  }

  /** The generation this side is on (the answerer asks the offerer to leave it). */
  get iceGeneration(): number {
    return this.generation;
  }

  send(data: string | ArrayBufferView | ArrayBuffer | Blob): void {
    this.peer.send(data);
  }

  /** Tells the far side's SDK something; answers whether the control channel was open. */
  sendControl(message: ControlMessage): boolean {
    return !this.destroyed && this.control.send(message);
  }

  /** Gives the live connection fresh ICE servers where the browser allows; it keeps its policy. */
  applyIceServers(iceServers: IceServer[]): void {
    const pc = this.peer._pc;
    if (this.destroyed || pc.signalingState === 'closed') return;
    this.iceServers = iceServers;
    configureIce(pc, iceServers, this.currentPolicy());
  }

  /** The meter of relay usage, once connected with `reportToServer`. */
  get usage(): Pick<UsageMeter, 'flush' | 'finishNow' | 'rebase'> | undefined {
    return this.meter;
  }

  destroy(): void {
    if (this.destroyed) return;
    // The final usage goes out before this connection falls silent.
    this.meter?.finish();
    this.destroyed = true;
    this.detector.stop();
    this.phases.stop();
    this.candidates.stop();
    this.monitor?.stop();
    this.quality?.stop();
    this.watch?.stop();
    this.control.close();
    this.peer.destroy();
  }
}
