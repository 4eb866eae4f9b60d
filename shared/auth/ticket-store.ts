// Where browser tickets wait to be redeemed: a key that expires by itself and is read and
// deleted in one step, so a ticket redeems once however many replicas race for it. Backends:
// memory-ticket-store.ts (one process), redis-ticket-store.ts (ioredis, pods),
// upstash-ticket-store.ts (REST, the edge); the last two share the session store's Redis, so a
// ticket bought at one replica or placement redeems at any other.

export interface TicketStore {
  /** Stores `value` under `key` for `ttlMs`; never overwrites a key that is there. */
  put(key: string, value: string, ttlMs: number): Promise<void>;
  /** The value, deleted in the same step; null when absent or expired. */
  take(key: string): Promise<string | null>;
  close(): Promise<void>;
}

export class TicketStoreUnavailableError extends Error {
  override readonly name = "TicketStoreUnavailableError";
}
