/**
 * Heals a live call in place. An incident starts when the live watch sees trouble (or the far
 * side asks for a restart) and climbs a ladder, one rung per `restartTimeoutMs`, until the far
 * side is heard again:
 *
 * 1. `ice-restart`: an ICE restart with the connection's policy and the latest ICE servers;
 * 2. `ice-restart-relay`: an ICE restart relay-only (when the policy was `all` and TURN is there);
 * 3. `new-connection`: the last resort, a new connection (the link's attempts).
 *
 * The budget is per incident: a call heals from any number of incidents over its life. A path
 * that dies again soon after it was healed (within `flapWindowMs`) starts one rung higher than
 * the step that healed it last (what broke it is likely to break it again), never higher than
 * the last ICE restart.
 */
import type { IcePolicy } from '@icelane/protocol';
import type { TroubleCause } from './live-watch.js';

/** Why a call was healed: what the watch saw, or credentials about to expire. */
export type RecoveryCause = TroubleCause | 'credentials-expiring';

/** A rung of the ladder. */
export type RecoveryStep = 'ice-restart' | 'ice-restart-relay' | 'new-connection';

/** An ICE restart, as one side asks the other for it. */
export type RestartStep = Exclude<RecoveryStep, 'new-connection'>;

/** The rungs for a connection with `policy`, with or without TURN servers. */
export function recoveryLadder(policy: IcePolicy, turn: boolean): RecoveryStep[] {
  return policy === 'all' && turn
    ? ['ice-restart', 'ice-restart-relay', 'new-connection']
    : ['ice-restart', 'new-connection'];
}

export interface HealerDeps {
  /** How long one rung may take, as the path is measured now. */
  restartTimeoutMs(): number;
  flapWindowMs: number;
  /** The shortest time between two tries of the same rung (a repeated request, signaling back). */
  retryGapMs: number;
  /** The rungs for the connection as it is now. */
  ladder(): RecoveryStep[];
  /** When the far side was last heard: where the gap started. */
  lastHeardAt(): number;
  /** Runs an ICE restart (the offerer) or asks the far side for one (the answerer). */
  restart(step: RestartStep, cause: RecoveryCause): void;
  /** The last rung: give this connection up for a new one. */
  replace(cause: RecoveryCause): void;
  /** An incident started (`true`) or ended (`false`). */
  reconnecting(reconnecting: boolean): void;
  /** The far side is heard again: the incident is over. */
  recovered(outcome: { cause: RecoveryCause; step: RecoveryStep; gapMs: number }): void;
}

interface Incident {
  cause: RecoveryCause;
  since: number;
  rung: number;
  /** When the current rung was last tried. */
  triedAt: number;
  timer: ReturnType<typeof setTimeout> | undefined;
}

export class Healer {
  private incident: Incident | undefined;
  private stopped = false;
  private lastHealed: { at: number; rung: number } | undefined;
  /** The last restart sent, by an incident or for the far side. */
  private lastRestart: { at: number; step: RestartStep } | undefined;

  constructor(private readonly deps: HealerDeps) {}

  get healing(): boolean {
    return this.incident !== undefined;
  }

  /** The watch saw trouble: start an incident, unless one is on. */
  trouble(cause: RecoveryCause): void {
    if (this.stopped || this.incident) return;
    const last = this.lastHealed;
    const flapping = last !== undefined && Date.now() - last.at < this.deps.flapWindowMs;
    // Never straight to a new connection: the in-place steps come first, the top one at least.
    const topRestart = Math.max(0, this.deps.ladder().indexOf('new-connection') - 1);
    this.start(cause, flapping ? Math.min(last.rung + 1, topRestart) : 0);
  }

  /**
   * The far side asks for `step`: it cannot hear this side. In an incident, climb to that rung at
   * least, or try the same rung again (what this side sent may have been lost). Without one, this
   * side hears the far side, so nothing is wrong here: restart for the far side, and leave the
   * incident to the side that has it. `stale`: the far side named a generation this side has left
   * (its request crossed a newer offer), which answers it unless that offer is old.
   */
  remoteAsked(step: RestartStep, stale = false): void {
    if (this.stopped) return;
    const recent = (gapMs: number) =>
      this.lastRestart !== undefined && Date.now() - this.lastRestart.at < gapMs;
    if (stale && recent(this.deps.restartTimeoutMs())) return;
    const incident = this.incident;
    if (!incident) {
      if (this.lastRestart?.step === step && recent(this.deps.retryGapMs)) return;
      return this.restart(step, 'path-lost');
    }
    const rung = Math.max(0, this.deps.ladder().indexOf(step));
    if (rung > incident.rung) this.climb(rung);
    else this.retry();
  }

  /**
   * Tries the current rung again now: its signals may have been lost (at most once a gap), or
   * were (`lost`: signaling reached the far side only now).
   */
  retry(lost = false): void {
    const incident = this.incident;
    if (this.stopped || !incident) return;
    if (!lost && Date.now() - incident.triedAt < this.deps.retryGapMs) return;
    this.climb(incident.rung, true);
  }

  /**
   * A restart for fresh credentials, on a call that is fine: no incident, no gap, nothing the
   * app sees but the `recovery` event once the far side confirms the new path.
   */
  refreshPath(): void {
    if (this.stopped || this.incident) return;
    this.restart('ice-restart', 'credentials-expiring');
  }

  /** The far side is heard again. */
  heardAgain(): void {
    const incident = this.incident;
    if (!incident) return;
    clearTimeout(incident.timer);
    this.incident = undefined;
    this.lastHealed = { at: Date.now(), rung: incident.rung };
    const step = this.deps.ladder()[incident.rung] ?? 'ice-restart';
    this.deps.reconnecting(false);
    this.deps.recovered({ cause: incident.cause, step, gapMs: Date.now() - incident.since });
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.incident?.timer);
    this.incident = undefined;
  }

  private restart(step: RestartStep, cause: RecoveryCause): void {
    this.lastRestart = { at: Date.now(), step };
    this.deps.restart(step, cause);
  }

  private start(cause: RecoveryCause, rung: number): void {
    const since = this.deps.lastHeardAt();
    this.incident = { cause, since, rung: -1, triedAt: 0, timer: undefined };
    this.deps.reconnecting(true);
    this.climb(rung);
  }

  /** Moves the incident to `rung` and runs it; `again`: send it even if it just went out. */
  private climb(rung: number, again = false): void {
    const incident = this.incident!;
    clearTimeout(incident.timer);
    incident.rung = rung;
    const step = this.deps.ladder()[rung];
    if (step === undefined || step === 'new-connection') {
      this.incident = undefined;
      this.deps.replace(incident.cause);
      return;
    }
    incident.triedAt = Date.now();
    // A restart of this step just went out for the far side: this incident rides on it.
    const justSent =
      this.lastRestart?.step === step && Date.now() - this.lastRestart.at < this.deps.retryGapMs;
    if (again || !justSent) this.restart(step, incident.cause);
    incident.timer = setTimeout(() => {
      if (this.incident === incident) this.climb(rung + 1);
    }, this.deps.restartTimeoutMs());
  }
}
