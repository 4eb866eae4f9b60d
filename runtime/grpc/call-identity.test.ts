import { Metadata } from "@grpc/grpc-js";
import { describe, expect, it } from "vitest";
import { identityHeaders } from "../../shared/auth/index.js";
import { callerIsLocal, callIdentity } from "./call-identity.js";

const alice = { subject: "alice@example.com", role: "editor", groups: ["team a"], method: "oidc" as const };

function metadata(headers: Record<string, string>): Metadata {
  const md = new Metadata();
  for (const [key, value] of Object.entries(headers)) md.set(key, value);
  return md;
}

describe("callIdentity", () => {
  it("takes the user from a trusted caller, over grpc-js metadata and gRPC-web headers alike", () => {
    const headers = { ...identityHeaders(alice), "x-omnia-session-id": "s1" };
    for (const source of [metadata(headers), new Headers(headers)]) {
      expect(callIdentity(source, true)).toEqual({ sessionId: "s1", userId: "alice@example.com", user: alice });
    }
  });

  it("drops the user a caller it does not trust claims to be", () => {
    expect(callIdentity(metadata({ ...identityHeaders(alice), "x-omnia-session-id": "s1" }), false)).toEqual({ sessionId: "s1" });
  });

  it("drops a user without role or method (not the facade's word)", () => {
    expect(callIdentity(metadata({ "x-omnia-user-id": "mallory" }), true)).toEqual({});
  });
});

describe("callerIsLocal", () => {
  it("trusts loopback peers only", () => {
    expect(callerIsLocal("127.0.0.1:50123")).toBe(true);
    expect(callerIsLocal("::1:50123")).toBe(true);
    expect(callerIsLocal("::ffff:127.0.0.1:50123")).toBe(true);
    expect(callerIsLocal("ipv4:127.0.0.1:50123")).toBe(true);
    expect(callerIsLocal("ipv6:[::1]:50123")).toBe(true);
    expect(callerIsLocal("10.0.0.7:50123")).toBe(false);
    expect(callerIsLocal("::ffff:10.0.0.7:50123")).toBe(false);
    expect(callerIsLocal("unknown")).toBe(false);
    expect(callerIsLocal("ipv6:[fe80::1]:50123")).toBe(false);
    expect(callerIsLocal("/tmp/runtime.sock")).toBe(false);
  });
});
