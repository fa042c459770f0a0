/**
 * Reads Prometheus' text exposition format (what the server's `/metrics` answers) into samples:
 * the one reader of the demo's operator view and of the tests. Comments are skipped, timestamps
 * ignored, label values unescaped, and a label matches only by its whole value.
 */

export interface MetricSample {
  /** The series name as exposed, e.g. `icelane_time_to_connect_seconds_bucket`. */
  name: string;
  labels: Record<string, string>;
  value: number;
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;

/** Parses the whole text; a line that is not a sample is an error naming the line. */
export function parseMetricsText(text: string): MetricSample[] {
  const samples: MetricSample[] = [];
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const sample = parseSampleLine(line);
    if (!sample) throw new Error(`metrics line ${index + 1} is not a sample: ${line.slice(0, 80)}`);
    samples.push(sample);
  });
  return samples;
}

function parseSampleLine(line: string): MetricSample | undefined {
  const name = NAME.exec(line)?.[0];
  if (!name) return undefined;
  let rest = line.slice(name.length);
  const labels: Record<string, string> = {};
  if (rest.startsWith('{')) {
    const end = readLabels(rest, labels);
    if (end < 0) return undefined;
    rest = rest.slice(end);
  }
  const [value] = rest.trim().split(/\s+/);
  const number = parseValue(value ?? '');
  return number === undefined ? undefined : { name, labels, value: number };
}

/** Reads `{a="b",c="d"}` from the start of `text` into `labels`; returns where it ended, or -1. */
function readLabels(text: string, labels: Record<string, string>): number {
  let i = 1;
  while (i < text.length) {
    while (text[i] === ' ' || text[i] === ',') i++;
    if (text[i] === '}') return i + 1;
    const label = NAME.exec(text.slice(i))?.[0];
    if (!label || text[i + label.length] !== '=' || text[i + label.length + 1] !== '"') return -1;
    i += label.length + 2;
    let value = '';
    while (i < text.length && text[i] !== '"') {
      if (text[i] === '\\') {
        const next = text[i + 1];
        value += next === 'n' ? '\n' : (next ?? '');
        i += 2;
      } else {
        value += text[i];
        i++;
      }
    }
    if (text[i] !== '"') return -1;
    labels[label] = value;
    i++;
  }
  return -1;
}

// Case does not matter, as in Prometheus' own parser: prom-client writes an unset gauge (the
// event loop's lag before its first sample) as `Nan`.
function parseValue(text: string): number | undefined {
  const word = text.toLowerCase();
  if (word === '+inf' || word === 'inf') return Infinity;
  if (word === '-inf') return -Infinity;
  if (word === 'nan') return NaN;
  const number = Number(text);
  return text !== '' && !Number.isNaN(number) ? number : undefined;
}

/** Sums the samples named `name` whose labels include every pair of `match`. */
export function sumOf(
  samples: readonly MetricSample[],
  name: string,
  match: Record<string, string> = {},
): number {
  let sum = 0;
  for (const sample of samples) {
    if (sample.name !== name) continue;
    if (Object.entries(match).every(([key, value]) => sample.labels[key] === value)) {
      sum += sample.value;
    }
  }
  return sum;
}

/** Sums the samples named `name` grouped by the values of `by`, keyed by them joined with `|`. */
export function sumBy(
  samples: readonly MetricSample[],
  name: string,
  by: readonly string[],
): Map<string, number> {
  const sums = new Map<string, number>();
  for (const sample of samples) {
    if (sample.name !== name) continue;
    const key = by.map((label) => sample.labels[label] ?? '').join('|');
    sums.set(key, (sums.get(key) ?? 0) + sample.value);
  }
  return sums;
}
