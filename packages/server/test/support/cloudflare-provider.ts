/**
 * The Cloudflare provider pointed at the stand-in for Cloudflare's API (`@icelane/testing`): over
 * HTTP to a started fake, or through the in-process API's `fetch` for tests on fake timers.
 */
import type { CloudflareApi, CloudflareFake } from '@icelane/testing';
import {
  createCloudflareProvider,
  type CloudflareOptions,
} from '../../src/credentials/cloudflare.js';
import type { TurnProvider } from '../../src/credentials/provider.js';

/** The provider with the stand-in's key id and token; `options` add to them or replace them. */
export function cloudflareProviderOn(
  api: CloudflareFake | CloudflareApi,
  options: Partial<CloudflareOptions> = {},
): TurnProvider {
  const reach = 'url' in api ? { apiUrl: api.url } : { fetch: api.fetch };
  return createCloudflareProvider({ keyId: api.keyId, apiToken: api.token, ...reach, ...options });
}
