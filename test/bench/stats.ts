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

/** Rounds for the report: figures keep meaning, not float noise. */
export function round(value: number, digits = 2): number {
  if (!Number.isFinite(value)) return value;
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
