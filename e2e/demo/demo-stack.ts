/**
 * The demo exactly as `npm run demo` starts it (scripts/demo/run.sh: coturn with a fresh secret,
 * the server serving the built page), on free ports, stopped by its PID with SIGTERM as Ctrl-C
 * would — which also proves the script stops what it started.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { test as base } from '@playwright/test';
import { freePort } from '@icelane/testing';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface DemoStack {
  /** The page, e.g. `http://127.0.0.1:40123/`. */
  url: string;
  turnPort: number;
  /** Everything the script printed so far. */
  output: string[];
  metrics(): Promise<string>;
  stop(): Promise<void>;
}

export async function startDemoStack(startTimeoutMs = 20_000): Promise<DemoStack> {
  const port = await freePort();
  const turnPort = await freePort();
  const child = spawn('bash', ['scripts/demo/run.sh'], {
    cwd: ROOT,
    env: {
      ...process.env,
      ICELANE_DEMO_HOST: '127.0.0.1',
      ICELANE_DEMO_PORT: String(port),
      ICELANE_DEMO_TURN_PORT: String(turnPort),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  try {
    const url = await waitForUrl(child, output, startTimeoutMs);
    return {
      url,
      turnPort,
      output,
      metrics: async () => (await fetch(new URL('/metrics', url))).text(),
      stop: () => stopScript(child),
    };
  } catch (error) {
    await stopScript(child);
    throw error;
  }
}

function waitForUrl(child: ChildProcess, output: string[], timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`the demo did not print its URL in time:\n${output.join('\n')}`)),
      timeoutMs,
    );
    const onData = (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n')) {
        if (!line.trim()) continue;
        output.push(line);
        const open = /^\s*Open\s+(http:\S+)/.exec(line);
        if (open) {
          clearTimeout(timer);
          resolve(open[1]!);
        }
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the demo exited with ${code}:\n${output.join('\n')}`));
    });
  });
}

/** Playwright's `test` with `demo`: one demo stack per worker, stopped when the worker ends. */
export const test = base.extend<object, { demo: DemoStack }>({
  demo: [
    // eslint-disable-next-line no-empty-pattern -- Playwright reads fixture needs from this pattern
    async ({}, use) => {
      const stack = await startDemoStack();
      try {
        await use(stack);
      } finally {
        await stack.stop();
      }
    },
    { scope: 'worker' },
  ],
});

/**
 * SIGTERM, as Ctrl-C would; the script then stops coturn and the server and waits for them, so it
 * gets a while before it is killed (which would orphan them).
 */
export async function stopScript(child: ChildProcess, graceMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}
