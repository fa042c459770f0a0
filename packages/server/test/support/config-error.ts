import { readConfig } from '../../src/config.js';
import { ConfigError } from '../../src/env-reader.js';

/** The error `readConfig` throws for `env`; fails the test when it does not throw one. */
export function configError(env: Record<string, string>): ConfigError {
  try {
    readConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}
