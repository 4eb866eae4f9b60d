// The ToolRegistry's retryPolicy as a schedule: how many attempts, and how long to wait before
// each retry (exponential backoff capped at maxBackoff, or the server's Retry-After when honoured).
import { parseDuration } from "../../shared/config/duration.js";
import type { RetryPolicy } from "../../shared/manifests/tool-registry.js";

// The reference retries three times in all when a policy is given without maxAttempts.
const DEFAULT_ATTEMPTS_WITH_POLICY = 3;

export interface RetrySchedule {
  maxAttempts: number;
  /** Milliseconds to wait before attempt `attempt + 1` (attempt counts from 1). */
  backoffMs(attempt: number): number;
}

export function retrySchedule(policy: RetryPolicy | undefined): RetrySchedule {
  if (!policy) return { maxAttempts: 1, backoffMs: () => 0 };
  const initial = parseDuration(policy.initialBackoff);
  const max = parseDuration(policy.maxBackoff);
  const multiplier = Math.max(1, policy.backoffMultiplier);
  return {
    maxAttempts: policy.maxAttempts ?? DEFAULT_ATTEMPTS_WITH_POLICY,
    backoffMs: (attempt) => Math.min(max, initial * multiplier ** (attempt - 1)),
  };
}

/** Retry-After as delta-seconds or an HTTP date, in milliseconds; undefined when absent or unreadable. */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const trimmed = header.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** Waits, or rejects with the signal's reason as soon as it aborts. */
export function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener("abort", onAbort, { once: true });
  });
}
