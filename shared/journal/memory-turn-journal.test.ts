import { MemoryTurnJournal } from "./memory-turn-journal.js";
import { describeTurnJournalContract } from "./turn-journal.contract.js";

describeTurnJournalContract("memory", async () => {
  let offset = 0;
  const journal = new MemoryTurnJournal({ ttlMs: 60_000, leaseMs: 1_000, now: () => Date.now() + offset });
  return {
    journal,
    expireLease: async () => void (offset += 1_001),
  };
});
