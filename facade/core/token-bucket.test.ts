import { describe, expect, it } from "vitest";
import { TokenBucket } from "./token-bucket.js";

describe("TokenBucket", () => {
  it("allows a burst, then refills at the rate", () => {
    let now = 0;
    const bucket = new TokenBucket(50, 100, () => now);
    let allowed = 0;
    for (let i = 0; i < 150; i++) if (bucket.take()) allowed++;
    expect(allowed).toBe(100);
    now += 100; // 0.1 s at 50/s refills 5 tokens
    allowed = 0;
    for (let i = 0; i < 10; i++) if (bucket.take()) allowed++;
    expect(allowed).toBe(5);
  });

  it("never saves more than the burst", () => {
    let now = 0;
    const bucket = new TokenBucket(50, 100, () => now);
    now += 60_000;
    let allowed = 0;
    for (let i = 0; i < 200; i++) if (bucket.take()) allowed++;
    expect(allowed).toBe(100);
  });
});
