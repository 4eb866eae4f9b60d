// The facade's turn journal from its configuration: Redis when a URL is set (every replica and
// the runtime share it), in this process otherwise, or only sequence numbers when switched off.
import { MemoryTurnJournal } from "../../shared/journal/memory-turn-journal.js";
import { RedisTurnJournal } from "../../shared/journal/redis-turn-journal.js";
import type { TurnJournal } from "../../shared/journal/turn-journal.js";
import { SequenceOnlyJournal } from "../core/sequence-only-journal.js";
import type { JournalConfig } from "./config.js";

export function createJournal(config: JournalConfig): TurnJournal {
  if (config.mode === "off") return new SequenceOnlyJournal();
  if (config.redisUrl) return new RedisTurnJournal({ url: config.redisUrl, ttlMs: config.ttlMs, leaseMs: config.leaseMs });
  return new MemoryTurnJournal({ ttlMs: config.ttlMs, leaseMs: config.leaseMs });
}
