// Child processes of the benchmark, driven over Node's IPC channel: each request carries an id
// and the child answers with the same id. Every child started here is killed by its PID when the
// benchmark ends, however it ends.
import { fork } from 'node:child_process';
import { clearTimeout, setTimeout } from 'node:timers';
import { setTimeout as sleep } from 'node:timers/promises';

const running = new Set();

/** Runs a benchmark's `main`; if it fails, says why, kills its children and exits non-zero. */
export function runBenchmark(main) {
  main().catch((error) => {
    console.error(error);
    killAllChildren();
    process.exitCode = 1;
  });
}

/** Kills every child still running (by PID); safe to call more than once. */
export function killAllChildren() {
  for (const child of running) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  running.clear();
}

process.once('exit', killAllChildren);
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    killAllChildren();
    process.exit(130);
  });
}

/**
 * Starts `script` with `node --expose-gc` and resolves once it sends `{ type: 'ready', ... }`.
 * Its stdout is kept (last lines) and shown only if it fails.
 */
export async function startChild(script, args = [], { readyTimeoutMs = 30_000 } = {}) {
  const child = fork(script, args, {
    // BENCH_EXEC_ARGV adds Node flags to every child, e.g. `--cpu-prof --cpu-prof-dir=/tmp/p`.
    execArgv: ['--expose-gc', ...(process.env.BENCH_EXEC_ARGV ?? '').split(' ').filter(Boolean)],
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  running.add(child);
  const output = [];
  child.stdout.on('data', (chunk) => {
    output.push(chunk.toString());
    if (output.length > 50) output.shift();
  });

  let nextId = 1;
  const pending = new Map();
  child.on('message', (message) => {
    const waiter = pending.get(message.id);
    if (!waiter) return;
    pending.delete(message.id);
    if (message.error) waiter.reject(new Error(`${script}: ${message.error}`));
    else waiter.resolve(message.result);
  });
  const exited = new Promise((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  void exited.then(({ code, signal }) => {
    running.delete(child);
    for (const waiter of pending.values()) {
      waiter.reject(new Error(`${script} exited (${code ?? signal}):\n${output.join('')}`));
    }
    pending.clear();
  });

  const ready = await new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${script} was not ready in time`)),
      readyTimeoutMs,
    );
    child.on('message', (message) => {
      if (message.type !== 'ready') return;
      clearTimeout(timer);
      resolve(message);
    });
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited (${code ?? signal}) before ready:\n${output.join('')}`));
    });
  });

  return {
    pid: child.pid,
    ready,
    /** Sends `{ id, cmd, ...payload }` and resolves with the child's answer. */
    request(cmd, payload = {}) {
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        child.send({ id, cmd, ...payload });
      });
    },
    /** Asks the child to exit; kills it by PID if it has not after a few seconds. */
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.send({ id: 0, cmd: 'exit' });
      const outcome = await Promise.race([exited, sleep(5_000, 'timeout')]);
      if (outcome === 'timeout') child.kill('SIGKILL');
      await exited;
    },
  };
}

/** The child's side: answers each request with `handlers[cmd](message)`; `exit` ends it. */
export function serveRequests(handlers, onExit = async () => {}) {
  // The benchmark died without stopping this child (e.g. SIGKILL): do not linger.
  process.once('disconnect', () => process.exit(0));
  process.on('message', async (message) => {
    if (message.cmd === 'exit') {
      await onExit();
      process.exit(0);
    }
    const handler = handlers[message.cmd];
    try {
      if (!handler) throw new Error(`unknown command ${message.cmd}`);
      process.send({ id: message.id, result: await handler(message) });
    } catch (error) {
      process.send({ id: message.id, error: error instanceof Error ? error.stack : String(error) });
    }
  });
}
