import { describe, expect, it } from "vitest";
import { describeTicketStoreContract } from "./browser-tickets.contract.js";
import { MemoryTicketStore } from "./memory-ticket-store.js";
import { TicketStoreUnavailableError } from "./ticket-store.js";

describeTicketStoreContract("memory", async () => {
  let clock = Date.parse("2026-11-27T10:00:00Z");
  const now = () => clock;
  return { store: new MemoryTicketStore(now), now, advance: async (ms) => void (clock += ms) };
});

describe("MemoryTicketStore", () => {
  it("drops expired entries when new ones come", async () => {
    let clock = 0;
    const store = new MemoryTicketStore(() => clock);
    await store.put("a", "1", 100);
    clock = 200;
    await store.put("b", "2", 100);
    expect(await store.take("a")).toBeNull();
    expect(await store.take("b")).toBe("2");
  });

  it("refuses work once closed", async () => {
    const store = new MemoryTicketStore();
    await store.close();
    await expect(store.take("a")).rejects.toBeInstanceOf(TicketStoreUnavailableError);
  });
});
