import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRedis, type RedisServer } from "../../test/helpers/redis-server.js";
import { startUpstashRestBridge, type UpstashRestBridge } from "../../test/helpers/upstash-rest-bridge.js";
import { BrowserTickets } from "./browser-tickets.js";
import { ALICE as alice, describeTicketStoreContract } from "./browser-tickets.contract.js";
import { RedisTicketStore } from "./redis-ticket-store.js";
import { TicketStoreUnavailableError } from "./ticket-store.js";
import { UpstashTicketStore } from "./upstash-ticket-store.js";

let server: RedisServer;
let bridge: UpstashRestBridge;
beforeAll(async () => {
  server = await startRedis();
  bridge = await startUpstashRestBridge({ redisUrl: server.url });
});
afterAll(async () => {
  await bridge?.close();
  await server?.stop();
});

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

describeTicketStoreContract("upstash REST", async () => ({ store: new UpstashTicketStore({ url: bridge.url, token: bridge.token }), advance: sleep }));

describe("UpstashTicketStore", () => {
  it("shares tickets with the pods' Redis store: bought at a pod, redeemed at the edge, and back", async () => {
    const pod = new BrowserTickets(new RedisTicketStore(server.url));
    const edge = new BrowserTickets(new UpstashTicketStore({ url: bridge.url, token: bridge.token }));
    try {
      const fromPod = await pod.issueTicket(alice, "default/secured");
      expect(await edge.redeemTicket(fromPod.ticket, "default/secured")).toMatchObject({ subject: "apikey:alice", method: "ticket" });
      expect(await pod.redeemTicket(fromPod.ticket, "default/secured")).toBeNull();
      const fromEdge = await edge.issueTicket(alice, "default/secured");
      expect(await pod.redeemTicket(fromEdge.ticket, "default/secured")).toMatchObject({ keyName: "alice" });
      expect(await edge.redeemTicket(fromEdge.ticket, "default/secured")).toBeNull();
    } finally {
      await Promise.all([pod.close(), edge.close()]);
    }
  });

  it("fails with TicketStoreUnavailableError naming the host, not the token", async () => {
    const tickets = new BrowserTickets(new UpstashTicketStore({ url: bridge.url, token: "wrong-token-for-the-test" }));
    const error = await tickets.redeemTicket("A".repeat(43), "a").then(() => null, (err: unknown) => err);
    expect(error).toBeInstanceOf(TicketStoreUnavailableError);
    expect(String(error)).toMatch(/Upstash REST at 127\.0\.0\.1:\d+: Unauthorized/);
    expect(String(error)).not.toContain("wrong-token-for-the-test");
    await tickets.close();
  });
});
