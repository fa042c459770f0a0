/**
 * Reads a live call's statistics every interval and says its quality (call-quality.ts) when
 * what an app shows changes: a rating or a cause.
 */
import type { StatsLike } from './candidate-report.js';
import { qualityChanged, rateCall, type CallQuality } from './call-quality.js';

export interface QualityMonitor {
  stop(): void;
}

export function monitorQuality(
  pc: RTCPeerConnection,
  intervalMs: number,
  onQuality: (quality: CallQuality) => void,
): QualityMonitor {
  let before: { stats: StatsLike; at: number } | undefined;
  let told: CallQuality | undefined;
  let stopped = false;
  const read = async () => {
    const stats = (await pc.getStats()) as unknown as StatsLike;
    const at = Date.now();
    const last = before;
    before = { stats, at };
    // The first reading only starts the window: rates need two.
    if (stopped || !last) return;
    const quality = rateCall(last.stats, stats, Math.max(0.001, (at - last.at) / 1000));
    if (!qualityChanged(told, quality)) return;
    told = quality;
    onQuality(quality);
  };
  const poll = () => {
    read().catch(() => {
      // getStats rejects once the connection is closed; the link ends the monitor.
    });
  };
  poll();
  const timer = setInterval(poll, intervalMs);
  return {
    stop() {
      stopped = true;
      clearInterval(timer);
    },
  };
}
