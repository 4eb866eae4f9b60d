// Go-style durations ("24h", "1m30s", "500ms") as Kubernetes manifests and OMNIA_* variables write them.
const UNIT_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, "µs": 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const PART = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/y;

/** Milliseconds for a Go duration string; throws an Error naming the bad text. A bare number is seconds. */
export function parseDuration(text: string): number {
  const trimmed = text.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed) * 1000;
  let total = 0;
  let at = 0;
  PART.lastIndex = 0;
  while (at < trimmed.length) {
    PART.lastIndex = at;
    const m = PART.exec(trimmed);
    if (!m || m[1] === undefined || m[2] === undefined) {
      throw new Error(`"${text}" is not a duration (expected forms like 24h, 30s, 1m30s, 500ms)`);
    }
    total += Number(m[1]) * (UNIT_MS[m[2]] ?? 0);
    at = PART.lastIndex;
  }
  if (trimmed.length === 0) throw new Error(`"${text}" is not a duration (empty)`);
  return total;
}
