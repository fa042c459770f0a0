// The stand-in for Cloudflare's TURN API that the benchmarks' icelane servers call: the test
// suite's (@icelane/testing), loaded from its TypeScript source, and where the servers find it.
import { URL, fileURLToPath } from 'node:url';
import { runnerImport } from 'vite';

const CLOUDFLARE_FAKE = fileURLToPath(
  new URL('../../packages/testing/src/cloudflare-fake.ts', import.meta.url),
);

/** The started stand-in, and the `{ apiUrl, keyId, token }` a server's provider is given. */
export async function startProviderFake() {
  const { module } = await runnerImport(CLOUDFLARE_FAKE, { configFile: false, logLevel: 'silent' });
  const fake = await module.startCloudflareFake();
  return { fake, cloudflare: { apiUrl: fake.url, keyId: fake.keyId, token: fake.token } };
}
