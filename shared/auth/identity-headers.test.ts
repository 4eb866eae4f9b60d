import { describe, expect, it } from "vitest";
import type { Identity } from "./identity.js";
import { identityFromHeaders, identityHeaders } from "./identity-headers.js";

const readFrom = (headers: Record<string, string>) => (name: string) => headers[name];

describe("identity headers", () => {
  it("sends what a token proved as x-omnia-* headers, plain where it can", () => {
    const alice: Identity = { subject: "apikey:alice", role: "editor", groups: [], method: "api_key", keyName: "alice" };
    expect(identityHeaders(alice)).toEqual({
      "x-omnia-user-id": "apikey:alice",
      "x-omnia-user-role": "editor",
      "x-omnia-auth-method": "api_key",
      "x-omnia-auth-key-name": "alice",
    });
    expect(identityHeaders({ subject: "a@example.com", role: "viewer", groups: ["ops"], method: "oidc" })["x-omnia-user-id"]).toBe("a@example.com");
  });

  it("round-trips subjects and groups with spaces, commas, percent signs and non-ASCII text, as valid header values", () => {
    const identity: Identity = { subject: "José Núñez", role: "role 1", groups: ["a,b", "100%", "équipe"], method: "ticket" };
    const headers = identityHeaders(identity);
    for (const value of Object.values(headers)) expect(value).toMatch(/^[\x21-\x7e]+$/);
    expect(new Headers(headers).get("x-omnia-user-groups")).toBe("a%2Cb,100%25,%C3%A9quipe");
    expect(identityFromHeaders(readFrom(headers))).toEqual(identity);
  });

  it("reads nothing from headers that are missing or malformed", () => {
    expect(identityFromHeaders(readFrom({ "x-omnia-user-id": "x", "x-omnia-user-role": "r" }))).toBeNull();
    expect(identityFromHeaders(readFrom({ "x-omnia-user-id": "x", "x-omnia-user-role": "r", "x-omnia-auth-method": "magic" }))).toBeNull();
    expect(identityFromHeaders(readFrom({ "x-omnia-user-id": "%E0%A4%A", "x-omnia-user-role": "r", "x-omnia-auth-method": "oidc" }))).toBeNull();
  });
});
