/**
 * What an emulated link does to the packets crossing it, per direction: `up` is from the client
 * towards the network, `down` back. The pump (pump.py) applies, in this order: loss (random,
 * then Gilbert–Elliott bursts), the rate limit with its tail-drop queue, then the one-way delay
 * with jitter. Packets leave in the order they came: jitter never reorders them (see pump.py).
 */

/**
 * Burst loss, the Gilbert–Elliott model: a good and a bad state, switched per packet. The bad
 * state lasts 1 / `leaveBad` packets on average and takes `enterBad / (enterBad + leaveBad)` of
 * the time; a packet sent in it is lost with probability `lossInBad`.
 */
export interface BurstLoss {
  /** Chance per packet, in the good state, of moving to the bad one. */
  enterBad: number;
  /** Chance per packet, in the bad state, of moving back to the good one. */
  leaveBad: number;
  /** Chance that a packet is lost in the bad state. */
  lossInBad: number;
}

/** One direction of a link. */
export interface LinkDirection {
  /** One-way delay added to every packet. */
  delayMs: number;
  /**
   * Standard deviation of the one-way delay around `delayMs`. The delay drifts as a continuous
   * random walk (straight lines between random targets at least 20 ms apart, 4 × `jitterMs` for
   * larger jitter), so that packets keep their order as on a real link.
   */
  jitterMs: number;
  /** Chance that a packet is lost, independently of the others (0–1). */
  loss: number;
  /** Burst loss on top of `loss`, or `null`. */
  burst: BurstLoss | null;
  /** Bandwidth of the link in kbit/s of IP packets; 0 is unlimited. */
  rateKbps: number;
  /**
   * How long the queue in front of the rate limit may grow (at `rateKbps`) before packets are
   * dropped at its tail: a deep queue is bufferbloat, each packet waits behind it.
   */
  queueMs: number;
}

/** The path to the TURN server, on top of the link: its packets travel farther. */
export interface TurnPathDirection {
  delayMs: number;
  jitterMs: number;
  loss: number;
}

/** A whole link: either direction, and the extra way to the TURN server. */
export interface LinkConfig {
  up: Partial<LinkDirection>;
  down: Partial<LinkDirection>;
  turnPath: { up: Partial<TurnPathDirection>; down: Partial<TurnPathDirection> };
}

/** A perfect direction: what the lab had before the emulator (no delay, loss or limit). */
export const linkDirectionDefaults: LinkDirection = {
  delayMs: 0,
  jitterMs: 0,
  loss: 0,
  burst: null,
  rateKbps: 0,
  queueMs: 100,
};

export const turnPathDefaults: TurnPathDirection = { delayMs: 0, jitterMs: 0, loss: 0 };

/** A link that changes nothing. */
export const perfectLink: LinkConfig = { up: {}, down: {}, turnPath: { up: {}, down: {} } };

/** Which packets take the TURN path: far end `host` on one of `ports`, none of `exceptPorts`. */
export interface TurnMatch {
  host: string;
  ports: [number, number][];
  exceptPorts: number[];
}

/** The configuration with every default filled in, checked; throws a clear error when wrong. */
export function resolveLink(config: LinkConfig): {
  up: LinkDirection;
  down: LinkDirection;
  turnPath: { up: TurnPathDirection; down: TurnPathDirection };
} {
  const resolved = {
    up: { ...linkDirectionDefaults, ...config.up },
    down: { ...linkDirectionDefaults, ...config.down },
    turnPath: {
      up: { ...turnPathDefaults, ...config.turnPath.up },
      down: { ...turnPathDefaults, ...config.turnPath.down },
    },
  };
  for (const way of ['up', 'down'] as const) {
    const direction = resolved[way];
    const turnPath = resolved.turnPath[way];
    for (const [name, value] of Object.entries({
      delayMs: direction.delayMs,
      jitterMs: direction.jitterMs,
      rateKbps: direction.rateKbps,
      queueMs: direction.queueMs,
      'turnPath.delayMs': turnPath.delayMs,
      'turnPath.jitterMs': turnPath.jitterMs,
    }))
      if (!Number.isFinite(value) || value < 0)
        throw new Error(`link ${way}.${name} must be a number >= 0, got ${String(value)}`);
    const chances = {
      loss: direction.loss,
      'turnPath.loss': turnPath.loss,
      ...(direction.burst
        ? {
            'burst.enterBad': direction.burst.enterBad,
            'burst.leaveBad': direction.burst.leaveBad,
            'burst.lossInBad': direction.burst.lossInBad,
          }
        : {}),
    };
    for (const [name, value] of Object.entries(chances))
      if (!Number.isFinite(value) || value < 0 || value > 1)
        throw new Error(`link ${way}.${name} must be a chance from 0 to 1, got ${String(value)}`);
    if (direction.burst && direction.burst.leaveBad === 0)
      throw new Error(`link ${way}.burst.leaveBad must be above 0, or the burst never ends`);
  }
  return resolved;
}
