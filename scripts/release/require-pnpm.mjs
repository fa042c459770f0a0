// Run as each published package's `prepack`: refuses to pack (and so to publish) a package whose
// manifest names a `workspace:` dependency unless pnpm does the packing. pnpm replaces
// `workspace:*` with the version it points at in the tarball; npm copies it as it is, and every
// install of such a tarball fails with EUNSUPPORTEDPROTOCOL. See docs/releasing.md.
import { readFileSync } from 'node:fs';

const manifest = JSON.parse(readFileSync('package.json', 'utf8'));
const fields = ['dependencies', 'peerDependencies', 'optionalDependencies'];
const workspaceDeps = fields.flatMap((field) =>
  Object.entries(manifest[field] ?? {})
    .filter(([, range]) => String(range).startsWith('workspace:'))
    .map(([name, range]) => `${name}@${range}`),
);
const packedByPnpm = (process.env.npm_config_user_agent ?? '').startsWith('pnpm/');

if (workspaceDeps.length > 0 && !packedByPnpm) {
  console.error(
    `${manifest.name}: refusing to pack with ${workspaceDeps.join(', ')} in its manifest.\n` +
      'npm would ship the workspace: ranges as they are and the package could not be installed.\n' +
      'Publish with `pnpm run release` from the repository root (docs/releasing.md).',
  );
  process.exit(1);
}
