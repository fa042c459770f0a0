import { defineConfig } from '@playwright/test';
import { benchConfig } from '../lib/bench-config.js';

// The recovery benchmark: live calls through the NAT lab meeting an incident, with the SDK's
// recovery on and off, apart from the test suites. A scenario is ten runs of two ~30 s calls.
// `BENCH_RECOVERY_WORKERS=2` runs two scenarios at once (recovery.bench.ts reads it too).
export default defineConfig(benchConfig(30 * 60_000), {
  workers: Number(process.env.BENCH_RECOVERY_WORKERS ?? 1),
});
