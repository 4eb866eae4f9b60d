import { describeSessionStoreContract } from "./session-store.contract.js";
import { MemorySessionStore } from "./memory-session-store.js";

describeSessionStoreContract("memory", async () => {
  let now = 1_000_000;
  const ttlMs = 60_000;
  const store = new MemorySessionStore({ ttlMs, now: () => now });
  return { store, ttlMs, advance: async (ms) => void (now += ms) };
});
