/**
 * How close the relay bytes the server counts come to what the TURN server relayed: forced-relay
 * video calls (Chromium's fake camera and microphone, both sides sending) through a local coturn
 * on UDP, held for a set time, ended by one side leaving as a person would. For each call it
 * compares the bytes in the server's usage log (each side's own allocation, as the SDK reported
 * them to the call's end) with coturn's own per-allocation count (its `usage` lines, TURN framing
 * included). It prints a table and writes bench/results/relay-usage.json; it never fails on them.
 *   BENCH_RELAY_USAGE_SECONDS=54,10.5  how long each call is held once connected
 *   BENCH_RELAY_USAGE_RESULTS=path     write the figures there instead
 */
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';
import { joinTwo, waitForReport, type RoomPage } from '@icelane/testing/browser-suite';
import { startIcelaneStack } from '../../e2e/support/icelane-stack.js';
import { turnUsageByUsername, type TurnUsage } from '../../e2e/support/turn-usage.js';
import { usageLog } from '../../e2e/support/usage-log.js';

/** A UDP TURN ChannelData message is the packet behind a 4-byte header (RFC 8656 §12.4). */
const CHANNEL_DATA_HEADER = 4;

const SECONDS = (process.env.BENCH_RELAY_USAGE_SECONDS ?? '54,10.5').split(',').map(Number);
const RESULTS =
  process.env.BENCH_RELAY_USAGE_RESULTS ??
  fileURLToPath(new URL('../results/relay-usage.json', import.meta.url));

interface CallFigures {
  heldSeconds: number;
  /** Both sides' usage log lines: bytes sent and received through their own allocations. */
  reportedBytes: number;
  /** coturn's client-side count of the same allocations (rb + sb of their `usage` lines). */
  turnBytes: number;
  turnPackets: number;
  /** (turn - reported) / turn. */
  gapPercent: number;
  /** The ChannelData headers' share of coturn's count. */
  framingPercent: number;
}

test('relay bytes reported against coturn’s own count, forced-relay video calls', async ({
  browser,
}) => {
  const calls: CallFigures[] = [];
  for (const seconds of SECONDS) calls.push(await measureCall(browser, seconds));

  console.log('held s | reported bytes | coturn bytes | below coturn | of it ChannelData headers');
  for (const c of calls) {
    console.log(
      `${c.heldSeconds.toFixed(1).padStart(6)} | ${String(c.reportedBytes).padStart(14)} | ` +
        `${String(c.turnBytes).padStart(12)} | ${c.gapPercent.toFixed(2).padStart(10)} % | ` +
        `${c.framingPercent.toFixed(2)} %`,
    );
  }
  writeFileSync(
    RESULTS,
    JSON.stringify(
      // Scalars only, so the file reads the same after prettier.
      { at: new Date().toISOString(), cpus: cpus().length, loadAverage1m: loadavg()[0], calls },
      null,
      2,
    ) + '\n',
  );
});

async function measureCall(
  browser: Parameters<typeof joinTwo>[0],
  seconds: number,
): Promise<CallFigures> {
  const turnLog: string[] = [];
  const stack = await startIcelaneStack({
    coturn: { verbose: true, onLog: (line) => turnLog.push(line) },
    // One TURN URL: every relayed connection is on UDP, the transport whose framing is known.
    env: (coturn) => ({ ICELANE_COTURN_URLS: coturn.udpUrl }),
  });
  const pages: RoomPage[] = [];
  try {
    const options = { strategy: 'relay', fakeMedia: true } as const;
    const [ada, bob] = await joinTwo(browser, stack.url, `usage-${seconds}`, options, pages);
    for (const [page, far] of [
      [ada, bob],
      [bob, ada],
    ] as const) {
      expect((await waitForReport(page.page, far.peerId)).relayed).toBe(true);
    }
    await ada.page.waitForTimeout(seconds * 1000);
    // Ada leaves; Bob's connection closes under him and reports its own end.
    await ada.close();
    await expect.poll(() => usageLog(stack.server.logs).length, { timeout: 20_000 }).toBe(2);
    await bob.close();
    const lines = usageLog(stack.server.logs);
    const sessions = new Set(lines.map((line) => line.sessionId));
    const ours = (): TurnUsage[] =>
      [...turnUsageByUsername(turnLog).values()].filter((u) =>
        sessions.has(u.username.split(':')[1]?.split('.')[0] ?? ''),
      );
    // coturn prints an allocation's last usage line when it closes it.
    await expect
      .poll(() => ours().filter((u) => u.closed).length, { timeout: 30_000 })
      .toBe(sessions.size);
    const turn = ours();
    const reportedBytes = lines.reduce((sum, l) => sum + l.bytesSent + l.bytesReceived, 0);
    const turnBytes = turn.reduce((sum, u) => sum + u.bytesSent + u.bytesReceived, 0);
    const turnPackets = turn.reduce((sum, u) => sum + u.packetsSent + u.packetsReceived, 0);
    return {
      heldSeconds: seconds,
      reportedBytes,
      turnBytes,
      turnPackets,
      gapPercent: round2(((turnBytes - reportedBytes) / turnBytes) * 100),
      framingPercent: round2(((turnPackets * CHANNEL_DATA_HEADER) / turnBytes) * 100),
    };
  } finally {
    await Promise.all(pages.map((p) => p.close()));
    await stack.stop();
  }
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
