import { defineConfig } from 'vitest/config';

// The soak behind `bench:attack`: kept out of `npm test` (its files end in .soak.ts).
export default defineConfig({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'] } },
  test: {
    include: ['packages/server/test/adversarial/soak/*.soak.ts'],
    reporters: ['verbose'],
  },
});
