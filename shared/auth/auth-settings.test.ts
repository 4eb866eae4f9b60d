import { describe, expect, it } from "vitest";
import * as v from "valibot";
import { AuthConfigError, authSettingsFromExternalAuth, checkListenerAuth, parseAuthSettings } from "./auth-settings.js";
import { ExternalAuthSchema } from "./external-auth-schema.js";

const secured = parseAuthSettings({ mode: "required", clientKeys: { secretRef: { name: "secured-keys" } } });
const open = parseAuthSettings({ mode: "none" });

describe("parseAuthSettings", () => {
  it("fills the defaults", () => {
    expect(secured).toMatchObject({
      mode: "required",
      clientKeys: { secretRef: { name: "secured-keys" }, defaultRole: "viewer", trustEndUserHeader: false },
      ticketTtlSeconds: 60,
      failedAttemptsPerMinute: 10,
      failedAttemptsBurst: 10,
      limits: { maxConnectionsPerSubject: 10, messagesPerMinute: 60, messageBurst: 20, connectionRetryAfterSeconds: 5 },
    });
    const oidc = parseAuthSettings({ mode: "required", oidc: { issuer: "https://login.example.com", audience: "omnia" } });
    expect(oidc.oidc).toMatchObject({ claimMapping: { subject: "sub", role: "role", groups: "groups" }, defaultRole: "viewer" });
    expect(oidc.oidc?.algorithms).not.toContain("HS256");
  });

  it("names what is wrong", () => {
    expect(() => parseAuthSettings({ mode: "strict" })).toThrow(new AuthConfigError('auth.mode: "strict" is not none or required'));
    expect(() => parseAuthSettings({ mode: "required" })).toThrow(/mode is required but neither clientKeys nor oidc is configured/);
    expect(() => parseAuthSettings({ mode: "required", oidc: { issuer: "ftp://x", audience: "a" } }, "agent secured")).toThrow(/^agent secured\.oidc\.issuer: must be an https URL/);
    expect(() => parseAuthSettings({ mode: "required", oidc: { issuer: "https://x", audience: "a", claimMapping: { groups: "a..b" } } })).toThrow(/auth\.oidc\.claimMapping\.groups: must be a claim name or a dotted path/);
  });
});

describe("authSettingsFromExternalAuth", () => {
  it("requires auth when an AgentRuntime configures keys or OIDC, and leaves it open otherwise", () => {
    const external = v.parse(ExternalAuthSchema, { clientKeys: { secretRef: { name: "secured-keys" }, defaultRole: "editor" } });
    expect(authSettingsFromExternalAuth(external)).toMatchObject({ mode: "required", clientKeys: { secretRef: { name: "secured-keys" }, defaultRole: "editor" } });
    expect(authSettingsFromExternalAuth(undefined).mode).toBe("none");
    expect(authSettingsFromExternalAuth(v.parse(ExternalAuthSchema, { edgeTrust: {} })).mode).toBe("none");
  });

  it("names the manifest field of a bad value", () => {
    const result = v.safeParse(ExternalAuthSchema, { oidc: { issuer: "http://idp.example.com", audience: "omnia" } });
    expect(result.issues?.[0]?.message).toBe("must be an https URL (http only for a loopback issuer)");
    expect(result.issues?.[0]?.path?.map((p) => p.key)).toEqual(["oidc", "issuer"]);
  });
});

describe("checkListenerAuth", () => {
  it("lets loopback run open, and says so", () => {
    for (const host of ["127.0.0.1", "localhost", "::1", "127.0.0.5"]) {
      expect(checkListenerAuth(host, [{ name: "assistant", auth: open }, { name: "secured", auth: secured }], undefined)).toEqual({
        open: ["assistant"],
        note: `open on loopback ${host}: no auth for assistant`,
      });
    }
  });

  it("refuses to listen beyond loopback with an open agent, naming the settings", () => {
    for (const host of ["0.0.0.0", "::", "10.0.0.4"]) {
      expect(() => checkListenerAuth(host, [{ name: "assistant" }, { name: "secured", auth: secured }], undefined)).toThrow(
        new AuthConfigError(
          `refusing to listen on ${host} with no auth for agent(s) assistant: configure spec.externalAuth (clientKeys or oidc), listen on 127.0.0.1, or set OMNIA_AUTH=none to run open on purpose`,
        ),
      );
    }
  });

  it("runs open beyond loopback only with OMNIA_AUTH=none", () => {
    expect(checkListenerAuth("0.0.0.0", [{ name: "assistant", auth: open }], "none")).toEqual({ open: ["assistant"], note: "OPEN: no auth for assistant (OMNIA_AUTH=none)" });
  });

  it("runs anywhere when every agent requires auth", () => {
    expect(checkListenerAuth("0.0.0.0", [{ name: "secured", auth: secured }], undefined)).toEqual({ open: [], note: "auth required for every agent" });
  });

  it("refuses OMNIA_AUTH=required with an open agent, and unknown OMNIA_AUTH values", () => {
    expect(() => checkListenerAuth("127.0.0.1", [{ name: "assistant" }], "required")).toThrow(/OMNIA_AUTH=required but agent\(s\) assistant have no auth/);
    expect(() => checkListenerAuth("127.0.0.1", [], "off")).toThrow('OMNIA_AUTH="off": must be none or required');
  });
});
