import { describe, expect, it } from 'vitest';
import { qualityReportSchema } from './quality-report.js';
import { parsePayload } from './schemas.js';

const report = {
  peerId: 'p1',
  receiving: { rating: 'poor', causes: ['loss'] },
  sending: { rating: 'excellent', causes: [] },
  final: false,
};

const parse = (input: unknown) => parsePayload(qualityReportSchema, input);

describe('qualityReportSchema', () => {
  it('accepts a rating per direction with its causes', () => {
    expect(parse(report)).toEqual({ ok: true, value: report });
    const final = { ...report, final: true, sending: { rating: 'lost', causes: ['no-media'] } };
    expect(parse(final)).toMatchObject({ ok: true });
  });

  it('names the field at fault without echoing the value', () => {
    const cases: Array<[unknown, string]> = [
      [{ ...report, receiving: { rating: 'superb', causes: [] } }, 'receiving.rating'],
      [{ ...report, sending: { rating: 'good', causes: ['<script>'] } }, 'sending.causes.0'],
      [{ ...report, sending: { rating: 'good' } }, 'sending.causes'],
      [{ ...report, final: 'sure' }, 'final'],
      [{ ...report, peerId: 'evil id' }, 'peerId'],
      ['poor', 'quality report must be an object'],
    ];
    for (const [input, field] of cases) {
      const result = parse(input);
      expect(result.ok).toBe(false);
      if (result.ok) continue;
      expect(result.message).toContain(field);
      expect(result.message).not.toMatch(/superb|script|sure|evil/);
    }
  });

  it('refuses more causes than there are', () => {
    const causes = ['rtt', 'loss', 'jitter', 'frames', 'bitrate', 'no-media', 'rtt'];
    expect(parse({ ...report, receiving: { rating: 'poor', causes } })).toEqual({
      ok: false,
      message: expect.stringContaining('receiving.causes'),
    });
  });
});
