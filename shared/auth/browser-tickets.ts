// One-use tickets for browsers, which cannot set headers on a WebSocket: `POST /ws/ticket` with a
// bearer token buys one (issueTicket), the upgrade redeems it as `?ticket=` (redeemTicket). A
// ticket is 256 random bits, valid 60 s, for one agent, once. The store keeps it under the SHA-256
// of the ticket, in a key that names the agent: whoever reads the store cannot use what is in it,
// and presenting a ticket at another agent finds nothing (and leaves it usable where it belongs).
import * as v from "valibot";
import { randomToken, sha256Hex } from "./digest.js";
import type { Identity } from "./identity.js";
import type { TicketStore } from "./ticket-store.js";

export const TICKET_TTL_MS = 60_000;

export interface IssuedTicket {
  ticket: string;
  /** RFC 3339. */
  expires_at: string;
}

export interface BrowserTicketsOptions {
  ttlMs?: number;
  /** Prefix of the store keys (`<prefix>ticket:<agent>:<sha256>`), to share a Redis with other data. */
  keyPrefix?: string;
  now?: () => number;
}

const TICKET_SHAPE = /^[A-Za-z0-9_-]{43}$/;

const StoredIdentity = v.object({
  subject: v.string(),
  role: v.string(),
  groups: v.array(v.string()),
  keyName: v.optional(v.string()),
});

export class BrowserTickets {
  private readonly ttlMs: number;
  private readonly keyPrefix: string;
  private readonly now: () => number;

  constructor(
    private readonly store: TicketStore,
    { ttlMs = TICKET_TTL_MS, keyPrefix = "", now = Date.now }: BrowserTicketsOptions = {},
  ) {
    this.ttlMs = ttlMs;
    this.keyPrefix = keyPrefix;
    this.now = now;
  }

  /** A ticket that lets `identity` open one connection to `agent` within the TTL. */
  async issueTicket(identity: Identity, agent: string): Promise<IssuedTicket> {
    const ticket = randomToken(32);
    const { subject, role, groups, keyName } = identity;
    const expiresAt = this.now() + this.ttlMs;
    await this.store.put(await this.key(ticket, agent), JSON.stringify({ subject, role, groups, keyName }), this.ttlMs);
    return { ticket, expires_at: new Date(expiresAt).toISOString() };
  }

  /** The identity the ticket was bought for, as method `ticket`; null when unknown, used, expired or for another agent. */
  async redeemTicket(ticket: string, agent: string): Promise<Identity | null> {
    if (!TICKET_SHAPE.test(ticket)) return null;
    const stored = await this.store.take(await this.key(ticket, agent));
    if (stored === null) return null;
    const parsed = v.safeParse(StoredIdentity, safeJson(stored));
    if (!parsed.success) return null;
    const { subject, role, groups, keyName } = parsed.output;
    return keyName === undefined ? { subject, role, groups, method: "ticket" } : { subject, role, groups, method: "ticket", keyName };
  }

  close(): Promise<void> {
    return this.store.close();
  }

  private async key(ticket: string, agent: string): Promise<string> {
    return `${this.keyPrefix}ticket:${agent}:${await sha256Hex(ticket)}`;
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
