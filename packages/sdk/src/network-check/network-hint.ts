/**
 * TURN on demand, told by the network checks of both sides. Each side sends the other its
 * mapping behaviour in a signal of its own (`icelane:network`) before its offer or answer; attempt 1
 * is planned once both are known (or the far side's is given up on), or at once by a side behind
 * a symmetric NAT, which needs TURN whatever the far side says:
 *
 * - either side endpoint-dependent (symmetric NAT): attempt 1 includes TURN, as `auto` without
 *   TURN on demand, so the relay is there from the start and no attempt dies waiting;
 * - both endpoint-independent, or unknown: attempt 1 is STUN only, as TURN on demand always was.
 */
import type { SignalData } from '@icelane/protocol';
import type { MappingBehaviour } from './classify.js';

export const NETWORK_SIGNAL = 'icelane:network';

/** How long attempt 1 waits for both mappings (the far side's: an older SDK sends none). */
export const NETWORK_WAIT_MS = 1_000;

const BEHAVIOURS: readonly MappingBehaviour[] = [
  'endpoint-independent',
  'endpoint-dependent',
  'unknown',
];

/** The far side's mapping from its signal; anything else counts as `unknown`. */
export function parseNetworkSignal(data: SignalData): MappingBehaviour {
  const mapping = data.mapping as MappingBehaviour;
  return BEHAVIOURS.includes(mapping) ? mapping : 'unknown';
}

/** Whether attempt 1 needs TURN under TURN on demand. */
export function firstAttemptNeedsTurn(local: MappingBehaviour, remote: MappingBehaviour): boolean {
  return local === 'endpoint-dependent' || remote === 'endpoint-dependent';
}

/**
 * One link's side of the exchange. `own` is this side's mapping (the room's check), or `null`
 * when TURN on demand is off: then nothing is sent and nothing waited for.
 */
export class NetworkHint {
  private local: MappingBehaviour | undefined;
  private remote: MappingBehaviour | undefined;
  /** The far side sent its mapping (an SDK that speaks the exchange). */
  private remoteSent = false;
  private sent = false;
  private waiting: (() => void) | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;

  /**
   * The offerer (`initiator`) speaks first; the answerer replies once it has heard it, so its
   * signal never reaches a newcomer that has not made its links yet.
   */
  /**
   * `waitMs`: how long attempt 1 waits for both mappings, read when the wait comes due (the
   * link's measured path, path-timing.ts); {@link NETWORK_WAIT_MS} without it.
   */
  constructor(
    private readonly own: Promise<MappingBehaviour> | null,
    private readonly initiator: boolean,
    private readonly send: (data: SignalData) => void,
    private readonly waitMs: () => number = () => NETWORK_WAIT_MS,
  ) {
    void own?.then((mapping) => {
      this.local ??= mapping;
      this.maybeSend();
      this.settle();
    });
  }

  /** Calls `ready` once attempt 1 can be planned: at once when the exchange is off. */
  whenReady(ready: () => void): void {
    if (!this.own) return ready();
    this.waiting = ready;
    const startedAt = Date.now();
    const giveUp = () => {
      // The path was measured slower since the wait began: it waits longer.
      const left = this.waitMs() - (Date.now() - startedAt);
      if (left > 0) return void (this.timer = setTimeout(giveUp, left));
      // Planned without what is missing: as TURN on demand without the check.
      this.local ??= 'unknown';
      this.silent();
    };
    this.timer = setTimeout(giveUp, this.waitMs());
    this.settle();
  }

  /** The far side's mapping, from its network signal. */
  heard(mapping: MappingBehaviour): void {
    this.remoteSent = true;
    this.remote ??= mapping;
    this.maybeSend();
    this.settle();
  }

  /** The far side sent another signal first: it sends no network signal. */
  silent(): void {
    this.remote ??= 'unknown';
    this.settle();
  }

  /** Whether attempt 1 takes TURN after all (TURN on demand told it is needed). */
  get needsTurn(): boolean {
    return firstAttemptNeedsTurn(this.local ?? 'unknown', this.remote ?? 'unknown');
  }

  close(): void {
    clearTimeout(this.timer);
    this.waiting = undefined;
  }

  private maybeSend(): void {
    if (this.sent || !this.own || this.local === undefined) return;
    if (!this.initiator && !this.remoteSent) return;
    this.sent = true;
    this.send({ type: NETWORK_SIGNAL, mapping: this.local });
  }

  private settle(): void {
    if (!this.waiting || this.local === undefined) return;
    // Only an endpoint-dependent side knows the plan without the far side's mapping; it spares
    // the offerer a signaling round trip before its offer (its own signal still goes first).
    if (this.remote === undefined && this.local !== 'endpoint-dependent') return;
    const ready = this.waiting;
    this.close();
    ready();
  }
}
