/**
 * A real Prometheus scrapes the server while browsers make calls, some through coturn and some
 * direct; PromQL over its HTTP API must then give the relay share the calls had, the bytes coturn
 * itself relayed for their allocations (within a few percent), and connect-time quantiles
 * consistent with the times the SDK reported.
 */
import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import type { ConnectionReport } from '@icelane/sdk';
import { readFigures } from '../../packages/demo/src/operator/figures.js';
import { parseMetricsText } from '../../packages/demo/src/operator/metrics-text.js';
import { startIcelaneStack } from '../support/icelane-stack.js';
import { startPrometheus } from '../support/prometheus.js';
import { joinTwo, waitForReport, type RoomPage } from '@icelane/testing/browser-suite';
import { turnUsageByUsername } from '../support/turn-usage.js';

/** The server's buckets for `icelane_time_to_connect_seconds` (observability/metrics.ts). */
const CONNECT_BUCKETS = [0.1, 0.25, 0.5, 1, 2, 4, 8, 16];
/** A UDP TURN ChannelData message is the packet behind a 4-byte header (RFC 8656 §12.4). */
const CHANNEL_DATA_HEADER = 4;

const CALLS = [
  { room: 'relayed-one', strategy: 'relay' },
  { room: 'relayed-two', strategy: 'relay' },
  { room: 'direct-one', strategy: 'direct' },
] as const;

/**
 * Data-channel messages each side sends, paced (400 kB/s) so that a busy machine does not overflow
 * loopback UDP buffers: a packet dropped after coturn sent it counts for coturn, not for Chrome.
 */
const MESSAGES = 60;
const MESSAGE_BYTES = 16_000;
const MESSAGE_EVERY_MS = 40;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test("Prometheus scraping the server sees the relay share, the bytes coturn relayed and the SDK's connect times", async ({
  browser,
}) => {
  test.setTimeout(150_000);
  const turnLog: string[] = [];
  const stack = await startIcelaneStack({
    coturn: { verbose: true, onLog: (line) => turnLog.push(line) },
    // One TURN URL: every relayed connection is on UDP, the transport whose framing is known.
    env: (coturn) => ({ ICELANE_COTURN_URLS: coturn.udpUrl }),
  });
  const pages: RoomPage[] = [];
  const prometheus = await startPrometheus({ targets: [stack.url] }).catch(async (error) => {
    await stack.stop();
    throw error;
  });
  try {
    const reports: ConnectionReport[] = [];
    for (const call of CALLS) {
      const [ada, bob] = await joinTwo(
        browser,
        stack.url,
        call.room,
        { strategy: call.strategy },
        pages,
      );
      const both = [
        await waitForReport(ada.page, bob.peerId),
        await waitForReport(bob.page, ada.peerId),
      ];
      for (const report of both) expect(report.relayed).toBe(call.strategy === 'relay');
      reports.push(...both);
      await exchangeData(ada, bob);
      // The usage meter reads a relayed connection's stats every second; leaving sends the last
      // reading, so give it one taken after the last message.
      await sleep(1_500);
      await ada.close();
      await bob.close();
      pages.length = 0;
    }
    const callsEnded = Date.now();

    // Every relayed connection ended in the server's usage log, under its TURN session.
    const usageLines = await expect
      .poll(() => usageLog(stack.server.logs).filter((line) => line.relayed).length)
      .toBe(4)
      .then(() => usageLog(stack.server.logs).filter((line) => line.relayed));
    // coturn's REST usernames are `<expiry>:<session id>` (`.<user handle>` after it when the join
    // named a user): find each session's allocation and wait until coturn closed it and printed
    // its last usage line.
    const sessions = new Set(usageLines.map((line) => line.sessionId));
    const ours = () =>
      [...turnUsageByUsername(turnLog).values()].filter((u) =>
        sessions.has(u.username.split(':')[1]?.split('.')[0] ?? ''),
      );
    await expect
      .poll(() => ours().filter((u) => u.closed).length, { timeout: 20_000 })
      .toBe(sessions.size);
    const turn = ours().reduce(
      (sum, u) => ({
        fromClients: sum.fromClients + u.bytesReceived,
        toClients: sum.toClients + u.bytesSent,
        packets: sum.packets + u.packetsReceived + u.packetsSent,
      }),
      { fromClients: 0, toClients: 0, packets: 0 },
    );

    await prometheus.scrapedAfter(Math.max(callsEnded, Date.now()));
    const relayBytes = async (direction: string) =>
      prometheus.scalar(`sum(icelane_relay_bytes_total{direction="${direction}"})`);
    const sent = await relayBytes('sent');
    const received = await relayBytes('received');

    // The relay share: 2 of the 3 calls, both sides of each reporting.
    const share = await prometheus.scalar(
      'sum(icelane_connections_total{relayed="true"}) / sum(icelane_connections_total)',
    );
    expect(share).toBeCloseTo(4 / 6, 6);
    // Scraped all along: while only the relayed calls had been made, the share was 100 %.
    const peak = await prometheus.scalar(
      'max_over_time((sum(icelane_connections_total{relayed="true"}) / sum(icelane_connections_total))[5m:1s])',
    );
    expect(peak).toBe(1);
    expect(await prometheus.scalar('sum(icelane_connections_ended_total{relayed="true"})')).toBe(4);

    // Bytes: the SDK counts what Chrome's candidate pairs count, the packets without TURN's
    // framing; coturn counts the framed packets, and TURN's own messages (Allocate, Refresh,
    // CreatePermission, ChannelBind) and the ICE checks and consent checks through the relay, which
    // Chrome leaves out of a pair's bytes. So coturn's figure is the larger, by about 4 bytes a
    // packet plus a few kilobytes per allocation.
    const counted = sent + received;
    const relayed = turn.fromClients + turn.toClients;
    const gap = relayed - counted;
    const framing = turn.packets * CHANNEL_DATA_HEADER;
    console.log(
      `relay bytes: Prometheus ${counted} (sent ${sent}, received ${received}); coturn ${relayed} ` +
        `(from clients ${turn.fromClients}, to clients ${turn.toClients}, ${turn.packets} packets); ` +
        `gap ${gap} = ${((gap / relayed) * 100).toFixed(2)} %, ChannelData headers alone ${framing}`,
    );
    // Each message is counted twice (sent on one side's allocation, received on the other's),
    // in both directions of both relayed calls.
    expect(counted).toBeGreaterThan(MESSAGES * MESSAGE_BYTES * 2 * 2 * 2);
    expect(sent).toBeLessThanOrEqual(turn.fromClients);
    expect(received).toBeLessThanOrEqual(turn.toClients);
    expect(gap / relayed).toBeLessThan(0.03);
    // What a billing job sums from the log is what Prometheus shows.
    const logged = usageLines.reduce((sum, line) => sum + line.bytesSent + line.bytesReceived, 0);
    expect(logged).toBe(counted);

    // Connect time: the histogram holds exactly the SDK's reports, and its quantiles fall in the
    // bucket that holds the reported times' own quantile.
    const seconds = reports.map((r) => r.timeToConnectMs / 1000).sort((a, b) => a - b);
    expect(await prometheus.scalar('sum(icelane_time_to_connect_seconds_count)')).toBe(6);
    expect(await prometheus.scalar('sum(icelane_time_to_connect_seconds_sum)')).toBeCloseTo(
      seconds.reduce((a, b) => a + b, 0),
      6,
    );
    // The demo's operator view reads the same /metrics text and estimates as PromQL does.
    const view = readFigures(parseMetricsText(await (await fetch(`${stack.url}/metrics`)).text()));
    expect(view.connections.relayed / view.connections.total).toBeCloseTo(share, 9);
    expect(view.relayBytes).toMatchObject({ sent, received });
    for (const q of [0.5, 0.9]) {
      const estimate = await prometheus.scalar(
        `histogram_quantile(${q}, sum by (le) (icelane_time_to_connect_seconds_bucket))`,
      );
      expect(q === 0.5 ? view.connectTime.p50Seconds : view.connectTime.p90Seconds).toBeCloseTo(
        estimate,
        9,
      );
      const [low, high] = bucketOf(seconds[Math.ceil(q * seconds.length) - 1]!);
      console.log(
        `connect time p${q * 100}: Prometheus ${estimate} s, reported in (${low}, ${high}]`,
      );
      expect(estimate).toBeGreaterThanOrEqual(low);
      expect(estimate).toBeLessThanOrEqual(high);
    }
    for (const relayedLabel of ['true', 'false']) {
      const own = reports
        .filter((r) => String(r.relayed) === relayedLabel)
        .map((r) => r.timeToConnectMs / 1000)
        .sort((a, b) => a - b);
      const median = await prometheus.scalar(
        `histogram_quantile(0.5, sum by (le) (icelane_time_to_connect_seconds_bucket{relayed="${relayedLabel}"}))`,
      );
      const [low, high] = bucketOf(own[Math.ceil(0.5 * own.length) - 1]!);
      expect(median).toBeGreaterThanOrEqual(low);
      expect(median).toBeLessThanOrEqual(high);
    }

    // The Grafana dashboard's queries run on this Prometheus, and the panels of what these calls
    // did show data.
    for (const { panel, expr } of dashboardQueries()) {
      const promql = expr.replaceAll('$__rate_interval', '1m').replaceAll('$__range', '5m');
      const samples = await prometheus.query(promql);
      if (/icelane_(connections|relay_bytes|time_to_connect_seconds|relayed_seconds)_/.test(expr)) {
        expect(samples.length, `${panel}: ${promql}`).toBeGreaterThan(0);
      }
    }
  } finally {
    await Promise.all(pages.map((p) => p.close()));
    await prometheus.stop();
    await stack.stop();
  }
});

/** Both sides send `MESSAGES` messages to each other, paced, and each receives all of them. */
async function exchangeData(ada: RoomPage, bob: RoomPage): Promise<void> {
  const send = (page: RoomPage) =>
    page.page.evaluate(
      async ([count, bytes, everyMs]) => {
        const message = 'x'.repeat(bytes);
        for (let i = 0; i < count; i++) {
          window.harness.send(message);
          await new Promise((resolve) => setTimeout(resolve, everyMs));
        }
      },
      [MESSAGES, MESSAGE_BYTES, MESSAGE_EVERY_MS] as const,
    );
  await Promise.all([send(ada), send(bob)]);
  for (const page of [ada, bob]) {
    await page.page.waitForFunction((count) => window.harness.of('data').length >= count, MESSAGES);
  }
}

/** Every query of the Grafana dashboard in docs/, with its panel's title. */
function dashboardQueries(): Array<{ panel: string; expr: string }> {
  interface Panel {
    title: string;
    targets?: Array<{ expr?: string }>;
    panels?: Panel[];
  }
  const file = new URL('../../docs/grafana-dashboard.json', import.meta.url);
  const flat = (panels: Panel[]): Panel[] => panels.flatMap((p) => [p, ...flat(p.panels ?? [])]);
  const { panels } = JSON.parse(readFileSync(file, 'utf8')) as { panels: Panel[] };
  return flat(panels).flatMap((panel) =>
    (panel.targets ?? []).flatMap((t) => (t.expr ? [{ panel: panel.title, expr: t.expr }] : [])),
  );
}

interface UsageLine {
  sessionId: string;
  relayed: boolean;
  bytesSent: number;
  bytesReceived: number;
}

/** The server's `connection usage` log lines. */
function usageLog(logs: readonly string[]): UsageLine[] {
  return logs
    .filter((line) => line.includes('"connection usage"'))
    .map((line) => JSON.parse(line) as UsageLine);
}

/** The histogram bucket `(low, high]` that holds `value`. */
function bucketOf(value: number): [number, number] {
  let low = 0;
  for (const high of CONNECT_BUCKETS) {
    if (value <= high) return [low, high];
    low = high;
  }
  return [low, Infinity];
}
