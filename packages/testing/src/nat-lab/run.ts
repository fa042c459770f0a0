/** Runs the `ip` and `iptables` commands that build the lab, failing with the command in the message. */
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** Runs a command and resolves with its stdout; rejects with the command line and its stderr. */
export async function run(command: string, args: string[]): Promise<string> {
  try {
    const { stdout } = await execFileAsync(command, args);
    return stdout;
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim() ?? '';
    throw new Error(`${command} ${args.join(' ')} failed: ${stderr || (error as Error).message}`);
  }
}

/** Runs a command inside a namespace. */
export function runIn(ns: string, command: string, args: string[]): Promise<string> {
  return run('ip', ['netns', 'exec', ns, command, ...args]);
}

/**
 * The synchronous form, for teardown on process exit where nothing asynchronous runs any more.
 * Returns stdout, or an empty string when the command fails (teardown is best effort there).
 */
export function runSyncQuiet(command: string, args: string[]): string {
  try {
    return execFileSync(command, args, { stdio: ['ignore', 'pipe', 'ignore'] }).toString();
  } catch {
    return '';
  }
}
