/**
 * Reads the selected candidate pair once a connection is up, and again whenever it changes,
 * turning it into a {@link ConnectionReport}.
 */
import type { AddressFamily, ConnectPhases, ConnectionReport, Strategy } from '@icelane/protocol';
import { extractSelectedPair, type SelectedPair, type StatsLike } from './candidate-report.js';

export interface ReportContext {
  peerId: string;
  attempt: number;
  strategy: Strategy;
  turnOnDemand: boolean;
  /** From the start of attempt 1 (the link to the peer was made). */
  timeToConnectMs: number;
  /** The steps of the attempt that connected, when measured. */
  phases?: ConnectPhases;
  /** The families of this side's host addresses on that attempt (none known: empty). */
  localAddressFamilies?: readonly AddressFamily[];
}

export function buildConnectionReport(
  selected: SelectedPair,
  context: ReportContext,
): ConnectionReport {
  const report: ConnectionReport = {
    peerId: context.peerId,
    attempt: context.attempt,
    strategy: context.strategy,
    local: selected.local,
    remote: selected.remote,
    relayed: selected.relayed,
    timeToConnectMs: Math.max(0, Math.round(context.timeToConnectMs)),
  };
  if (context.turnOnDemand) report.turnOnDemand = true;
  if (selected.rttMs !== undefined) report.rttMs = selected.rttMs;
  if (context.phases) report.phases = { ...context.phases };
  if (context.localAddressFamilies?.length) {
    report.localAddressFamilies = [...context.localAddressFamilies];
  }
  return report;
}

export interface ReportMonitorOptions {
  intervalMs: number;
  /** Until a pair is selected, read again this soon. */
  retryMs: number;
  /**
   * How long the first report of a pair waits for the signaled candidate behind a remote end
   * Firefox knows only from its checks (see `remoteUnsignaled`): the check often comes a few
   * milliseconds before the candidate, and Firefox keeps calling that end prflx until then.
   */
  signaledRemoteWaitMs: number;
  /**
   * For this long after the connection opened, a relayed pair is read again every `retryMs`, and
   * the first report waits while a direct pair is in sight (`SelectedPair.directInSight`). The
   * browser in control of ICE selects the first pair that works, at times a relay, and moves the
   * call to a better pair once its check succeeds: measured in the NAT lab (Chromium 156 offering
   * to Firefox 153 over IPv6), 0.1-0.3 s after the connection opened, where a 3 s interval told
   * it 3 s late. The attempt's connect deadline: a pair that needs longer would not have been
   * waited for to connect either.
   */
  settleMs: number;
}

export interface ReportMonitor {
  /**
   * Reads the selected pair now (after an ICE restart) and reports a new pair as it is; resolves
   * once `onReport` had its say.
   */
  readNow(): Promise<void>;
  stop(): void;
}

/**
 * Calls `onReport` with the first selected pair and on every change of pair. While the pair stays,
 * `onRtt` gets each fresh round-trip time.
 */
export function monitorReports(
  pc: RTCPeerConnection,
  context: ReportContext,
  options: ReportMonitorOptions,
  onReport: (report: ConnectionReport) => void,
  onRtt: (rttMs: number) => void,
): ReportMonitor {
  let stopped = false;
  let pairId: string | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  /** The pair waiting for its remote end's signaled candidate, and since when. */
  let waiting: { pairId: string; since: number } | undefined;
  const settleUntil = Date.now() + options.settleMs;

  /** `now`: report the pair as it is, without waiting for a signaled remote candidate. */
  const read = async (now = false) => {
    if (stopped) return;
    clearTimeout(timer);
    let selected: SelectedPair | undefined;
    try {
      selected = extractSelectedPair((await pc.getStats()) as unknown as StatsLike);
    } catch {
      // The connection closed under us; the link stops the monitor.
    }
    if (stopped) return;
    if (!now && selected?.remoteUnsignaled && selected.pairId !== pairId) {
      if (waiting?.pairId !== selected.pairId)
        waiting = { pairId: selected.pairId, since: Date.now() };
      if (Date.now() - waiting.since < options.signaledRemoteWaitMs) {
        timer = setTimeout(() => void read(), options.retryMs);
        return;
      }
    }
    const settling = selected?.relayed && Date.now() < settleUntil;
    if (!now && settling && pairId === undefined && selected?.directInSight) {
      timer = setTimeout(() => void read(), options.retryMs);
      return;
    }
    if (selected && selected.pairId !== pairId) {
      pairId = selected.pairId;
      onReport(buildConnectionReport(selected, context));
    } else if (selected?.rttMs !== undefined && !settling) {
      // Not from the quick reads: the browser's figure changes less often, and the same one fed
      // again would read as a steadier path than it is (path-timing.ts).
      onRtt(selected.rttMs);
    }
    clearTimeout(timer);
    timer = setTimeout(
      () => void read(),
      pairId === undefined || settling ? options.retryMs : options.intervalMs,
    );
  };
  void read();

  return {
    readNow: () => read(true),
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
