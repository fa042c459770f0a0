/**
 * The key a network is remembered by: a hash of the public IP address its STUN server saw.
 *
 * Why the public address: it is the one thing a page can learn about its network that stays the
 * same from call to call on that network (an office or home router keeps its address for days) and
 * differs between networks. The public port changes with every mapping; local addresses hide
 * behind mDNS names; the Wi-Fi name is not available to a page. A carrier that moves a phone to
 * another public address only costs the memory a miss.
 *
 * Why a hash: the address itself is not stored, so it cannot be read from the storage at a
 * glance. An IPv4 address can still be found from its hash by trying them all: the hash keeps it
 * out of sight, it does not make it secret.
 */

/** 64 bits, as two FNV-1a hashes of the text with different offset bases, in hex. */
export function networkKey(publicAddress: string): string {
  const text = `icelane:${publicAddress.toLowerCase()}`;
  return fnv1a(text, 0x811c9dc5) + fnv1a(text, 0x01000193 ^ 0x5bd1e995);
}

function fnv1a(text: string, basis: number): string {
  let hash = basis >>> 0;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, '0');
}
