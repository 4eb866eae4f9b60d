// Session owners in the shared Redis (facade/core/session-owners.ts): SET NX makes the first
// claim win among racing replicas; the entry lives as long as the session's data and is renewed
// whenever its owner comes back.
import type { FailFastRedis } from "../../shared/redis/fail-fast-redis.js";
import { ownerKey, type SessionOwners } from "../core/session-owners.js";

export class RedisSessionOwners implements SessionOwners {
  /** `connection` is shared (the ticket store's); close() leaves it open. */
  constructor(
    private readonly connection: FailFastRedis,
    private readonly ttlMs: number,
  ) {}

  async claim(sessionId: string, subject: string): Promise<boolean> {
    const key = ownerKey(sessionId);
    const set = await this.call(() => this.connection.redis.set(key, subject, "PX", this.ttlMs, "NX"));
    return set === "OK" || this.owns(sessionId, subject);
  }

  async owns(sessionId: string, subject: string): Promise<boolean> {
    const key = ownerKey(sessionId);
    if ((await this.call(() => this.connection.redis.get(key))) !== subject) return false;
    await this.call(() => this.connection.redis.pexpire(key, this.ttlMs));
    return true;
  }

  async close(): Promise<void> {}

  private async call<T>(command: () => Promise<T>): Promise<T> {
    const notReady = this.connection.notReady();
    if (notReady) throw new Error(`session owners unavailable: ${this.connection.describe(notReady)}`);
    try {
      return await command();
    } catch (err) {
      throw new Error(`session owners unavailable: ${this.connection.describe(err instanceof Error ? err.message : String(err))}`, { cause: err });
    }
  }
}
