import { describe, expect, it } from 'vitest';
import { labGate } from './lab-gate.js';

describe('the NAT lab gate', () => {
  it('runs where nothing is missing, with or without CI', () => {
    expect(labGate(null, {})).toEqual({ run: true });
    expect(labGate(null, { CI: 'true' })).toEqual({ run: true });
  });

  it('skips with the reason on a developer machine that cannot build the lab', () => {
    expect(labGate('not running as root', {})).toEqual({
      run: false,
      skip: 'NAT lab needs root and iptables: not running as root',
    });
  });

  it('fails under CI=true, saying what is missing and that CI must run the lab', () => {
    const gate = labGate('cannot create a network namespace with iptables in it', { CI: 'true' });
    expect(gate).toMatchObject({ run: false });
    expect('fail' in gate && gate.fail).toMatch(
      /^NAT lab needs root and iptables: cannot create a network namespace .*CI=true: the NAT lab must run in CI, not be skipped/,
    );
  });
});
