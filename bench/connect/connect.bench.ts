/**
 * Connect time through the NAT lab. One lab per scenario, a fresh page pair per call; the figures
 * are printed as a table and written to bench/results/connect.json. Nothing here fails on a time:
 * a scenario fails only when its calls cannot be made at all.
 */
import { cpus, release } from 'node:os';
import { fileURLToPath } from 'node:url';
import { SDK_PAGE_DIR } from '../../e2e/support/build-sdk-page.js';
import { skipUnlessLabCanRun, test } from '../../e2e/nat-lab/fixtures.js';
import type { Lab } from '../../e2e/nat-lab/lab/lab.js';
import { baselineRun, type BaselineRunResult } from './baseline-run.js';
import { figuresOf, formatTable, writeFigures, type ScenarioFigures } from './report.js';
import { SCENARIOS } from './scenarios.js';
import { sdkConnectRun, type SdkRunResult } from './sdk-run.js';

const RESULTS = fileURLToPath(new URL('../results/connect.json', import.meta.url));

skipUnlessLabCanRun();
test.describe.configure({ mode: 'serial' });

const figures: ScenarioFigures[] = [];
let browserVersion = 'unknown';

for (const scenario of SCENARIOS) {
  test(scenario.title, async ({ lab }) => {
    const network: Lab = await lab({
      ...scenario.nat,
      server: { env: { ICELANE_STATIC_DIR: SDK_PAGE_DIR } },
    });
    browserVersion = (await network.browser('a')).version();
    const call = () =>
      scenario.kind === 'sdk' ? sdkConnectRun(network, scenario.options) : baselineRun(network);
    // The first call of a lab warms the browsers' processes up; it is not counted. The baseline,
    // ~16 s a call and not about milliseconds, has none.
    if (scenario.kind === 'sdk') await call();

    const samples: (SdkRunResult | BaselineRunResult)[] = [];
    for (let i = 0; i < scenario.runs; i++) {
      const sample: SdkRunResult | BaselineRunResult = await call().catch((error: unknown) => ({
        ok: false,
        error: error instanceof Error ? error.message.split('\n')[0] : String(error),
      }));
      samples.push(sample);
      const took = sample.ok ? `${sample.joinToOpenMs} ms` : `failed: ${sample.error}`;
      console.log(`${scenario.id} call ${i + 1}/${scenario.runs}: ${took}`);
    }
    figures.push(figuresOf(scenario, samples));
    if (samples.every((s) => !s.ok)) throw new Error(`no call of "${scenario.title}" connected`);
  });
}

test.afterAll(async () => {
  if (figures.length === 0) return;
  console.log(`\nConnect time, ms (median / p95):\n\n${formatTable(figures)}\n`);
  await writeFigures(RESULTS, {
    measuredAt: new Date().toISOString(),
    machine: { cpus: cpus().length, kernel: release(), browser: `Chromium ${browserVersion}` },
    method:
      'NAT lab (network namespaces on loopback, coturn and the icelane server on the public ' +
      'segment), one lab per scenario, a fresh page pair per call, first SDK call of a lab not ' +
      'counted. join → open: side b calls joinRoom → both links connected (data channel open). ' +
      "Phases: side b's (the offerer's) connection report. p95 by nearest rank.",
    scenarios: figures,
  });
  console.log(`Figures written to ${RESULTS}`);
});
