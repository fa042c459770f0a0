/**
 * The room's view of the memory: the paths of the network it is on, once the network check at
 * join has said which network that is.
 */
import type { FirstPath } from './first-path.js';
import { networkKey } from './network-key.js';
import { PathStore, browserStorage } from './path-store.js';

export interface NetworkPaths {
  /**
   * Resolves once the network is known (or given up on); `null` when attempt 1 need not wait:
   * the network is known already, or nothing is remembered for any network.
   */
  whenKnown(): Promise<void> | null;
  /** The path remembered for this network; `undefined` while the network is not known. */
  recall(): FirstPath | undefined;
  remember(path: FirstPath): void;
  forget(): void;
}

/** `publicAddress`: the room's network check's; it resolves `null` when the check found none. */
export function networkPaths(
  publicAddress: Promise<string | null>,
  store: PathStore,
): NetworkPaths {
  let network: string | null | undefined;
  const known = publicAddress.then(
    (address) => {
      network = address ? networkKey(address) : null;
    },
    () => {
      network = null;
    },
  );
  const once = (use: (network: string) => void) =>
    void known.then(() => {
      if (network) use(network);
    });
  return {
    whenKnown: () => (network !== undefined || !store.hasEntries() ? null : known),
    recall: () => (network ? store.recall(network) : undefined),
    remember: (path) => once((key) => store.remember(key, path)),
    forget: () => once((key) => store.forget(key)),
  };
}

/**
 * The paths a room remembers in the browser's storage for the network at `publicAddress` (the
 * network check's), kept `forMs`; `null` when the room remembers none.
 */
export function rememberedPaths(
  publicAddress: Promise<string | null> | null,
  forMs: number,
): NetworkPaths | null {
  return publicAddress ? networkPaths(publicAddress, new PathStore(browserStorage(), forMs)) : null;
}
