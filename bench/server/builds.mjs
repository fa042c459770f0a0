// Builds of the server at other commits, for measuring them beside this checkout's: each git ref
// in a temporary worktree with the protocol and the server built, removed when the work is done,
// however it ends.
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { URL, fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

const run = (command, args, cwd) =>
  execFileSync(command, args, { cwd, stdio: ['ignore', 'ignore', 'inherit'] });

async function buildRef(ref, parent) {
  const commit = execFileSync('git', ['rev-parse', '--short', `${ref}^{commit}`], { cwd: ROOT })
    .toString()
    .trim();
  const dir = join(parent, commit);
  run('git', ['worktree', 'add', '--detach', dir, commit], ROOT);
  const remove = () => run('git', ['worktree', 'remove', '--force', dir], ROOT);
  try {
    try {
      run('pnpm', ['install', '--offline', '--frozen-lockfile', '--silent'], dir);
    } catch {
      run('pnpm', ['install', '--frozen-lockfile', '--silent'], dir);
    }
    const filters = ['--filter', '@icelane/protocol', '--filter', '@icelane/server'];
    run('pnpm', [...filters, 'run', 'build'], dir);
  } catch (error) {
    remove();
    throw error;
  }
  return {
    label: ref === commit ? commit : `${ref} (${commit})`,
    dist: join(dir, 'packages/server/dist/index.js'),
    remove,
  };
}

/**
 * Hands `body` one `{ label, dist }` per ref, then this checkout's build (`dist` empty), and
 * removes the worktrees after.
 */
export async function withBuilds(refs, body) {
  const parent = await mkdtemp(join(tmpdir(), 'icelane-builds-'));
  const built = [];
  try {
    for (const ref of refs) {
      process.stderr.write(`building ${ref}…\n`);
      built.push(await buildRef(ref, parent));
    }
    const builds = built.map(({ label, dist }) => ({ label, dist }));
    return await body([...builds, { label: 'this checkout', dist: '' }]);
  } finally {
    for (const { remove } of built) remove();
    await rm(parent, { recursive: true, force: true });
  }
}
