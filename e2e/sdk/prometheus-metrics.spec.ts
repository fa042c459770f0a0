/**
 * A real Prometheus scrapes a fresh server from its start while browsers make its first calls,
 * some through coturn and some direct. Every query of the Grafana dashboard and of the server
 * README, read from those files, must then show what the calls did (the relay share, the calls by
 * candidate types, the bytes in the usage log, connect-time quantiles in the right bucket), and the
 * bytes must be within a few percent of what coturn itself relayed for their allocations.
 */
import { expect, test } from '@playwright/test';
import type { ConnectionReport } from '@icelane/sdk';
import { parseMetricsText } from '@icelane/testing';
import { readFigures } from '../../packages/demo/src/operator/figures.js';
import { startIcelaneStack } from '../support/icelane-stack.js';
import {
  byLegend,
  dashboardQueries,
  readmeQueries,
  withWindow,
} from '../support/documented-queries.js';
import { startPrometheus } from '../support/prometheus.js';
import { joinTwo, waitForReport, type RoomPage } from '@icelane/testing/browser-suite';
import { turnUsageByUsername } from '../support/turn-usage.js';
import { usageLog } from '../support/usage-log.js';
import {
  bucketOf,
  dashboardExpected,
  readmeExpected,
  type CallsDid,
  type Expected,
} from './documented-figures.js';

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

test("from a fresh server's first calls, the dashboard's and the README's PromQL show what the calls did", async ({
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
  const scrapingFrom = Date.now();
  const prometheus = await startPrometheus({ targets: [stack.url] }).catch(async (error) => {
    await stack.stop();
    throw error;
  });
  try {
    // The server as an operator meets it: scraped once before its first call.
    await prometheus.scrapedAfter(Date.now());
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
      // At once: leaving reads the stats before it reports, and so does the side left behind.
      await ada.close();
      await bob.close();
      pages.length = 0;
    }

    // Every connection ended in the server's usage log, the relayed ones under their TURN session.
    const usage = await expect
      .poll(() => usageLog(stack.server.logs).length)
      .toBe(reports.length)
      .then(() => usageLog(stack.server.logs));
    const relayedLines = usage.filter((line) => line.relayed);
    expect(relayedLines).toHaveLength(4);
    // coturn's REST usernames are `<expiry>:<session id>` (`.<user handle>` after it when the join
    // named a user): find each session's allocation and wait until coturn closed it and printed
    // its last usage line.
    const sessions = new Set(relayedLines.map((line) => line.sessionId));
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
    const rawText = async () => (await fetch(`${stack.url}/metrics`)).text();
    await expect
      .poll(async () => /^icelane_connected_sockets 0$/m.test(await rawText()))
      .toBe(true);
    const raw = parseMetricsText(await rawText());

    // Queries are evaluated at the last scrape, over a window from before the first one: a
    // counter's first sample is 0 and the window ends on a sample, so Prometheus extrapolates
    // nothing and a rate is exactly the count over the window.
    await prometheus.scrapedAfter(Date.now());
    const at = await prometheus.scalar('max(timestamp(up{job="icelane"}))');
    const windowSeconds = Math.ceil(at - scrapingFrom / 1000) + 1;
    const did: CallsDid = { reports, usage, raw, windowSeconds };

    const dashboard = dashboardExpected(did);
    const queries = dashboardQueries();
    expect(queries.map((q) => `${q.panel}: ${q.legendFormat}`).sort()).toEqual(
      Object.keys(dashboard).sort(),
    );
    for (const query of queries) {
      const name = `${query.panel}: ${query.legendFormat}`;
      const samples = await prometheus.query(withWindow(query.expr, windowSeconds), at);
      expectShown(byLegend(samples, query.legendFormat), dashboard[name]!, name);
    }
    const readme = readmeExpected(did);
    const documented = readmeQueries();
    expect(documented.map((q) => q.comment).sort()).toEqual(Object.keys(readme).sort());
    for (const query of documented) {
      const samples = await prometheus.query(query.expr, at);
      expectShown(byLegend(samples), readme[query.comment]!, query.comment);
    }

    // Scraped all along: while only the relayed calls had been made, the share was 100 %.
    const peak = await prometheus.scalar(
      'max_over_time((sum(icelane_connections_total{relayed="true"}) / sum(icelane_connections_total))[5m:1s])',
      at,
    );
    expect(peak).toBe(1);

    // Bytes: the SDK counts what Chrome's candidate pairs count, the packets without TURN's
    // framing; coturn counts the framed packets, and TURN's own messages (Allocate, Refresh,
    // CreatePermission, ChannelBind) and the ICE checks and consent checks through the relay, which
    // Chrome leaves out of a pair's bytes. So coturn's figure is the larger, by about 4 bytes a
    // packet plus a few kilobytes per allocation.
    const sent = relayedLines.reduce((total, line) => total + line.bytesSent, 0);
    const received = relayedLines.reduce((total, line) => total + line.bytesReceived, 0);
    const counted = sent + received;
    const relayed = turn.fromClients + turn.toClients;
    const gap = relayed - counted;
    const framing = turn.packets * CHANNEL_DATA_HEADER;
    console.log(
      `relay bytes: usage log ${counted} (sent ${sent}, received ${received}); coturn ${relayed} ` +
        `(from clients ${turn.fromClients}, to clients ${turn.toClients}, ${turn.packets} packets); ` +
        `gap ${gap} = ${((gap / relayed) * 100).toFixed(2)} %, ChannelData headers alone ${framing}`,
    );
    // Each message is counted twice (sent on one side's allocation, received on the other's),
    // in both directions of both relayed calls.
    expect(counted).toBeGreaterThan(MESSAGES * MESSAGE_BYTES * 2 * 2 * 2);
    expect(sent).toBeLessThanOrEqual(turn.fromClients);
    expect(received).toBeLessThanOrEqual(turn.toClients);
    expect(gap / relayed).toBeLessThan(0.03);

    // The demo's operator view reads the same /metrics text.
    const view = readFigures(raw);
    expect(view.connections).toEqual({
      total: reports.length,
      relayed: reports.filter((r) => r.relayed).length,
    });
    expect(view.relayBytes).toMatchObject({ sent, received });
  } finally {
    await Promise.all(pages.map((p) => p.close()));
    await prometheus.stop();
    await stack.stop();
  }
});

/**
 * A query's series match what was expected: listed series by value (to a millionth, as rates are
 * divided), unlisted ones absent or 0; a quantile inside the bucket of the observations' own.
 */
function expectShown(shown: Map<string, number>, expected: Expected, name: string): void {
  if ('quantile' in expected) {
    const sorted = [...expected.observations].sort((a, b) => a - b);
    const own = sorted[Math.ceil(expected.quantile * sorted.length) - 1]!;
    const [low, high] = bucketOf(own, expected.buckets);
    const values = [...shown.values()];
    expect(values, `${name}: one series`).toHaveLength(1);
    console.log(`${name}: ${values[0]} s; the reported times' own in (${low}, ${high}]`);
    expect(values[0], name).toBeGreaterThanOrEqual(low);
    expect(values[0], name).toBeLessThanOrEqual(high);
    return;
  }
  for (const [series, value] of Object.entries(expected.series)) {
    if (value === 0) continue;
    expect(shown.has(series), `${name}: no series "${series}" in ${[...shown.keys()]}`).toBe(true);
    const all = JSON.stringify(Object.fromEntries(shown));
    expect(shown.get(series)! / value, `${name}: ${series} (shown: ${all})`).toBeCloseTo(1, 6);
  }
  for (const [series, value] of shown) {
    if (!expected.series[series]) expect(value, `${name}: ${series}`).toBe(0);
  }
}

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
