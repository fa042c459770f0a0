/**
 * The operator view (`operator.html`) on the demo as `npm run demo` starts it: after a relayed and
 * a direct call, it shows the same joins, TURN answers, relay share, candidate types, connect-time
 * histogram and bytes relayed as the server's `/metrics` says; and a view opened only after the calls draws them from
 * the server's `/history`, with the connect-time quantiles taken from the recorded times.
 */
import { expect, type Page } from '@playwright/test';
import type {} from '../../packages/demo/src/operator/operator-state.js';
import { counterSum } from '@icelane/testing';
import { test } from './demo-stack.js';
import { docsPath, openAndJoin, remotePanel, type JoinedPage } from './call-page.js';

interface Shown {
  relayed: number;
  total: number;
  sent: number;
  received: number;
  histogramCount: number;
  pairs: string[];
  joinsOk: number;
  turnAnswers: number;
}

/** What the operator page holds right now (`window.__operator`). */
async function shown(page: Page): Promise<Shown | null> {
  return page.evaluate(() => {
    const f = window.__operator.figures;
    if (!f) return null;
    return {
      relayed: f.connections.relayed,
      total: f.connections.total,
      sent: f.relayBytes.sent,
      received: f.relayBytes.received,
      histogramCount: f.connectTime.buckets.reduce((sum, b) => sum + b.count, 0),
      pairs: f.candidatePairs.map((p) => `${p.local} → ${p.remote}`),
      joinsOk: f.signaling.joinsOk,
      turnAnswers: f.signaling.turnAnswers.reduce((sum, a) => sum + a.answers, 0),
    };
  });
}

test('the operator view shows the relay share, candidate types, connect times and bytes relayed the server counted, opened during the calls or after them', async ({
  browser,
  demo,
}) => {
  test.setTimeout(120_000);
  const opened: JoinedPage[] = [];
  const direct: JoinedPage[] = [];
  try {
    // The view is open while the calls happen, as an operator would watch them.
    const context = await browser.newContext({ viewport: { width: 1280, height: 820 } });
    const operator = await context.newPage();
    opened.push({ page: operator, close: () => context.close() });
    await operator.goto(new URL('operator.html?every=500', demo.url).href);

    // A relayed call that carries video for a few seconds, then ends with Leave: the SDK sends
    // its relay usage when it leaves, and the other side's when its connection closes.
    const relayRoom = `operator-relay-${Date.now()}`;
    const ada = await openAndJoin(browser, `${demo.url}?room=${relayRoom}&relay=1&name=Ada`);
    opened.push(ada);
    const grace = await openAndJoin(browser, `${demo.url}?room=${relayRoom}&relay=1&name=Grace`);
    opened.push(grace);
    for (const { page } of [ada, grace]) {
      await expect(remotePanel(page)).toHaveAttribute('data-relayed', 'true');
    }
    await ada.page.waitForTimeout(3_000);
    await ada.page.getByRole('button', { name: 'Leave' }).click();
    await expect(ada.page.locator('#status')).toHaveAttribute('data-status', 'idle');

    // A direct call beside it.
    const directRoom = `operator-direct-${Date.now()}`;
    for (const name of ['Lin', 'Max']) {
      const peer = await openAndJoin(browser, `${demo.url}?room=${directRoom}&name=${name}`);
      opened.push(peer);
      direct.push(peer);
    }
    for (const { page } of direct) {
      await expect(remotePanel(page)).toHaveAttribute('data-relayed', 'false');
    }
    await expect
      .poll(async () => counterSum(await demo.metrics(), 'icelane_relay_bytes_total', {}))
      .toBeGreaterThan(0);

    // The page's figures are the server's: compare with /metrics read at the same moment.
    await expect
      .poll(
        async () => {
          const text = await demo.metrics();
          const server = {
            relayed: counterSum(text, 'icelane_connections_total', { relayed: 'true' }),
            total: counterSum(text, 'icelane_connections_total', {}),
            sent: counterSum(text, 'icelane_relay_bytes_total', { direction: 'sent' }),
            received: counterSum(text, 'icelane_relay_bytes_total', { direction: 'received' }),
            joinsOk: counterSum(text, 'icelane_joins_total', { outcome: 'ok' }),
            turnAnswers: counterSum(text, 'icelane_turn_answers_total', {}),
          };
          const page = await shown(operator);
          return (
            page && {
              ...server,
              match:
                JSON.stringify(server) ===
                JSON.stringify({
                  relayed: page.relayed,
                  total: page.total,
                  sent: page.sent,
                  received: page.received,
                  joinsOk: page.joinsOk,
                  turnAnswers: page.turnAnswers,
                }),
            }
          );
        },
        { timeout: 20_000 },
      )
      .toMatchObject({ match: true });
    const figures = (await shown(operator))!;
    expect(figures.relayed).toBeGreaterThanOrEqual(2);
    expect(figures.total - figures.relayed).toBeGreaterThanOrEqual(2);
    expect(figures.histogramCount).toBe(figures.total);
    // The view open since before the calls read the history again as they were counted.
    await expect
      .poll(() => operator.evaluate(() => window.__operator.history?.connections.length))
      .toBe(figures.total);
    expect(figures.pairs).toContain('relay → relay');
    expect(figures.pairs.some((pair) => !pair.includes('relay'))).toBe(true);

    // Four joins in this test, each answered with coturn's credentials.
    expect(figures.joinsOk).toBeGreaterThanOrEqual(4);
    expect(figures.turnAnswers).toBeGreaterThanOrEqual(4);

    // What is drawn says the same.
    await expect(operator.locator('#rooms-now')).toHaveAttribute(
      'data-joins-ok',
      String(figures.joinsOk),
    );
    await expect(operator.locator('#rooms-detail')).toContainText(
      `${figures.turnAnswers} from coturn`,
    );
    const share = operator.locator('#relay-share');
    await expect(share).toHaveText(`${Math.round((figures.relayed / figures.total) * 100)} %`);
    await expect(
      operator.locator('#candidate-types .bar-row[data-label="relay → relay"]'),
    ).toBeVisible();
    await expect(operator.locator('#connect-histogram .column')).toHaveCount(9);
    await expect(operator.locator('#connect-quantiles')).toContainText('median');
    await expect(operator.locator('#relay-bytes')).toHaveAttribute(
      'data-sent',
      String(figures.sent),
    );
    // One row per provider and transport: other calls on the same demo may have relayed over TCP.
    await expect(
      operator.locator('#relay-routes .bar-row[data-label^="coturn / "]').first(),
    ).toBeVisible();

    // An operator who opens the view after the calls sees them: the server's history.
    const laterContext = await browser.newContext({ viewport: { width: 1280, height: 820 } });
    const later = await laterContext.newPage();
    opened.push({ page: later, close: () => laterContext.close() });
    await later.goto(new URL('operator.html?every=500', demo.url).href);
    const historyOf = (page: Page) =>
      page.evaluate(() => {
        const { history, quantiles } = window.__operator;
        return (
          history && {
            sides: history.connections.length,
            relayedSides: history.connections.filter((side) => side.relayed).length,
            times: history.connections.map((side) => side.timeToConnectMs),
            relayBytes: history.usage.reduce((sum, u) => sum + u.bytesSent + u.bytesReceived, 0),
            quantiles: quantiles!,
          }
        );
      });
    // The same calls as the counters since the start, read at the same moment.
    await expect
      .poll(async () => {
        const text = await demo.metrics();
        const seen = await historyOf(later);
        return (
          seen && {
            sides: seen.sides - counterSum(text, 'icelane_connections_total', {}),
            relayed:
              seen.relayedSides -
              counterSum(text, 'icelane_connections_total', { relayed: 'true' }),
            bytes: seen.relayBytes - counterSum(text, 'icelane_relay_bytes_total', {}),
          }
        );
      })
      .toEqual({ sides: 0, relayed: 0, bytes: 0 });
    const seen = (await historyOf(later))!;
    expect(seen.sides).toBeGreaterThanOrEqual(4);
    expect(seen.relayBytes).toBeGreaterThan(0);
    // Exact: the median and p95 are times some side measured (nearest rank).
    const sorted = [...seen.times].sort((a, b) => a - b);
    const rank = (q: number) => sorted[Math.ceil(q * sorted.length) - 1];
    expect(seen.quantiles).toMatchObject({ exact: true, p50Ms: rank(0.5), p95Ms: rank(0.95) });
    await expect(later.locator('#connect-quantiles')).not.toContainText('estimate');
    await expect(later.locator('#share-chart svg')).toHaveAttribute(
      'data-samples',
      String(seen.sides),
    );
    expect(Number(await later.locator('#rate-chart svg').getAttribute('data-max'))).toBeGreaterThan(
      0,
    );
    await later.screenshot({ path: docsPath('demo-operator.png'), fullPage: true });
  } finally {
    for (const page of opened) await page.close();
  }
});
