/**
 * The built `icelane-server` CLI run to its exit, for the tests of what it prints and its exit
 * code (a bad configuration, `--help`).
 */
import { execFile } from 'node:child_process';
import { SERVER_MAIN } from '@icelane/testing';

export interface CliExit {
  /** The exit code; `null` when a signal ended the process. */
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the CLI with `args` and only `env` (and PATH) in its environment, without blocking the
 * test's process. No deadline of its own: how long a start takes is the machine's load, and a CLI
 * that never exits (it went on to listen) is ended with the test when the test times out, by
 * `signal` (the test context's).
 */
export function runCli(
  args: string[],
  env: Record<string, string>,
  signal: AbortSignal,
): Promise<CliExit> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [SERVER_MAIN, ...args],
      { env: { PATH: process.env.PATH ?? '', ...env }, encoding: 'utf8', signal },
      (error, stdout, stderr) => {
        if (error?.name === 'AbortError') return reject(error);
        const code = (error as { code?: unknown } | null)?.code;
        resolve({ status: error ? (typeof code === 'number' ? code : null) : 0, stdout, stderr });
      },
    );
  });
}
