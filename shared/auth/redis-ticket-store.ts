// Tickets in Redis through ioredis (Node placements): SET NX PX to store, GETDEL (Redis 6.2+) to
// redeem, so exactly one of several racing replicas gets a ticket. Node-only, unlike the rest of
// shared/auth: the edge uses upstash-ticket-store.ts.
import { FailFastRedis } from "../redis/fail-fast-redis.js";
import { TicketStoreUnavailableError, type TicketStore } from "./ticket-store.js";

export class RedisTicketStore implements TicketStore {
  private readonly connection: FailFastRedis;
  private readonly owned: boolean;
  private closed = false;

  /** A Redis URL (its own connection), or a connection to share, e.g. the session store's (left open by close). */
  constructor(redis: string | FailFastRedis) {
    this.owned = typeof redis === "string";
    this.connection = typeof redis === "string" ? new FailFastRedis(redis) : redis;
  }

  async put(key: string, value: string, ttlMs: number): Promise<void> {
    await this.call(() => this.connection.redis.set(key, value, "PX", ttlMs, "NX"));
  }

  async take(key: string): Promise<string | null> {
    return this.call(() => this.connection.redis.getdel(key));
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.owned) await this.connection.close();
  }

  private async call<T>(command: () => Promise<T>): Promise<T> {
    const notReady = this.closed ? "the ticket store is closed" : this.connection.notReady();
    if (notReady) throw new TicketStoreUnavailableError(`ticket store unavailable: ${this.connection.describe(notReady)}`);
    try {
      return await command();
    } catch (err) {
      throw new TicketStoreUnavailableError(`ticket store unavailable: ${this.connection.describe(err instanceof Error ? err.message : String(err))}`);
    }
  }
}
