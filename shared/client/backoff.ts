// Reconnect delays: exponential with full jitter (a random wait between 0 and the exponential
// ceiling), so clients cut by the same event (a deploy, a network blip) do not return in lockstep.
export interface BackoffPolicy {
  initialMs: number;
  maxMs: number;
  factor: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { initialMs: 250, maxMs: 10_000, factor: 2 };

/** The defaults with the given fields replaced; throws a RangeError naming a field that makes no sense. */
export function resolveBackoff(policy: Partial<BackoffPolicy> = {}): BackoffPolicy {
  const resolved = { ...DEFAULT_BACKOFF, ...policy };
  for (const key of ["initialMs", "maxMs"] as const) {
    if (!Number.isFinite(resolved[key]) || resolved[key] < 0) throw new RangeError(`backoff.${key} must be a finite number >= 0, got ${resolved[key]}`);
  }
  if (!Number.isFinite(resolved.factor) || resolved.factor < 1) throw new RangeError(`backoff.factor must be a finite number >= 1, got ${resolved.factor}`);
  return resolved;
}

/** The wait before reconnect attempt `attempt` (1 for the first attempt after a drop). */
export function backoffDelay(attempt: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxMs, policy.initialMs * policy.factor ** Math.max(0, attempt - 1));
  return Math.floor(random() * ceiling);
}
