/** A failed join, in words fit to show on the page as they are. */
import { IcelaneError } from '@icelane/sdk';

export function describeJoinError(error: unknown, server: string): string {
  if (error instanceof IcelaneError) {
    if (error.code === 'signaling-failed') {
      return `Could not reach the icelane server at ${server}: is it running? (${error.message})`;
    }
    if (error.code === 'join-failed') {
      const code = typeof error.details?.code === 'string' ? ` (${error.details.code})` : '';
      return `The server refused to join the room${code}: ${error.message}`;
    }
    return `Could not join (${error.code}): ${error.message}`;
  }
  return `Could not join: ${error instanceof Error ? error.message : String(error)}`;
}
