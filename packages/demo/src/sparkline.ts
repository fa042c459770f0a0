/**
 * RTT over time as a small SVG line: the last samples, scaled to their own maximum so a jump from
 * 1 ms to 40 ms (a call moving to a relay) is visible at a glance.
 */
const SVG = 'http://www.w3.org/2000/svg';

export interface SparklineOptions {
  width: number;
  height: number;
  /** How many of the latest samples to draw. */
  samples: number;
}

export const sparklineDefaults: SparklineOptions = { width: 160, height: 36, samples: 60 };

/** The polyline points for `values`, oldest on the left; empty with fewer than two values. */
export function sparklinePoints(values: number[], options: Partial<SparklineOptions> = {}): string {
  const { width, height, samples } = { ...sparklineDefaults, ...options };
  const shown = values.slice(-samples);
  if (shown.length < 2) return '';
  const max = Math.max(...shown, 1);
  const step = width / (samples - 1);
  const offset = width - step * (shown.length - 1);
  return shown
    .map((value, i) => {
      const x = offset + i * step;
      const y = height - 2 - (value / max) * (height - 4);
      return `${x.toFixed(1)},${y.toFixed(1)}`;
    })
    .join(' ');
}

export interface Sparkline {
  element: SVGSVGElement;
  update(values: number[]): void;
}

export function createSparkline(options: Partial<SparklineOptions> = {}): Sparkline {
  const o = { ...sparklineDefaults, ...options };
  const element = document.createElementNS(SVG, 'svg');
  element.setAttribute('viewBox', `0 0 ${o.width} ${o.height}`);
  element.setAttribute('class', 'sparkline');
  element.setAttribute('role', 'img');
  // Stretched to the panel's width; the stroke keeps its thickness.
  element.setAttribute('preserveAspectRatio', 'none');
  const line = document.createElementNS(SVG, 'polyline');
  line.setAttribute('vector-effect', 'non-scaling-stroke');
  element.append(line);
  return {
    element,
    update(values) {
      line.setAttribute('points', sparklinePoints(values, o));
      element.setAttribute('aria-label', `RTT, last ${Math.min(values.length, o.samples)} samples`);
      element.dataset.samples = String(values.length);
    },
  };
}
