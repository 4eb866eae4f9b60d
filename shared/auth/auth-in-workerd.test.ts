// The authentication core in workerd, as the edge facade will run it: OIDC against the local
// issuer over fetch, API keys, and tickets in Redis through the Upstash REST bridge, shared with
// a pod's ioredis store.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startOidcIssuer, TEST_AUDIENCE, type OidcIssuer } from "../../test/helpers/oidc-issuer.js";
import { startRedis, type RedisServer } from "../../test/helpers/redis-server.js";
import { startUpstashRestBridge, type UpstashRestBridge } from "../../test/helpers/upstash-rest-bridge.js";
import { ALICE } from "./browser-tickets.contract.js";
import { BrowserTickets } from "./browser-tickets.js";
import { RedisTicketStore } from "./redis-ticket-store.js";
import { startWorkerdScript, type WorkerdScript } from "../../test/helpers/workerd-script.js";

// A Worker that authenticates what it is sent and answers what it decided.
const worker = `
  import { Authenticator, clientKeysFromEntries, parseAuthSettings, UpstashTicketStore } from "./index.ts";
  export default {
    async fetch(request) {
      const { issuer, audience, rest, requests } = await request.json();
      const auth = await Authenticator.create({
        settings: parseAuthSettings({ mode: "required", clientKeys: { secretRef: { name: "keys" } }, oidc: { issuer, audience } }),
        clientKeys: clientKeysFromEntries({ alice: "omnia-demo-alice", "alice.role": "editor" }),
        ticketStore: new UpstashTicketStore(rest),
      });
      const answers = [];
      for (const { buy, ...req } of requests) {
        answers.push(buy ? await auth.issueTicket(req, "default/secured") : await auth.authenticate(req, "default/secured"));
      }
      await auth.close();
      return Response.json(answers);
    },
  };`;

let issuer: OidcIssuer;
let redis: RedisServer;
let bridge: UpstashRestBridge;
let script: WorkerdScript;

beforeAll(async () => {
  [issuer, redis] = await Promise.all([startOidcIssuer(), startRedis()]);
  await issuer.createKey("RS256");
  bridge = await startUpstashRestBridge({ redisUrl: redis.url });
  script = await startWorkerdScript(worker, import.meta.dirname);
}, 60_000);
afterAll(async () => {
  await script?.dispose();
  await bridge?.close();
  await Promise.all([issuer?.close(), redis?.stop()]);
});

type WorkerRequest = { authorization?: string; ticket?: string; clientAddress: string; buy?: boolean };
const inWorkerd = async (requests: WorkerRequest[]) => {
  const body = { issuer: issuer.url, audience: TEST_AUDIENCE, rest: { url: bridge.url, token: bridge.token }, requests };
  return (await (await script.workerd.dispatchFetch("http://worker/", { method: "POST", body: JSON.stringify(body) })).json()) as Record<string, unknown>[];
};

describe("authentication in workerd", () => {
  it("bundles with no node:* module or ioredis in its import graph", () => {
    const { inputs } = script;
    expect(inputs.filter((input) => input.startsWith("node:") || input.includes("ioredis"))).toEqual([]);
    expect(inputs.some((input) => input.includes("node_modules/jose/"))).toBe(true);
    expect(script.externalImports).toEqual([]);
  });

  it("verifies JWTs against the issuer's JWKS and API keys, and refuses bad ones", async () => {
    const good = await issuer.sign({ sub: "carol", groups: ["ops"] });
    const [jwt, expired, hs256, key, wrong] = await inWorkerd([
      { authorization: `Bearer ${good}`, clientAddress: "10.0.0.1" },
      { authorization: `Bearer ${await issuer.sign({}, { expiresIn: -120 })}`, clientAddress: "10.0.0.2" },
      { authorization: `Bearer ${await issuer.signHs256WithPublicKey({})}`, clientAddress: "10.0.0.2" },
      { authorization: "Bearer omnia-demo-alice", clientAddress: "10.0.0.3" },
      { authorization: "Bearer omnia-demo-mallory", clientAddress: "10.0.0.3" },
    ]);
    expect(jwt).toEqual({ subject: "carol", role: "viewer", groups: ["ops"], method: "oidc" });
    expect(expired).toMatchObject({ status: 401, message: "the token has expired" });
    expect(hs256).toMatchObject({ status: 401, message: "the token's signing algorithm is not accepted" });
    expect(key).toEqual({ subject: "apikey:alice", role: "editor", groups: [], method: "api_key", keyName: "alice" });
    expect(wrong).toMatchObject({ status: 401, message: "the API key is not valid" });
  });

  it("redeems at the edge a ticket bought at a pod, and the other way round, once each", async () => {
    const pod = new BrowserTickets(new RedisTicketStore(redis.url));
    try {
      const fromPod = await pod.issueTicket(ALICE, "default/secured");
      const [redeemed, again, bought] = await inWorkerd([
        { ticket: fromPod.ticket, clientAddress: "10.0.1.1" },
        { ticket: fromPod.ticket, clientAddress: "10.0.1.1" },
        { authorization: "Bearer omnia-demo-alice", clientAddress: "10.0.1.2", buy: true },
      ]);
      expect(redeemed).toEqual({ ...ALICE, method: "ticket" });
      expect(again).toMatchObject({ status: 401 });
      const ticket = String(bought?.ticket);
      expect(await pod.redeemTicket(ticket, "default/secured")).toMatchObject({ subject: "apikey:alice", method: "ticket" });
      expect(await pod.redeemTicket(ticket, "default/secured")).toBeNull();
    } finally {
      await pod.close();
    }
  });
});
