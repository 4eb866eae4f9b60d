// Percentiles over every recorded sample (a run holds at most a few hundred thousand), so the
// p99 is exact rather than estimated from a histogram.

/** Nearest-rank percentile (p in 0..100) of the samples; NaN when there are none. */
export function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] ?? Number.NaN;
}

export function sortedSamples(samples: number[]): Float64Array {
  return Float64Array.from(samples).sort();
}

export interface Summary {
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
  samples: number;
}

/** Percentiles, max and mean of the samples (all NaN when there are none). */
export function summarize(samples: number[]): Summary {
  const sorted = sortedSamples(samples);
  return {
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    max: sorted.length > 0 ? (sorted[sorted.length - 1] ?? Number.NaN) : Number.NaN,
    mean: samples.length > 0 ? samples.reduce((a, b) => a + b, 0) / samples.length : Number.NaN,
    samples: samples.length,
  };
}

/** Rounds for the report: figures keep meaning, not float noise. */
export function round(value: number, digits = 2): number {
  if (!Number.isFinite(value)) return value;
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
