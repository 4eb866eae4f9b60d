import * as v from "valibot";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startOidcIssuer, TEST_AUDIENCE, type OidcIssuer } from "../../test/helpers/oidc-issuer.js";
import { OidcSettingsSchema, type OidcSettingsInput } from "./external-auth-schema.js";
import { OidcVerifier, type OidcVerifierOptions } from "./oidc-verifier.js";
import { looksLikeJwt } from "./token-shape.js";

let issuer: OidcIssuer;
beforeAll(async () => {
  issuer = await startOidcIssuer();
  await issuer.createKey("RS256");
});
afterAll(async () => {
  await issuer?.close();
});

const verifierFor = (settings: Partial<OidcSettingsInput> = {}, options?: OidcVerifierOptions) =>
  new OidcVerifier(v.parse(OidcSettingsSchema, { issuer: issuer.url, audience: TEST_AUDIENCE, ...settings }), options);
const refusedWith = (reason: RegExp) => ({ ok: false, kind: "invalid", reason: expect.stringMatching(reason) });

describe("OidcVerifier", () => {
  it("accepts a good RS256 or ES256 token and maps the default claims", async () => {
    const es = await issuer.createKey("ES256");
    const verifier = verifierFor();
    const token = await issuer.sign({ sub: "alice", role: "editor", groups: ["team-a", "team-b"] });
    expect(await verifier.verify(token)).toEqual({ ok: true, subject: "alice", role: "editor", groups: ["team-a", "team-b"] });
    expect(await verifier.verify(await issuer.sign({ sub: "bob" }, { kid: es }))).toEqual({ ok: true, subject: "bob", role: "viewer", groups: [] });
  });

  it("maps subject, role and groups through dotted claim paths", async () => {
    const verifier = verifierFor({ claimMapping: { subject: "email", role: "realm_access.role", groups: "realm_access.groups" }, defaultRole: "guest" });
    const token = await issuer.sign({ email: "a@example.com", realm_access: { role: "owner", groups: "ops" } });
    expect(await verifier.verify(token)).toEqual({ ok: true, subject: "a@example.com", role: "owner", groups: ["ops"] });
    expect(await verifier.verify(await issuer.sign({ email: "b@example.com" }))).toMatchObject({ ok: true, role: "guest", groups: [] });
  });

  it("refuses claims of the wrong type instead of coercing them", async () => {
    const verifier = verifierFor();
    expect(await verifier.verify(await issuer.sign({ sub: 42 as unknown as string }))).toEqual(refusedWith(/claim sub .*not a non-empty string/));
    expect(await verifier.verify(await issuer.sign({ sub: "x", role: ["admin"] }))).toEqual(refusedWith(/claim role/));
    expect(await verifier.verify(await issuer.sign({ sub: "x", groups: [1, 2] }))).toEqual(refusedWith(/claim groups/));
    expect(await verifier.verify(await issuer.sign({ sub: "apikey:alice" }))).toEqual(refusedWith(/may not start with apikey:/));
  });

  it("refuses an expired token, and one not valid yet, beyond the 60 s leeway only", async () => {
    const verifier = verifierFor();
    expect(await verifier.verify(await issuer.sign({}, { expiresIn: -90 }))).toEqual(refusedWith(/expired/));
    expect(await verifier.verify(await issuer.sign({}, { expiresIn: -30 }))).toMatchObject({ ok: true });
    expect(await verifier.verify(await issuer.sign({}, { notBefore: 90 }))).toEqual(refusedWith(/not valid yet/));
    expect(await verifier.verify(await issuer.sign({}, { notBefore: 30 }))).toMatchObject({ ok: true });
    expect(await verifier.verify(await issuer.sign({}, { expiresIn: null }))).toEqual(refusedWith(/exp claim/));
  });

  it("refuses a wrong issuer and a wrong audience", async () => {
    const verifier = verifierFor({ audience: ["omnia", "other"] });
    expect(await verifier.verify(await issuer.sign({}, { issuer: "https://evil.example" }))).toEqual(refusedWith(/not issued by/));
    expect(await verifier.verify(await issuer.sign({}, { audience: "someone-else" }))).toEqual(refusedWith(/audience/));
    expect(await verifier.verify(await issuer.sign({}, { audience: "other" }))).toMatchObject({ ok: true });
  });

  it("refuses a tampered token", async () => {
    const verifier = verifierFor();
    const [header, , signature] = (await issuer.sign({ sub: "alice", role: "viewer" })).split(".");
    const forged = Buffer.from(JSON.stringify({ sub: "alice", role: "owner", iss: issuer.url, aud: TEST_AUDIENCE, exp: Math.floor(Date.now() / 1000) + 300 })).toString("base64url");
    expect(await verifier.verify(`${header}.${forged}.${signature}`)).toEqual(refusedWith(/signature does not verify/));
  });

  it("refuses alg none and HS256 signed with the issuer's public key", async () => {
    const verifier = verifierFor();
    const none = issuer.unsigned({ sub: "mallory" });
    expect(looksLikeJwt(none)).toBe(true);
    expect(await verifier.verify(none)).toEqual(refusedWith(/algorithm is not accepted/));
    expect(await verifier.verify(await issuer.signHs256WithPublicKey({ sub: "mallory" }))).toEqual(refusedWith(/algorithm is not accepted/));
  });

  it("refuses only the algorithms it is not configured for", async () => {
    const es = await issuer.createKey("ES256");
    const rsOnly = verifierFor({ algorithms: ["RS256"] });
    expect(await rsOnly.verify(await issuer.sign({}, { kid: es }))).toEqual(refusedWith(/algorithm is not accepted/));
    expect(v.safeParse(OidcSettingsSchema, { issuer: issuer.url, audience: "a", algorithms: ["HS256"] }).issues?.[0]?.message).toMatch(/HS256\W* is not an accepted algorithm/);
  });

  it("refetches the JWKS on an unknown kid at most once per cooldown, then accepts the rotated key", async () => {
    // Keys are made up front: making an RSA key can take longer than a short cooldown on a busy machine.
    const next = await issuer.createKey("RS256", { publish: false });
    const unknown = await issuer.createKey("RS256", { publish: false });
    const verifier = verifierFor({}, { jwksCooldownMs: 1_500 });
    expect(await verifier.verify(await issuer.sign({}))).toMatchObject({ ok: true });
    const fetched = issuer.jwksFetches;

    const early = await issuer.sign({ sub: "rotated" }, { kid: next });
    // Unknown kid within the cooldown: no refetch, refused.
    expect(await verifier.verify(early)).toEqual(refusedWith(/no key of the issuer matches/));
    expect(await verifier.verify(early)).toEqual(refusedWith(/no key/));
    expect(issuer.jwksFetches).toBe(fetched);

    issuer.publish(next);
    await new Promise((resolve) => setTimeout(resolve, 1_600));
    expect(await verifier.verify(early)).toMatchObject({ ok: true, subject: "rotated" });
    expect(issuer.jwksFetches).toBe(fetched + 1);
    // A stream of made-up kids right after costs no further fetch.
    for (let i = 0; i < 5; i++) await verifier.verify(await issuer.sign({}, { kid: unknown }));
    expect(issuer.jwksFetches).toBe(fetched + 1);
  });

  it("waits a minute by default before refetching for an unknown kid", async () => {
    const verifier = verifierFor();
    await verifier.verify(await issuer.sign({}));
    const fetched = issuer.jwksFetches;
    await verifier.verify(await issuer.sign({}, { kid: await issuer.createKey("RS256", { publish: false }) }));
    expect(issuer.jwksFetches).toBe(fetched);
  });

  it("says the issuer is unavailable when discovery fails, and asks again on the next token", async () => {
    const gone = await startOidcIssuer();
    await gone.createKey();
    const token = await gone.sign({});
    await gone.close();
    const verifier = new OidcVerifier(v.parse(OidcSettingsSchema, { issuer: gone.url, audience: TEST_AUDIENCE }), { timeoutMs: 1_000 });
    const result = await verifier.verify(token);
    expect(result).toMatchObject({ ok: false, kind: "unavailable", reason: expect.stringContaining(gone.url) });
    expect(JSON.stringify(result)).not.toContain(token);
  });

  it("refuses metadata that names another issuer", async () => {
    const verifier = new OidcVerifier(v.parse(OidcSettingsSchema, { issuer: `${issuer.url}/other`, audience: TEST_AUDIENCE }));
    expect(await verifier.verify(await issuer.sign({}))).toMatchObject({ ok: false, kind: "unavailable" });
  });
});

describe("OidcSettingsSchema", () => {
  it("takes https issuers and http only on loopback", () => {
    const issues = (issuerUrl: string) => v.safeParse(OidcSettingsSchema, { issuer: issuerUrl, audience: "a" }).issues?.[0]?.message;
    expect(issues("https://login.example.com/realms/x")).toBeUndefined();
    expect(issues("http://127.0.0.1:8080")).toBeUndefined();
    expect(issues("http://login.example.com")).toMatch(/https/);
    expect(issues("https://login.example.com/?x=1")).toMatch(/query/);
  });
});
