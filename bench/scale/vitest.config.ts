import { defineConfig } from 'vitest/config';

// `pnpm run bench:scale`: the Redis growth benchmark, kept out of `npm test` (minutes of real
// processes). It measures and prints; it never fails on a figure.
export default defineConfig({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'] } },
  test: {
    include: ['bench/scale/*.bench.ts'],
    reporters: ['verbose'],
    testTimeout: 1_800_000,
    hookTimeout: 120_000,
  },
});
