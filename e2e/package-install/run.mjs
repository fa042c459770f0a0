// Runs a command of the check with an environment scrubbed of the workspace: pnpm's npm_* and
// PNPM_* variables and the workspace's node_modules/.bin on PATH would otherwise let the fresh
// app pick up tools or settings from the workspace instead of from what it installed.
import { execFile } from 'node:child_process';
import { delimiter } from 'node:path';

export function cleanEnv(extra = {}) {
  const env = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(npm_|pnpm_|NODE_PATH$|INIT_CWD$)/i.test(key)) continue;
    env[key] = value;
  }
  env.PATH = (process.env.PATH ?? '')
    .split(delimiter)
    .filter((dir) => !dir.includes('node_modules'))
    .join(delimiter);
  return { ...env, ...extra };
}

/**
 * Resolves with the command's output; rejects with it (stdout and stderr) when it fails. The
 * timeout only stops a hung command: a typecheck takes seconds alone and minutes on a machine
 * shared with other suites.
 */
export function run(command, args, { cwd, env = cleanEnv(), timeoutMs = 300_000 } = {}) {
  return new Promise((resolve, reject) => {
    execFile(
      command,
      args,
      { cwd, env, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) {
          const how = error.killed ? `timed out after ${timeoutMs / 1000} s` : 'failed';
          const what = `${command} ${args.join(' ')} (in ${cwd}) ${how}`;
          reject(new Error(`${what}: ${error.message}\n${stdout}\n${stderr}`.trim()));
        } else {
          resolve({ stdout, stderr });
        }
      },
    );
  });
}
