// Tickets in this process only (local mode, one replica). Expired entries are dropped when
// touched and swept on every put, so abandoned tickets do not pile up.
import { TicketStoreUnavailableError, type TicketStore } from "./ticket-store.js";

export class MemoryTicketStore implements TicketStore {
  private readonly entries = new Map<string, { value: string; expiresAt: number }>();
  private closed = false;

  constructor(private readonly now: () => number = Date.now) {}

  async put(key: string, value: string, ttlMs: number): Promise<void> {
    this.open();
    const now = this.now();
    for (const [k, entry] of this.entries) if (entry.expiresAt <= now) this.entries.delete(k);
    if (!this.entries.has(key)) this.entries.set(key, { value, expiresAt: now + ttlMs });
  }

  async take(key: string): Promise<string | null> {
    this.open();
    const entry = this.entries.get(key);
    this.entries.delete(key);
    return entry && entry.expiresAt > this.now() ? entry.value : null;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.entries.clear();
  }

  private open(): void {
    if (this.closed) throw new TicketStoreUnavailableError("ticket store unavailable: it is closed");
  }
}
