// Issue 8 on the Node facade, end to end against a real runtime: API keys from a mounted Secret
// (right, wrong, revoked by editing the Secret without a restart), OIDC JWTs from a local issuer
// (rotation mid-test, bad tokens), one-use browser tickets (twice, for another agent, on another
// replica sharing one Redis), sessions kept to their owners, and no credential in any answer or
// log line.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeMountedSecret } from "../../deploy/local/mounted-secret.js";
import { startConformanceRuntime, type ConformanceRuntime } from "../helpers/conformance-runtime.js";
import { eventually } from "../helpers/eventually.js";
import { startOidcIssuer, TEST_AUDIENCE, type OidcIssuer } from "../helpers/oidc-issuer.js";
import { ProtocolClient } from "../helpers/protocol-client.js";
import { startRedis, type RedisServer } from "../helpers/redis-server.js";
import { bearer, rawUpgrade, startAuthFacade, type AuthFacade } from "./auth-facade.js";

const KEYS = { alice: "omnia-demo-alice", bob: "omnia-demo-bob" };
const dir = mkdtempSync(join(tmpdir(), "omnia-auth-"));
const keysDir = join(dir, "keys");
/** Every credential a test presented: none may show up in a response or a log line. */
const presented: string[] = [...Object.values(KEYS)];

let runtime: ConformanceRuntime;
let issuer: OidcIssuer;
let redis: RedisServer;
let a: AuthFacade;
let b: AuthFacade;

beforeAll(async () => {
  writeMountedSecret(keysDir, KEYS);
  [runtime, issuer, redis] = await Promise.all([startConformanceRuntime(), startOidcIssuer(), startRedis()]);
  await issuer.createKey("RS256");
  const env = {
    // Two agents on one runtime, so a ticket can be presented at the wrong one.
    OMNIA_AGENT_ROUTES: `default/secured=${runtime.grpcAddress},default/other=${runtime.grpcAddress}`,
    OMNIA_EXTERNAL_AUTH: JSON.stringify({ clientKeys: { secretRef: { name: "secured-keys" } }, oidc: { issuer: issuer.url, audience: TEST_AUDIENCE } }),
    OMNIA_AUTH_KEYS_DIR: keysDir,
    OMNIA_AUTH_KEYS_POLL: "100ms",
    OMNIA_OIDC_JWKS_COOLDOWN: "0s",
    // The failed attempts of these tests come from one address; their limit has a test of its own.
    OMNIA_AUTH_FAILURE_BURST: "1000",
    OMNIA_REDIS_URL: redis.url,
  };
  [a, b] = await Promise.all([startAuthFacade(env), startAuthFacade(env)]);
}, 60_000);

afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
  await Promise.all([runtime?.stop(500), issuer?.close(), redis?.stop()]);
  rmSync(dir, { recursive: true, force: true });
});

const secured = { agent: "secured" };

async function chat(facade: AuthFacade, headers: Record<string, string>, query: Record<string, string> = secured): Promise<ProtocolClient> {
  const client = await ProtocolClient.connect(facade.wsUrl(query), { headers });
  await client.next("connected");
  return client;
}

/** A turn on the connection's current session (the last `connected` named it). */
async function say(client: ProtocolClient, content: string) {
  client.send({ type: "message", content, session_id: currentSession(client) });
  return client.turn();
}

function currentSession(client: ProtocolClient): string {
  return client.frames.findLast((f) => f.type === "connected")?.session_id ?? "";
}

describe("API keys", () => {
  it("lets a right key in and runs a turn", async () => {
    const client = await chat(a, bearer(KEYS.alice));
    expect((await say(client, "hello")).end.type).toBe("done");
    client.close();
  });

  it("answers a missing or wrong key with 401 and a Bearer challenge, quoting no key", async () => {
    const none = await rawUpgrade(a.wsUrl(secured));
    expect(none.status).toBe(401);
    expect(none.headers["www-authenticate"]).toBe('Bearer realm="omnia"');
    const wrongKey = "omnia-demo-mallory";
    presented.push(wrongKey);
    const wrong = await rawUpgrade(a.wsUrl(secured), bearer(wrongKey));
    expect(wrong.status).toBe(401);
    expect(wrong.headers["www-authenticate"]).toMatch(/^Bearer realm="omnia", error="invalid_token"/);
    expect(wrong.body + JSON.stringify(wrong.headers)).not.toContain(wrongKey);
  });

  it("refuses a key removed from the Secret, without a restart, and takes it back when restored", async () => {
    expect((await rawUpgrade(a.wsUrl(secured), bearer(KEYS.bob))).status).toBe(101);
    writeMountedSecret(keysDir, { alice: KEYS.alice });
    await eventually(async () => expect((await rawUpgrade(a.wsUrl(secured), bearer(KEYS.bob))).status).toBe(401), 5_000, 100);
    expect((await rawUpgrade(a.wsUrl(secured), bearer(KEYS.alice))).status).toBe(101);
    writeMountedSecret(keysDir, KEYS);
    await eventually(async () => expect((await rawUpgrade(a.wsUrl(secured), bearer(KEYS.bob))).status).toBe(101), 5_000, 100);
  });

  it("applies OMNIA_EXTERNAL_AUTH to every agent the facade serves", async () => {
    expect((await rawUpgrade(a.wsUrl({ agent: "other" }))).status).toBe(401);
  });
});

describe("OIDC tokens", () => {
  it("lets a valid token in, and a token of a key rotated in mid-test", async () => {
    const first = await issuer.sign({ sub: "carol" });
    presented.push(first);
    expect((await rawUpgrade(a.wsUrl(secured), bearer(first))).status).toBe(101);
    await issuer.rotate();
    const rotated = await issuer.sign({ sub: "carol" });
    presented.push(rotated);
    expect((await rawUpgrade(a.wsUrl(secured), bearer(rotated))).status).toBe(101);
  });

  it("refuses expired, not yet valid, wrong-issuer, wrong-audience, unsigned and HS256-with-public-key tokens", async () => {
    await issuer.createKey("RS256");
    const bad = {
      expired: await issuer.sign({ sub: "carol" }, { expiresIn: -3600 }),
      notYetValid: await issuer.sign({ sub: "carol" }, { notBefore: 3600 }),
      wrongIssuer: await issuer.sign({ sub: "carol" }, { issuer: "https://elsewhere.example" }),
      wrongAudience: await issuer.sign({ sub: "carol" }, { audience: "someone-else" }),
      unsigned: issuer.unsigned({ sub: "carol" }),
      hs256: await issuer.signHs256WithPublicKey({ sub: "carol" }),
    };
    for (const [what, token] of Object.entries(bad)) {
      presented.push(token);
      const refused = await rawUpgrade(a.wsUrl(secured), bearer(token));
      expect(refused.status, what).toBe(401);
      expect(refused.headers["www-authenticate"], what).toMatch(/error="invalid_token"/);
      expect(refused.body, what).not.toContain(token);
    }
  });
});

describe("browser tickets", () => {
  async function buyTicket(facade: AuthFacade, key = KEYS.alice, agent = "secured"): Promise<string> {
    const answer = await facade.ticket(`Bearer ${key}`, { agent });
    expect(answer.status).toBe(200);
    expect(answer.headers.get("cache-control")).toBe("no-store");
    expect(Date.parse(String(answer.body.expires_at)) - Date.now()).toBeGreaterThan(30_000);
    const ticket = String(answer.body.ticket);
    presented.push(ticket);
    return ticket;
  }

  it("sells a ticket for a bearer token only, and refuses a wrong one with 401", async () => {
    const refused = await a.ticket("Bearer omnia-demo-nobody", secured);
    expect(refused.status).toBe(401);
    expect(refused.headers.get("www-authenticate")).toMatch(/^Bearer realm="omnia"/);
    expect(refused.body).toMatchObject({ error: { code: "UNAUTHORIZED" } });
    expect((await a.ticket(undefined, secured)).status).toBe(401);
  });

  it("opens one connection, once", async () => {
    const ticket = await buyTicket(a);
    const client = await chat(a, {}, { ...secured, ticket });
    expect((await say(client, "hi")).end.type).toBe("done");
    client.close();
    const again = await rawUpgrade(a.wsUrl({ ...secured, ticket }));
    expect(again.status).toBe(401);
    expect(again.body).not.toContain(ticket);
  });

  it("does not open another agent, and stays usable where it belongs", async () => {
    const ticket = await buyTicket(a);
    expect((await rawUpgrade(a.wsUrl({ agent: "other", ticket }))).status).toBe(401);
    expect((await rawUpgrade(a.wsUrl({ ...secured, ticket }))).status).toBe(101);
  });

  it("is redeemed on another replica sharing the Redis, and then by nobody", async () => {
    const ticket = await buyTicket(a);
    expect((await rawUpgrade(b.wsUrl({ ...secured, ticket }))).status).toBe(101);
    expect((await rawUpgrade(a.wsUrl({ ...secured, ticket }))).status).toBe(401);
  });
});

describe("sessions belong to who made them", () => {
  it("refuses bob alice's session, as it refuses a session that does not exist, and shows him nothing of it", async () => {
    const alice = await chat(a, bearer(KEYS.alice));
    const aliceTurn = await say(alice, "my secret plan");
    const sessionId = currentSession(alice);
    const aliceText = aliceTurn.end.type === "done" ? (aliceTurn.end.content ?? "") : "";
    alice.close();
    const unknown = crypto.randomUUID();

    for (const facade of [a, b]) {
      const bob = await chat(facade, bearer(KEYS.bob));
      const answers = [];
      for (const id of [sessionId, unknown]) {
        bob.send({ type: "message", session_id: id, content: "continue" });
        answers.push((await bob.next("error")).error);
        bob.send({ type: "resume", session_id: id, after_seq: 0 });
        answers.push((await bob.next("error")).error);
      }
      expect(answers.map((e) => e.code)).toEqual(["UNAUTHORIZED", "UNAUTHORIZED", "UNAUTHORIZED", "UNAUTHORIZED"]);
      expect(answers[0]?.message.replace(sessionId, "<id>")).toBe(answers[2]?.message.replace(unknown, "<id>"));
      const resumed = await ProtocolClient.connect(facade.wsUrl({ ...secured, resume: sessionId }), { headers: bearer(KEYS.bob) });
      const hello = await resumed.next("connected");
      expect(hello.session_id).not.toBe(sessionId);
      expect((await resumed.next("error")).error.code).toBe("UNAUTHORIZED");
      const seen = JSON.stringify([...bob.frames, ...resumed.frames]);
      expect(seen).not.toContain("seq\":1");
      if (aliceText) expect(seen).not.toContain(aliceText);
      bob.close();
      resumed.close();
    }
  });

  it("lets alice back into her session on the other replica", async () => {
    const alice = await chat(a, bearer(KEYS.alice));
    await say(alice, "first");
    const sessionId = currentSession(alice);
    alice.close();
    const back = await ProtocolClient.connect(b.wsUrl({ ...secured, resume: sessionId, after_seq: "0" }), { headers: bearer(KEYS.alice) });
    expect(await back.next("connected")).toMatchObject({ session_id: sessionId, connected: { resumed: true } });
    expect((await say(back, "second")).end.type).toBe("done");
    back.close();
  });
});

describe("when the shared store is down", () => {
  it("answers a ticket request 503 with Retry-After, and a message naming a session AGENT_UNAVAILABLE, until Redis is back", async () => {
    const alice = await chat(a, bearer(KEYS.alice));
    await redis.kill();
    try {
      const ticket = await a.ticket(`Bearer ${KEYS.alice}`, secured);
      expect(ticket.status).toBe(503);
      expect(Number(ticket.headers.get("retry-after"))).toBeGreaterThan(0);
      expect(ticket.body).toMatchObject({ error: { code: "AGENT_UNAVAILABLE" } });
      alice.send({ type: "message", session_id: crypto.randomUUID(), content: "hello" });
      expect((await alice.next("error")).error.code).toBe("AGENT_UNAVAILABLE");
    } finally {
      await redis.restart();
    }
    await eventually(async () => expect((await a.ticket(`Bearer ${KEYS.alice}`, secured)).status).toBe(200), 10_000, 200);
    alice.close();
  });
});

describe("quiet refusals", () => {
  it("never writes a presented credential into a log line", () => {
    const logs = [...a.logs, ...b.logs].join("\n");
    expect(logs).toContain("upgrade refused");
    for (const credential of presented) expect(logs).not.toContain(credential);
  });
});
