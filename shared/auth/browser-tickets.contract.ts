// Behaviour every TicketStore backend must give BrowserTickets; each backend's test file runs it.
import { describe, expect, it } from "vitest";
import { BrowserTickets } from "./browser-tickets.js";
import type { Identity } from "./identity.js";
import type { TicketStore } from "./ticket-store.js";

export interface TicketStoreUnderTest {
  store: TicketStore;
  /** The clock the store expires entries by (the memory store's injected one, or real time). */
  now?: () => number;
  /** Lets ms pass for the store. */
  advance(ms: number): Promise<void>;
}

/** An identity bought with an API key, as the tests use it. */
export const ALICE: Identity = { subject: "apikey:alice", role: "editor", groups: ["team-a"], method: "api_key", keyName: "alice" };
// Long enough that a loaded machine redeems in time, short enough to wait out.
const TTL_MS = 1_000;

const alice = ALICE;

export function describeTicketStoreContract(name: string, make: () => Promise<TicketStoreUnderTest>): void {
  describe(`browser tickets on ${name}`, () => {
    const withTickets = (test: (t: BrowserTickets, s: TicketStoreUnderTest) => Promise<void>) => async () => {
      const underTest = await make();
      const tickets = new BrowserTickets(underTest.store, { ttlMs: TTL_MS, now: underTest.now });
      try {
        await test(tickets, underTest);
      } finally {
        await tickets.close();
      }
    };

    it(
      "redeems a ticket once, for the identity that bought it, as method ticket",
      withTickets(async (tickets, { now = Date.now }) => {
        const before = now();
        const issued = await tickets.issueTicket(alice, "default/secured");
        expect(issued.ticket).toMatch(/^[A-Za-z0-9_-]{43}$/);
        expect(Date.parse(issued.expires_at)).toBeGreaterThanOrEqual(before + TTL_MS);
        expect(Date.parse(issued.expires_at)).toBeLessThanOrEqual(now() + TTL_MS);
        expect(await tickets.redeemTicket(issued.ticket, "default/secured")).toEqual({ ...alice, method: "ticket" });
      }),
    );

    it(
      "refuses a ticket the second time",
      withTickets(async (tickets) => {
        const { ticket } = await tickets.issueTicket(alice, "default/secured");
        expect(await tickets.redeemTicket(ticket, "default/secured")).not.toBeNull();
        expect(await tickets.redeemTicket(ticket, "default/secured")).toBeNull();
      }),
    );

    it(
      "lets exactly one of several racing redemptions through",
      withTickets(async (tickets) => {
        const { ticket } = await tickets.issueTicket(alice, "default/secured");
        const results = await Promise.all(Array.from({ length: 8 }, () => tickets.redeemTicket(ticket, "default/secured")));
        expect(results.filter((r) => r !== null)).toHaveLength(1);
      }),
    );

    it(
      "refuses an expired ticket",
      withTickets(async (tickets, { advance }) => {
        const { ticket } = await tickets.issueTicket(alice, "default/secured");
        await advance(TTL_MS + 100);
        expect(await tickets.redeemTicket(ticket, "default/secured")).toBeNull();
      }),
    );

    it(
      "refuses a ticket at another agent and keeps it for its own",
      withTickets(async (tickets) => {
        const { ticket } = await tickets.issueTicket(alice, "default/secured");
        expect(await tickets.redeemTicket(ticket, "default/assistant")).toBeNull();
        expect(await tickets.redeemTicket(ticket, "default/secured")).toMatchObject({ subject: "apikey:alice" });
      }),
    );

    it(
      "refuses made-up and malformed tickets",
      withTickets(async (tickets) => {
        await tickets.issueTicket(alice, "default/secured");
        expect(await tickets.redeemTicket("A".repeat(43), "default/secured")).toBeNull();
        expect(await tickets.redeemTicket("not a ticket", "default/secured")).toBeNull();
        expect(await tickets.redeemTicket("", "default/secured")).toBeNull();
      }),
    );

    it(
      "keeps an identity without a key name without one",
      withTickets(async (tickets) => {
        const oidc: Identity = { subject: "user-1", role: "viewer", groups: [], method: "oidc" };
        const { ticket } = await tickets.issueTicket(oidc, "a");
        expect(await tickets.redeemTicket(ticket, "a")).toEqual({ ...oidc, method: "ticket" });
      }),
    );
  });
}
