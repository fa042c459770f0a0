/**
 * The paths remembered per network, in the browser's `localStorage` under one key, each with an
 * expiry. Every access is guarded: without `localStorage` (on a server, in a worker) or where it
 * throws (private modes, sandboxed frames, a full quota) the memory is simply empty.
 */
import type { FirstPath } from './first-path.js';

/** The part of `Storage` the memory uses. */
export interface PathStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

export const PATH_STORAGE_KEY = 'icelane:paths';

/** Networks kept at most; the ones that expire first go first. */
export const MAX_NETWORKS = 16;

interface Entry {
  path: FirstPath;
  /** Expiry, ms since the epoch. */
  until: number;
}

type Entries = Record<string, Entry>;

export class PathStore {
  constructor(
    private readonly storage: PathStorage | null,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Whether any network has an unexpired path: when none has, nothing is worth waiting for. */
  hasEntries(): boolean {
    return Object.keys(this.read()).length > 0;
  }

  recall(network: string): FirstPath | undefined {
    return this.read()[network]?.path;
  }

  remember(network: string, path: FirstPath): void {
    const entries = { ...this.read(), [network]: { path, until: this.now() + this.ttlMs } };
    const kept = Object.entries(entries)
      .sort(([, a], [, b]) => b.until - a.until)
      .slice(0, MAX_NETWORKS);
    this.write(Object.fromEntries(kept));
  }

  forget(network: string): void {
    const entries = this.read();
    if (!(network in entries)) return;
    delete entries[network];
    this.write(entries);
  }

  /** The unexpired entries; anything unreadable counts as nothing remembered. */
  private read(): Entries {
    let parsed: unknown;
    try {
      parsed = JSON.parse(this.storage?.getItem(PATH_STORAGE_KEY) ?? '{}');
    } catch {
      return {};
    }
    if (typeof parsed !== 'object' || parsed === null) return {};
    const now = this.now();
    const entries: Entries = {};
    for (const [network, entry] of Object.entries(parsed as Record<string, unknown>)) {
      if (isEntry(entry) && entry.until > now) entries[network] = entry;
    }
    return entries;
  }

  private write(entries: Entries): void {
    try {
      this.storage?.setItem(PATH_STORAGE_KEY, JSON.stringify(entries));
    } catch {
      // A full quota or a storage that refuses writes: the next call learns again.
    }
  }
}

function isEntry(value: unknown): value is Entry {
  const entry = value as Entry;
  return (
    typeof value === 'object' &&
    value !== null &&
    (entry.path === 'turn' || entry.path === 'relay') &&
    typeof entry.until === 'number'
  );
}

/** The page's `localStorage`, or `null` where there is none or touching it throws. */
export function browserStorage(): PathStorage | null {
  try {
    const storage = (globalThis as { localStorage?: PathStorage }).localStorage;
    return storage ?? null;
  } catch {
    return null;
  }
}
