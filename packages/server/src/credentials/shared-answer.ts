/**
 * The ICE list of a shared credential, assembled once and reused for every join it serves: a
 * shared credential is handed out unchanged until it is replaced, so assembling (parsing and
 * ordering its URLs) anew on each join would only repeat the same work.
 */
import type { TurnCredential } from './provider.js';

/**
 * Remembers the last credential and what `assemble` made of it. A credential is the same when it
 * is the same object (the memory store) or holds the same values (a store such as Redis hands
 * out an equal copy on every read); anything else is assembled afresh and replaces it.
 */
export function lastCredentialMemo<T>(
  assemble: (credential: TurnCredential) => T,
): (credential: TurnCredential) => T {
  let last: { credential: TurnCredential; key: string; value: T } | null = null;
  return (credential) => {
    if (last?.credential === credential) return last.value;
    const key = JSON.stringify(credential);
    if (last?.key === key) {
      last.credential = credential;
      return last.value;
    }
    last = { credential, key, value: assemble(credential) };
    return last.value;
  };
}
