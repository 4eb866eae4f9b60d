import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startOidcIssuer, TEST_AUDIENCE, type OidcIssuer } from "./oidc-issuer.js";

let issuer: OidcIssuer;
beforeAll(async () => {
  issuer = await startOidcIssuer();
});
afterAll(async () => {
  await issuer?.close();
});

const getJson = async (url: string) => (await fetch(url)).json() as Promise<Record<string, unknown>>;

describe("test OIDC issuer", () => {
  it("serves discovery naming itself and its JWKS, on loopback", async () => {
    expect(issuer.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await getJson(`${issuer.url}/.well-known/openid-configuration`)).toMatchObject({ issuer: issuer.url, jwks_uri: `${issuer.url}/jwks` });
  });

  it("signs RS256 and ES256 tokens that verify against its published JWKS", async () => {
    const rs = await issuer.createKey("RS256");
    const es = await issuer.createKey("ES256");
    const before = issuer.jwksFetches;
    const jwks = createLocalJWKSet((await getJson(`${issuer.url}/jwks`)) as never);
    expect(issuer.jwksFetches).toBe(before + 1);
    for (const kid of [rs, es]) {
      const token = await issuer.sign({ sub: "alice", role: "editor" }, { kid });
      const { payload, protectedHeader } = await jwtVerify(token, jwks, { issuer: issuer.url, audience: TEST_AUDIENCE });
      expect(payload).toMatchObject({ sub: "alice", role: "editor" });
      expect(protectedHeader.kid).toBe(kid);
    }
  });

  it("keeps an unpublished key out of the JWKS until published, and rotation retires the old ones", async () => {
    const hidden = await issuer.createKey("ES256", { publish: false });
    const kids = async () => ((await getJson(`${issuer.url}/jwks`)).keys as { kid: string }[]).map((k) => k.kid);
    expect(await kids()).not.toContain(hidden);
    issuer.publish(hidden);
    expect(await kids()).toContain(hidden);
    const fresh = await issuer.rotate();
    expect(await kids()).toEqual([fresh]);
    expect(decodeProtectedHeader(await issuer.sign({})).kid).toBe(fresh);
  });

  it("makes the attack tokens it promises: alg none unsigned, HS256 keyed by the public key", async () => {
    const none = issuer.unsigned({ sub: "mallory" });
    expect(decodeProtectedHeader(none).alg).toBe("none");
    expect(none.endsWith(".")).toBe(true);
    const hs = await issuer.signHs256WithPublicKey({ sub: "mallory" });
    expect(decodeProtectedHeader(hs).alg).toBe("HS256");
  });
});
