// Tickets in Redis through Upstash's REST API (the edge; fetch only). Same commands and keys as
// redis-ticket-store.ts, so a ticket bought from a pod redeems at the edge and back.
import { UpstashRest, type UpstashRestOptions } from "../redis/upstash-rest.js";
import { TicketStoreUnavailableError, type TicketStore } from "./ticket-store.js";

export class UpstashTicketStore implements TicketStore {
  private readonly rest: UpstashRest;
  private closed = false;

  constructor(options: UpstashRestOptions) {
    this.rest = new UpstashRest(options);
  }

  async put(key: string, value: string, ttlMs: number): Promise<void> {
    await this.call(() => this.rest.command("SET", key, value, "PX", String(ttlMs), "NX"));
  }

  async take(key: string): Promise<string | null> {
    const reply = await this.call(() => this.rest.command("GETDEL", key));
    if (reply === null || typeof reply === "string") return reply;
    throw new TicketStoreUnavailableError(`ticket store unavailable: Upstash REST at ${this.rest.where}: GETDEL answered ${typeof reply}, not a string`);
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  private async call(request: () => Promise<unknown>): Promise<unknown> {
    if (this.closed) throw new TicketStoreUnavailableError(`ticket store unavailable: Upstash REST at ${this.rest.where}: the ticket store is closed`);
    try {
      return await request();
    } catch (err) {
      throw new TicketStoreUnavailableError(`ticket store unavailable: ${this.rest.describe(err)}`);
    }
  }
}
