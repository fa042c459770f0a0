/**
 * What a call's silence record says (silence-record.ts): per side, how many silences per
 * call-minute lasted past each bound, the longest, the app data's long waits, and each alarm
 * beside the silence it fell in, with the machine's load.
 */
import { loadavg } from 'node:os';
import type { HeldSide, WatchedCall } from '@icelane/testing/nat-lab';
import { READ_EVERY_MS, type SideRecord, type SilenceEntry } from './silence-record.js';

/** The bounds a silence distribution counts over. */
export const SILENCE_BOUNDS_MS = [250, 500, 750, 1_000, 1_500];

/** A side's silences of one kind within the hold. */
export function silencesWithin(
  record: SideRecord,
  kind: SilenceEntry['kind'],
  from: number,
  to: number,
): SilenceEntry[] {
  return record.entries.filter((e) => e.kind === kind && e.from >= from && e.to <= to);
}

/**
 * A side's silences as one line: how many per call-minute lasted at least each bound, the longest
 * and the ones from the longest bound on (`≥250 4.1/min … longest 1234 (page 60)`).
 */
export function describeSilences(entries: SilenceEntry[], minutes: number): string {
  const perMinute = SILENCE_BOUNDS_MS.map((bound) => {
    const count = entries.filter((e) => e.to - e.from >= bound).length;
    return `≥${bound} ${count} (${(count / minutes).toFixed(2)}/min)`;
  });
  const longest = [...entries].sort((x, y) => y.to - y.from - (x.to - x.from)).slice(0, 5);
  const shown = longest.map((e) => `${e.to - e.from} at ${e.from} (page ${e.worstReadGapMs})`);
  return `${perMinute.join(', ')}; longest: ${shown.join(', ') || 'none'}`;
}

/** The 1-minute load average, read every {@link LOAD_EVERY_MS} while a call is held. */
export const LOAD_EVERY_MS = 5_000;

/** Samples the machine's 1-minute load until the returned function is called. */
export function sampleLoad(): { samples: Array<[number, number]>; stop(): void } {
  const samples: Array<[number, number]> = [];
  const read = () => samples.push([Date.now(), Math.round(loadavg()[0]! * 100) / 100]);
  read();
  const timer = setInterval(read, LOAD_EVERY_MS);
  return { samples, stop: () => clearInterval(timer) };
}

/** The load sampled nearest to `at`. */
function loadAt(samples: Array<[number, number]>, at: number): number | undefined {
  let best: [number, number] | undefined;
  for (const sample of samples) {
    if (!best || Math.abs(sample[0] - at) < Math.abs(best[0] - at)) best = sample;
  }
  return best?.[1];
}

/**
 * Each alarm of a side (a `recovery` event, a `reconnecting` state) beside what the record saw
 * then: the silence of bytes and of messages it fell in (so far / in all), the page's stalls
 * around it and the load (`+312034 recovery path-lost: bytes 812/1203, messages 990/1400, …`).
 */
export function describeAlarms(
  side: HeldSide,
  entries: SilenceEntry[],
  load: Array<[number, number]>,
): string[] {
  const alarms = side.events.filter(
    (e) =>
      e.event === 'recovery' ||
      (e.event === 'peer:state' && (e.payload as { state: string }).state === 'reconnecting'),
  );
  return alarms.map((alarm) => {
    const p = alarm.payload as Record<string, unknown>;
    const what =
      alarm.event === 'recovery' ? `recovery ${String(p.cause)}/${String(p.step)}` : 'reconnecting';
    const around = (kind: SilenceEntry['kind']) => {
      const hit = entries.find(
        (e) => e.kind === kind && e.from <= alarm.at && e.to >= alarm.at - READ_EVERY_MS,
      );
      return hit ? `${alarm.at - hit.from}/${hit.to - hit.from}` : 'none';
    };
    const stalls = entries
      .filter((e) => e.kind === 'stall' && e.to >= alarm.at - 2_000 && e.from <= alarm.at)
      .map((e) => e.to - e.from);
    return (
      `+${alarm.at - side.startedAt} ${what}: bytes ${around('bytes')}, ` +
      `messages ${around('messages')}, page stalls [${stalls.join(', ')}], ` +
      `load ${loadAt(load, alarm.at)}`
    );
  });
}

/** The app's data waits, each with its start (ISO time) and length. */
function appWaits(waits: Array<{ from: number; to: number }>): string {
  const shown = waits.map((w) => `${w.to - w.from} ms from ${new Date(w.from).toISOString()}`);
  return shown.join(', ') || 'none';
}

/**
 * Per side, its far side's silences over the hold (transport bytes, then data channel messages,
 * then the page's own stalls) and each alarm beside the silence it fell in; `records` keeps the
 * raw entries.
 */
export function silencesOf(
  call: WatchedCall,
  records: Record<'a' | 'b', SideRecord>,
  load: Array<[number, number]>,
) {
  const minutes = (call.endedAt - call.startedAt) / 60_000;
  const ofSide = (name: 'a' | 'b') => {
    const within = (kind: 'bytes' | 'messages' | 'app' | 'stall') =>
      silencesWithin(records[name], kind, call.startedAt, call.endedAt);
    return [
      `bytes ${describeSilences(within('bytes'), minutes)}`,
      `messages ${describeSilences(within('messages'), minutes)}`,
      `page stalls ${describeSilences(within('stall'), minutes)}`,
      `app data waits of 1 s or more: ${appWaits(within('app'))}`,
      ...describeAlarms(call[name], records[name].entries, load),
    ];
  };
  const loads = load.filter(([at]) => at >= call.startedAt && at <= call.endedAt).map(([, l]) => l);
  return {
    a: ofSide('a'),
    b: ofSide('b'),
    load: loads.length > 0 ? `${Math.min(...loads)}-${Math.max(...loads)}` : 'unknown',
    records: {
      a: records.a.entries.filter((e) => e.from >= call.startedAt && e.to <= call.endedAt),
      b: records.b.entries.filter((e) => e.from >= call.startedAt && e.to <= call.endedAt),
    },
    startedAt: call.startedAt,
    endedAt: call.endedAt,
  };
}
