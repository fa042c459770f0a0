/**
 * Playwright fixtures for the NAT lab. `lab(options)` builds a lab for the current test; every lab
 * is closed when the test ends, failures included. Once per worker, labs left behind by runs that
 * died are swept first.
 */
import { test as base } from '@playwright/test';
import { canRunLab, thisMachineLabGate } from './can-run.js';
import { createLab, type Lab, type LabOptions } from './lab.js';
import { sweepLeftovers } from './teardown.js';

export interface LabFixtures {
  /** Builds a lab; several in one test are allowed and all are closed at the end. */
  lab: (options?: Partial<LabOptions>) => Promise<Lab>;
}

export const test = base.extend<LabFixtures, { sweptLeftovers: string[] }>({
  sweptLeftovers: [
    // eslint-disable-next-line no-empty-pattern
    async ({}, use) => {
      await use(canRunLab ? await sweepLeftovers() : []);
    },
    { scope: 'worker', auto: true },
  ],
  // eslint-disable-next-line no-empty-pattern
  lab: async ({}, use, testInfo) => {
    const labs: Lab[] = [];
    const onLog = (line: string) => {
      if (process.env.NAT_LAB_DEBUG) console.log(`[${testInfo.title}] ${line}`);
    };
    await use(async (options) => {
      const lab = await createLab({ onLog, ...options });
      labs.push(lab);
      return lab;
    });
    const errors: unknown[] = [];
    for (const lab of labs.reverse())
      await lab.close().catch((error: unknown) => errors.push(error));
    if (errors.length > 0) throw errors[0];
  },
});

/**
 * Skips the calling file's tests, with the reason, where the lab cannot run; under `CI=true`
 * fails each of them with the reason instead (can-run.ts, labGate).
 */
export function skipUnlessLabCanRun(): void {
  const gate = thisMachineLabGate;
  if (gate.run) return;
  if ('skip' in gate) return test.skip(true, gate.skip);
  test.beforeEach(() => {
    throw new Error(gate.fail);
  });
}

export { expect } from '@playwright/test';
