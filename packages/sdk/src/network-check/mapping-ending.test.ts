import { describe, expect, it } from 'vitest';
import { classifyMapping, type ProbeCandidate, type ProbeGathering } from './classify.js';
import { mappingGatheringEndsAtMs, SECOND_MAPPING_MIN_GRACE_MS } from './mapping-ending.js';

const host = (name: string, atMs: number): ProbeCandidate => ({
  type: 'host',
  protocol: 'udp',
  address: `${name}.local`,
  port: 50000,
  atMs,
});
const srflx = (port: number, atMs: number): ProbeCandidate => ({
  type: 'srflx',
  protocol: 'udp',
  address: '203.0.113.11',
  port,
  relatedAddress: '0.0.0.0',
  relatedPort: 0,
  atMs,
});
const sofar = (candidates: ProbeCandidate[]): ProbeGathering => ({
  candidates,
  errors: [],
  complete: false,
});

describe('when the mapping gathering may end', () => {
  it('goes on until a first reflexive candidate came', () => {
    expect(mappingGatheringEndsAtMs(sofar([]), 2)).toBeNull();
    expect(mappingGatheringEndsAtMs(sofar([host('a', 8)]), 2)).toBeNull();
  });

  it('ends at once when a second mapping shows a symmetric NAT', () => {
    const gathering = sofar([host('a', 8), srflx(40001, 11), srflx(40002, 12)]);
    expect(mappingGatheringEndsAtMs(gathering, 2)).toBe(12);
  });

  it('waits the floor after a quick first answer, as long again after a slow one', () => {
    expect(mappingGatheringEndsAtMs(sofar([host('a', 8), srflx(50000, 11)]), 2)).toBe(
      11 + SECOND_MAPPING_MIN_GRACE_MS,
    );
    // A second endpoint up to twice as far as the first still answers in time.
    expect(mappingGatheringEndsAtMs(sofar([host('a', 8), srflx(50000, 180)]), 2)).toBe(360);
  });

  it('counts the grace from the answer on the last socket to hear one', () => {
    const twoSockets = [host('a', 8), host('b', 8), srflx(50000, 11)];
    expect(mappingGatheringEndsAtMs(sofar(twoSockets), 2)).toBeNull();
    const both = [...twoSockets, srflx(50001, 30)];
    expect(mappingGatheringEndsAtMs(sofar(both), 2)).toBe(30 + SECOND_MAPPING_MIN_GRACE_MS);
  });

  it('never ends early with one STUN endpoint: one answer cannot tell the mapping', () => {
    expect(mappingGatheringEndsAtMs(sofar([host('a', 8), srflx(50000, 11)]), 1)).toBeNull();
  });

  it('is read as every server having answered once it settled, unless one reported an error', () => {
    const candidates = [host('a', 8), srflx(50000, 11)];
    const settled = { ...sofar(candidates), settled: true };
    expect(classifyMapping(settled, 2).mapping).toBe('endpoint-independent');
    const errors = [{ url: 'stun:203.0.113.1:3479', errorCode: 701 }];
    expect(classifyMapping({ ...settled, errors }, 2).mapping).toBe('unknown');
    expect(classifyMapping(sofar(candidates), 2).mapping).toBe('unknown');
  });
});
