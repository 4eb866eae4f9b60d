import { afterEach, describe, expect, it, vi } from "vitest";
import { MemorySessionStore } from "./memory-session-store.js";
import { describeSessionStoreContract } from "./session-store.contract.js";

describeSessionStoreContract("memory", async () => {
  let now = Date.parse("2026-01-01T00:00:00Z");
  const ttlMs = 60_000;
  const store = new MemorySessionStore({ ttlMs, now: () => now });
  return { store, ttlMs, advance: async (ms) => void (now += ms) };
});

describe("MemorySessionStore", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("sweeps expired sessions nobody asks for again, so memory does not grow", async () => {
    vi.useFakeTimers();
    let now = 0;
    const store = new MemorySessionStore({ ttlMs: 5_000, now: () => now });
    for (const id of ["a", "b", "c"]) await store.loadConversation({ id, agentName: "assistant", namespace: "default" });
    now = 4_000;
    await store.touch("c");
    now = 6_000;
    vi.advanceTimersByTime(5_000);
    expect(store.size).toBe(1);
    now = 9_001;
    vi.advanceTimersByTime(5_000);
    expect(store.size).toBe(0);
    await store.close();
  });

  it("stamps createdAt and updatedAt from its clock", async () => {
    let now = Date.parse("2026-01-01T00:00:00Z");
    const store = new MemorySessionStore({ ttlMs: 60_000, now: () => now });
    await store.loadConversation({ id: "s", agentName: "assistant", namespace: "default" });
    now += 1_000;
    await store.appendTurn("s", [{ id: "1", role: "user", content: "hi", timestamp: "2026-01-01T00:00:01Z" }]);
    expect(await store.getSession("s")).toMatchObject({ createdAt: "2026-01-01T00:00:00.000Z", updatedAt: "2026-01-01T00:00:01.000Z" });
    await store.close();
  });
});
