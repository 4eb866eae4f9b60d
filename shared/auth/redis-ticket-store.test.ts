import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../test/helpers/free-port.js";
import { startRedis, type RedisServer } from "../../test/helpers/redis-server.js";
import { FailFastRedis } from "../redis/fail-fast-redis.js";
import { BrowserTickets } from "./browser-tickets.js";
import { sha256Hex } from "./digest.js";
import { ALICE as alice, describeTicketStoreContract } from "./browser-tickets.contract.js";
import { RedisTicketStore } from "./redis-ticket-store.js";
import { TicketStoreUnavailableError } from "./ticket-store.js";

let server: RedisServer;
beforeAll(async () => {
  server = await startRedis();
});
afterAll(async () => {
  await server?.stop();
});

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

describeTicketStoreContract("redis", async () => ({ store: new RedisTicketStore(server.url), advance: sleep }));

describe("RedisTicketStore", () => {
  it("redeems once across replicas: bought at one pod, redeemed at another, refused at a third", async () => {
    const [podA, podB, podC] = [0, 1, 2].map(() => new BrowserTickets(new RedisTicketStore(server.url)));
    try {
      const { ticket } = await podA!.issueTicket(alice, "default/secured");
      expect(await podB!.redeemTicket(ticket, "default/secured")).toMatchObject({ subject: "apikey:alice", method: "ticket", keyName: "alice" });
      expect(await podC!.redeemTicket(ticket, "default/secured")).toBeNull();
    } finally {
      await Promise.all([podA, podB, podC].map((pod) => pod?.close()));
    }
  });

  it("keeps only the ticket's digest in Redis, with the TTL", async () => {
    const tickets = new BrowserTickets(new RedisTicketStore(server.url), { keyPrefix: "layout:" });
    const admin = new Redis(server.url);
    try {
      const { ticket } = await tickets.issueTicket(alice, "default/secured");
      const keys = await admin.keys("layout:*");
      expect(keys).toHaveLength(1);
      expect(keys[0]).toMatch(/^layout:ticket:default\/secured:[0-9a-f]{64}$/);
      expect(await admin.get(keys[0] ?? "")).not.toContain(ticket);
      expect(await admin.pttl(keys[0] ?? "")).toBeGreaterThan(59_000);
    } finally {
      admin.disconnect();
      await tickets.close();
    }
  });

  it("works on a shared connection and leaves it open when closed", async () => {
    const shared = new FailFastRedis(server.url);
    try {
      const tickets = new BrowserTickets(new RedisTicketStore(shared));
      const { ticket } = await tickets.issueTicket(alice, "a");
      await tickets.close();
      expect(await shared.redis.exists(`ticket:a:${await sha256Hex(ticket)}`)).toBe(1);
    } finally {
      await shared.close();
    }
  });

  it("fails fast with TicketStoreUnavailableError when Redis is not there", async () => {
    const tickets = new BrowserTickets(new RedisTicketStore(`redis://127.0.0.1:${await freePort()}`));
    const started = Date.now();
    const error = await tickets.issueTicket(alice, "a").then(() => null, (err: unknown) => err);
    expect(error).toBeInstanceOf(TicketStoreUnavailableError);
    expect(String(error)).toMatch(/Redis at 127\.0\.0\.1:\d+/);
    expect(Date.now() - started).toBeLessThan(2_500);
    await tickets.close();
  });
});
