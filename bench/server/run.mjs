// Server capacity: the real icelane server against bare socket.io, measured in the same run on
// this machine over loopback. Prints a table and writes bench/results/server.json. It measures;
// it never fails on a figure. Run it through `pnpm run bench:server` (which raises `ulimit -n`).
import { mkdir, writeFile } from 'node:fs/promises';
import { URL, fileURLToPath } from 'node:url';
import { format, resolveConfig } from 'prettier';
import { runBenchmark } from './children.mjs';
import { startProviderFake } from './provider-fake.mjs';
import { measureAt, measureColdJoins } from './measure.mjs';
import { buildReport, printReport } from './report.mjs';

const RESULTS = fileURLToPath(new URL('../results/server.json', import.meta.url));

export const serverBenchDefaults = {
  socketCounts: [1000, 5000],
  /** Join/leave cycles in flight at once in the closed loop. */
  concurrency: 50,
  warmupJoins: 1_000,
  throughputJoins: 10_000,
  /** Closed-loop rounds per server, taken in turns; the median round is reported. */
  throughputRounds: 5,
  /** A steady rate well under either server's capacity, for latency without queueing. */
  pacedRatePerSecond: 500,
  pacedJoins: 3_000,
  /** The paced joins in rounds taken in turns; their latencies are pooled. */
  pacedRounds: 3,
  coldJoins: 1_000,
  /** How long the stand-in for Cloudflare's API takes to answer during the cold joins. */
  coldProviderDelayMs: 150,
};

/** `--quick`: a smoke run of the benchmark itself, with figures too small to quote. */
const quickOverrides = {
  socketCounts: [200],
  warmupJoins: 200,
  throughputJoins: 1_000,
  pacedJoins: 500,
  coldJoins: 200,
};

async function main() {
  const quick = process.argv.includes('--quick');
  const o = { ...serverBenchDefaults, ...(quick ? quickOverrides : {}) };
  const { fake, cloudflare } = await startProviderFake();
  const providerCalls = () => fake.mintRequests().length;

  try {
    const started = new Date();
    const runs = [];
    for (const sockets of o.socketCounts) {
      process.stderr.write(`measuring bare and icelane with ${sockets} sockets each…\n`);
      runs.push(...(await measureAt(sockets, cloudflare, o)));
    }
    process.stderr.write(`measuring ${o.coldJoins} cold joins…\n`);
    // An API call takes a while; joins arriving meanwhile must share the call under way.
    fake.mode = { kind: 'slow', delayMs: o.coldProviderDelayMs };
    const cold = await measureColdJoins(o.coldJoins, cloudflare, providerCalls);
    const report = buildReport({ options: o, quick, started, runs, cold });
    printReport(report);
    if (quick) return;
    await mkdir(fileURLToPath(new URL('../results/', import.meta.url)), { recursive: true });
    // Formatted as the repository's formatter would, so `prettier --check` passes on it.
    const options = { ...(await resolveConfig(RESULTS)), parser: 'json' };
    await writeFile(RESULTS, await format(JSON.stringify(report), options));
    process.stdout.write(`\nwritten to bench/results/server.json\n`);
  } finally {
    await fake.close();
  }
}

runBenchmark(main);
