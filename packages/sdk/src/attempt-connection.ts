/**
 * One attempt's connection: a simple-peer instance configured from the attempt's plan, its
 * failure detector, and once it is up, its report monitor. After `destroy()` it says nothing more,
 * so a late event of an abandoned attempt can never reach the link.
 */
import type { ConnectionReport, IceServer, SignalData } from '@icelane/protocol';
import type { ResolvedJoinOptions } from './defaults.js';
import type { FailureReason } from './errors.js';
import type { PeerData } from './events.js';
import { recordPhases, type PhaseRecorder } from './connect-phases.js';
import { openControlChannel, type ControlChannel, type ControlMessage } from './control-channel.js';
import { watchForFailure, type FailureDetector } from './failure-detector.js';
import type { AttemptPlan } from './ice-plan.js';
import { monitorReports, type ReportContext, type ReportMonitor } from './report-monitor.js';
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
}

export interface AttemptSetup {
  plan: AttemptPlan;
  initiator: boolean;
  options: ResolvedJoinOptions;
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
  private monitor: ReportMonitor | undefined;
  private destroyed = false;

  constructor(setup: AttemptSetup, handlers: AttemptHandlers) {
    const { plan, options } = setup;
    const peer = new setup.SimplePeer({
      initiator: setup.initiator,
      // ICE settings only inside `config`: simple-peer ignores them at the top level.
      config: { iceServers: plan.iceServers, iceTransportPolicy: plan.policy },
      ...(options.media ? { stream: options.media } : {}),
      trickle: true,
      objectMode: true,
    });
    this.peer = peer;
    // Listening from here, before simple-peer's first async step, misses no state change.
    const phases = (this.phases = recordPhases(peer._pc));
    phases.watchChannel(peer._channel ?? undefined);
    const live = <A extends unknown[]>(fn: (...args: A) => void) => {
      return (...args: A) => {
        if (!this.destroyed) fn(...args);
      };
    };

    this.control = openControlChannel(peer._pc, live(handlers.control));
    this.detector = watchForFailure(
      peer._pc,
      {
        connectTimeoutMs: options.connectTimeoutMs,
        checksSilentMs: options.checksSilentMs,
        expectRelay: plan.expectRelay,
      },
      live(handlers.failed),
    );
    peer.on(
      'signal',
      live((data: SignalData) => {
        phases.sent(data.type);
        handlers.signal(data);
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
          { ...setup.reportContext(), ...(measured ? { phases: measured } : {}) },
          { intervalMs: options.statsIntervalMs, retryMs: 250 },
          live(handlers.report),
          live(handlers.rtt),
        );
      }),
    );
    peer.on(
      'data',
      live((data: PeerData) => {
        if (options.dataChannel) handlers.data(data);
      }),
    );
    peer.on('stream', live(handlers.stream));
    peer.on('track', live(handlers.track));
    peer.on(
      'close',
      live(() => {
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
        if (this.monitor) handlers.remoteClosed();
        else handlers.failed('ice-failed');
      }),
    );
  }

  get connected(): boolean {
    return this.peer.connected;
  }

  localCandidateTypes() {
    return this.detector.localCandidateTypes();
  }

  signal(data: SignalData): void {
    if (this.destroyed) return;
    this.phases.received(data.type);
    this.peer.signal(data);
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
    try {
      pc.setConfiguration({ ...pc.getConfiguration(), iceServers });
    } catch {
      // Some browsers refuse changes to a live connection; the next attempt uses the fresh servers.
    }
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.detector.stop();
    this.phases.stop();
    this.monitor?.stop();
    this.control.close();
    this.peer.destroy();
  }
}
