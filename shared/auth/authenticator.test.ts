import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startOidcIssuer, TEST_AUDIENCE, type OidcIssuer } from "../../test/helpers/oidc-issuer.js";
import { parseAuthSettings, type AuthSettingsInput } from "./auth-settings.js";
import { Authenticator, type AuthRequest } from "./authenticator.js";
import { clientKeysFromEntries } from "./client-key-secret.js";
import { isRefusal, type Identity, type Refusal } from "./identity.js";

let issuer: OidcIssuer;
beforeAll(async () => {
  issuer = await startOidcIssuer();
  await issuer.createKey("ES256");
});
afterAll(async () => {
  await issuer?.close();
});

const demoKeys = clientKeysFromEntries({ alice: "omnia-demo-alice", "alice.role": "editor", bob: "omnia-demo-bob" });
const AGENT = "default/secured";

async function authenticatorWith(extra: Partial<AuthSettingsInput> = {}, now?: () => number) {
  const settings = parseAuthSettings({
    mode: "required",
    clientKeys: { secretRef: { name: "secured-keys" } },
    oidc: { issuer: issuer.url, audience: TEST_AUDIENCE },
    failedAttemptsPerMinute: 6,
    failedAttemptsBurst: 3,
    ...extra,
  });
  return Authenticator.create({ settings, clientKeys: demoKeys, now });
}

const bearer = (token: string, clientAddress = "10.0.0.1"): AuthRequest => ({ authorization: `Bearer ${token}`, clientAddress });
const refusal = (result: Identity | Refusal | object): Refusal => {
  if (!("status" in result)) throw new Error(`expected a refusal, got ${JSON.stringify(result)}`);
  return result as Refusal;
};

describe("Authenticator", () => {
  it("lets everyone in as anonymous when the mode is none", async () => {
    const auth = await Authenticator.create({ settings: parseAuthSettings({ mode: "none" }) });
    expect(await auth.authenticate({ clientAddress: "10.0.0.1" }, AGENT)).toEqual({ subject: "anonymous", role: "anonymous", groups: [], method: "none" });
  });

  it("asks for a credential with a bare Bearer challenge", async () => {
    const auth = await authenticatorWith();
    expect(await auth.authenticate({ clientAddress: "10.0.0.1" }, AGENT)).toEqual({
      status: 401,
      code: "UNAUTHORIZED",
      message: "authentication required: send Authorization: Bearer <API key or JWT>, or ?ticket= from POST /ws/ticket",
      wwwAuthenticate: 'Bearer realm="omnia"',
    });
  });

  it("takes the right API key, refuses a wrong one and other schemes", async () => {
    const auth = await authenticatorWith();
    expect(await auth.authenticate(bearer("omnia-demo-alice"), AGENT)).toEqual({ subject: "apikey:alice", role: "editor", groups: [], method: "api_key", keyName: "alice" });
    expect(await auth.authenticate(bearer("omnia-demo-bob"), AGENT)).toMatchObject({ subject: "apikey:bob", role: "viewer", keyName: "bob" });
    const wrong = refusal(await auth.authenticate(bearer("omnia-demo-mallory", "10.0.0.2"), AGENT));
    expect(wrong).toEqual({
      status: 401,
      code: "UNAUTHORIZED",
      message: "the API key is not valid",
      wwwAuthenticate: 'Bearer realm="omnia", error="invalid_token", error_description="the API key is not valid"',
    });
    expect(await auth.authenticate({ authorization: "Basic b21uaWE6ZGVtbw==", clientAddress: "10.0.0.3" }, AGENT)).toMatchObject({
      status: 401,
      message: "the Authorization header must be Bearer <token>",
    });
  });

  it("refuses a key revoked by editing the Secret without a restart", async () => {
    const auth = await authenticatorWith();
    expect(isRefusal(await auth.authenticate(bearer("omnia-demo-bob"), AGENT))).toBe(false);
    await auth.replaceKeys(clientKeysFromEntries({ alice: "omnia-demo-alice" }));
    expect(await auth.authenticate(bearer("omnia-demo-bob"), AGENT)).toMatchObject({ status: 401, message: "the API key has been revoked", keyName: "bob" });
    expect(await auth.authenticate(bearer("omnia-demo-alice"), AGENT)).toMatchObject({ subject: "apikey:alice", role: "viewer" });
  });

  it("takes a JWT from the issuer and refuses a bad one with invalid_token", async () => {
    const auth = await authenticatorWith();
    const good = await issuer.sign({ sub: "carol", role: "owner", groups: ["ops"] });
    expect(await auth.authenticate(bearer(good), AGENT)).toEqual({ subject: "carol", role: "owner", groups: ["ops"], method: "oidc" });
    const expired = await issuer.sign({ sub: "carol" }, { expiresIn: -120 });
    expect(await auth.authenticate(bearer(expired, "10.0.0.4"), AGENT)).toMatchObject({
      status: 401,
      wwwAuthenticate: 'Bearer realm="omnia", error="invalid_token", error_description="the token has expired"',
    });
    expect(await auth.authenticate(bearer(issuer.unsigned({ sub: "carol" }), "10.0.0.4"), AGENT)).toMatchObject({ status: 401, message: "the token's signing algorithm is not accepted" });
  });

  it("refuses JWTs when no issuer is configured, and API keys when no keys are", async () => {
    const keysOnly = await Authenticator.create({ settings: parseAuthSettings({ mode: "required", clientKeys: { secretRef: { name: "k" } } }), clientKeys: demoKeys });
    expect(await keysOnly.authenticate(bearer(await issuer.sign({})), AGENT)).toMatchObject({ status: 401, message: "JWTs are not accepted by this agent (no OIDC issuer configured)" });
    const oidcOnly = await Authenticator.create({ settings: parseAuthSettings({ mode: "required", oidc: { issuer: issuer.url, audience: TEST_AUDIENCE } }) });
    expect(await oidcOnly.authenticate(bearer("omnia-demo-alice"), AGENT)).toMatchObject({ status: 401, message: "API keys are not accepted by this agent" });
  });

  it("answers 503 when the issuer cannot be asked", async () => {
    const auth = await Authenticator.create({
      settings: parseAuthSettings({ mode: "required", oidc: { issuer: "http://127.0.0.1:9", audience: TEST_AUDIENCE } }),
      oidcOptions: { timeoutMs: 1_000 },
    });
    const token = await issuer.sign({});
    const answer = refusal(await auth.authenticate(bearer(token), AGENT));
    expect(answer).toMatchObject({ status: 503, code: "AGENT_UNAVAILABLE", retryAfterSeconds: 5 });
    expect(answer.message).toContain("http://127.0.0.1:9");
  });

  it("sells a ticket for a bearer token that redeems once, for its agent, as the buyer", async () => {
    let clock = Date.now();
    const auth = await authenticatorWith({}, () => clock);
    const issued = await auth.issueTicket(bearer("omnia-demo-alice"), AGENT);
    if ("status" in issued) throw new Error(issued.message);
    expect(Date.parse(issued.expires_at)).toBe(clock + 60_000);
    const withTicket = { ticket: issued.ticket, clientAddress: "10.0.0.5" };
    expect(await auth.authenticate(withTicket, "default/assistant")).toMatchObject({ status: 401 });
    expect(await auth.authenticate(withTicket, AGENT)).toEqual({ subject: "apikey:alice", role: "editor", groups: [], method: "ticket", keyName: "alice" });
    expect(await auth.authenticate(withTicket, AGENT)).toMatchObject({ status: 401, message: "the ticket is unknown, already used, expired or for another agent" });

    const late = await auth.issueTicket(bearer("omnia-demo-bob"), AGENT);
    if ("status" in late) throw new Error(late.message);
    clock += 60_001;
    expect(await auth.authenticate({ ticket: late.ticket, clientAddress: "10.0.0.6" }, AGENT)).toMatchObject({ status: 401 });
  });

  it("does not sell a ticket for a ticket, nor for a bad token", async () => {
    const auth = await authenticatorWith();
    const issued = await auth.issueTicket(bearer("omnia-demo-alice"), AGENT);
    if ("status" in issued) throw new Error(issued.message);
    expect(await auth.issueTicket({ ticket: issued.ticket, clientAddress: "10.0.0.7" }, AGENT)).toMatchObject({ status: 401, wwwAuthenticate: 'Bearer realm="omnia"' });
    expect(await auth.issueTicket(bearer("omnia-demo-nobody", "10.0.0.7"), AGENT)).toMatchObject({ status: 401 });
  });

  it("rate-limits failed attempts per client address, even with a right key afterwards, until time passes", async () => {
    let clock = 0;
    const auth = await authenticatorWith({}, () => clock);
    for (let i = 0; i < 3; i++) expect(await auth.authenticate(bearer(`guess-number-${i}`, "10.9.9.9"), AGENT)).toMatchObject({ status: 401 });
    expect(await auth.authenticate(bearer("omnia-demo-alice", "10.9.9.9"), AGENT)).toEqual({
      status: 429,
      code: "RATE_LIMITED",
      message: "too many failed authentication attempts; retry in 10 s",
      retryAfterSeconds: 10,
    });
    // Other addresses are not affected.
    expect(await auth.authenticate(bearer("omnia-demo-alice", "10.9.9.8"), AGENT)).toMatchObject({ method: "api_key" });
    // A request with no credential is not a guess.
    for (let i = 0; i < 5; i++) await auth.authenticate({ clientAddress: "10.9.9.7" }, AGENT);
    expect(await auth.authenticate(bearer("omnia-demo-alice", "10.9.9.7"), AGENT)).toMatchObject({ method: "api_key" });
    clock += 10_000;
    expect(await auth.authenticate(bearer("omnia-demo-alice", "10.9.9.9"), AGENT)).toMatchObject({ method: "api_key" });
    // A bad ticket counts as a failed attempt too.
    expect(await auth.authenticate({ ticket: "A".repeat(43), clientAddress: "10.9.9.9" }, AGENT)).toMatchObject({ status: 401 });
    expect(await auth.authenticate(bearer("omnia-demo-alice", "10.9.9.9"), AGENT)).toMatchObject({ status: 429 });
  });

  it("rate-limits a revoked key's name across addresses", async () => {
    let clock = 0;
    const auth = await authenticatorWith({}, () => clock);
    await auth.replaceKeys(clientKeysFromEntries({ alice: "omnia-demo-alice" }));
    const from = (i: number) => bearer("omnia-demo-bob", `10.1.0.${i}`);
    for (let i = 0; i < 2; i++) expect(await auth.authenticate(from(i), AGENT)).toMatchObject({ status: 401 });
    expect(await auth.authenticate(from(2), AGENT)).toMatchObject({ status: 429, code: "RATE_LIMITED", keyName: "bob" });
    expect(await auth.authenticate(bearer("omnia-demo-alice", "10.1.0.3"), AGENT)).toMatchObject({ method: "api_key" });
  });

  it("never puts the presented token in a refusal", async () => {
    const auth = await authenticatorWith();
    const tokens = [
      "omnia-demo-mallory-secret",
      await issuer.sign({}, { expiresIn: -300 }),
      await issuer.sign({}, { audience: "other" }),
      issuer.unsigned({}),
      `${await issuer.sign({})}x`,
    ];
    for (const [i, token] of tokens.entries()) {
      const answer = await auth.authenticate(bearer(token, `10.2.0.${i}`), AGENT);
      expect(isRefusal(answer)).toBe(true);
      expect(JSON.stringify(answer)).not.toContain(token);
      for (const part of token.split(".").filter((p) => p.length > 8)) expect(JSON.stringify(answer)).not.toContain(part);
    }
    const ticket = await auth.authenticate({ ticket: "T".repeat(43), clientAddress: "10.2.0.9" }, AGENT);
    expect(JSON.stringify(ticket)).not.toContain("T".repeat(43));
  });
});
