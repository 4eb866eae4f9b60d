import { describe, expect, it } from "vitest";
import { IdentityLimiter } from "./identity-limits.js";
import { KeyedBuckets } from "./keyed-buckets.js";

describe("IdentityLimiter", () => {
  it("has the documented defaults: 10 connections, bursts of 20 messages", () => {
    const limiter = new IdentityLimiter();
    const held = Array.from({ length: 10 }, () => limiter.openConnection("alice"));
    expect(held.every((c) => c.ok)).toBe(true);
    expect(limiter.openConnection("alice")).toMatchObject({ ok: false, retryAfterSeconds: 5 });
    const sent = Array.from({ length: 21 }, () => limiter.takeMessage("alice").ok);
    expect(sent.filter(Boolean)).toHaveLength(20);
  });

  it("refuses a connection beyond the limit per subject, and admits one again after a release", () => {
    const limiter = new IdentityLimiter({ maxConnectionsPerSubject: 2, connectionRetryAfterSeconds: 3 });
    const first = limiter.openConnection("alice");
    const second = limiter.openConnection("alice");
    expect(limiter.openConnection("alice")).toEqual({ ok: false, retryAfterSeconds: 3, message: "at most 2 connections at once per identity; retry in 3 s" });
    expect(limiter.openConnection("bob").ok).toBe(true);
    if (!first.ok || !second.ok) throw new Error("expected both connections admitted");
    first.release();
    first.release();
    expect(limiter.connectionsOf("alice")).toBe(1);
    expect(limiter.openConnection("alice").ok).toBe(true);
    expect(limiter.openConnection("alice").ok).toBe(false);
  });

  it("limits messages a minute per subject with a retry hint that comes true", () => {
    let clock = 0;
    const limiter = new IdentityLimiter({ messagesPerMinute: 6, messageBurst: 2 }, () => clock);
    expect(limiter.takeMessage("alice").ok).toBe(true);
    expect(limiter.takeMessage("alice").ok).toBe(true);
    const refused = limiter.takeMessage("alice");
    expect(refused).toEqual({ ok: false, retryAfterSeconds: 10, message: "at most 6 messages a minute per identity; retry in 10 s" });
    expect(limiter.takeMessage("bob").ok).toBe(true);
    clock += 9_000;
    expect(limiter.takeMessage("alice")).toMatchObject({ ok: false, retryAfterSeconds: 1 });
    clock += 1_000;
    expect(limiter.takeMessage("alice").ok).toBe(true);
  });

  it("names the bad setting", () => {
    expect(() => new IdentityLimiter({ maxConnectionsPerSubject: 0 })).toThrow(/at least 1/);
  });
});

describe("KeyedBuckets", () => {
  it("forgets full buckets first when holding too many keys", () => {
    let clock = 0;
    const buckets = new KeyedBuckets({ perMinute: 60, burst: 2, maxKeys: 2, now: () => clock });
    buckets.spend("a");
    clock += 5_000; // a is full again
    buckets.spend("b");
    buckets.spend("c");
    expect(buckets.size).toBe(2);
    buckets.spend("c");
    expect(buckets.waitSeconds("c")).toBe(1);
  });
});
