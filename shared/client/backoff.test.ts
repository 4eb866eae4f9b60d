import { describe, expect, it } from "vitest";
import { backoffDelay, DEFAULT_BACKOFF, resolveBackoff } from "./backoff.js";

describe("reconnect backoff", () => {
  it("grows the ceiling by the factor up to the maximum", () => {
    const policy = { initialMs: 100, maxMs: 1_000, factor: 2 };
    const ceilings = [1, 2, 3, 4, 5, 6, 30].map((attempt) => backoffDelay(attempt, policy, () => 0.999_999));
    expect(ceilings).toEqual([99, 199, 399, 799, 999, 999, 999]);
  });

  it("draws the whole range below the ceiling (full jitter)", () => {
    expect(backoffDelay(3, DEFAULT_BACKOFF, () => 0)).toBe(0);
    expect(backoffDelay(3, DEFAULT_BACKOFF, () => 0.5)).toBe(500);
  });

  it("fills in the defaults and refuses a policy that makes no sense", () => {
    expect(resolveBackoff({ maxMs: 5_000 })).toEqual({ initialMs: 250, maxMs: 5_000, factor: 2 });
    expect(() => resolveBackoff({ initialMs: -1 })).toThrow(/backoff.initialMs/);
    expect(() => resolveBackoff({ factor: 0.5 })).toThrow(/backoff.factor/);
    expect(() => resolveBackoff({ maxMs: Number.NaN })).toThrow(/backoff.maxMs/);
  });
});
