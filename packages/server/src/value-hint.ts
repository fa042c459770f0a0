/**
 * How a configuration error names a bad value: enough for a person to find it, never the whole
 * of it. A token pasted into the wrong variable must not reach every log collector through the
 * start-up error.
 */

/** Values this short are shown whole: ports, levels, provider names. No secret is this short. */
export const SHOWN_WHOLE_MAX_CHARS = 8;

/** Of a longer value, only this many first characters are shown, with its length. */
export const SHOWN_PREFIX_CHARS = 4;

/** A host longer than this is cut: no host name needs more to be found. */
const MAX_HOST_CHARS = 64;

/** The URL schemes whose host is shown; any other `word:` prefix may be part of a token. */
const URL_SCHEMES = /^(https?|wss?|stuns?|turns?|rediss?):(\/\/)?/i;

/**
 * The bad `value` for an error message: a URL of a known scheme as its scheme and host (no
 * credentials, path or query), a short value quoted whole, a longer one as its first characters
 * and its length.
 *
 * @example
 * describeValue('80a') // '"80a"'
 * describeValue('https://user:pw@api.example/x?key=k') // '"https://api.example…" (credentials not shown)'
 * describeValue('sk_live_4f9a…') // '"sk_l…" (38 characters)'
 */
export function describeValue(value: string): string {
  const scheme = URL_SCHEMES.exec(value);
  if (scheme) return describeUrl(value, scheme[0]);
  if (value.length <= SHOWN_WHOLE_MAX_CHARS) return JSON.stringify(value);
  return `${JSON.stringify(`${value.slice(0, SHOWN_PREFIX_CHARS)}…`)} (${value.length} characters)`;
}

function describeUrl(value: string, prefix: string): string {
  const rest = value.slice(prefix.length);
  const authorityEnd = rest.search(/[/?#]/);
  const authority = authorityEnd < 0 ? rest : rest.slice(0, authorityEnd);
  const at = authority.lastIndexOf('@');
  const host = authority.slice(at + 1, at + 1 + MAX_HOST_CHARS);
  const cut = authorityEnd >= 0 || host.length < authority.length - at - 1;
  const shown = JSON.stringify(`${prefix.toLowerCase()}${host}${cut ? '…' : ''}`);
  return at >= 0 ? `${shown} (credentials not shown)` : shown;
}
