import { describe, expect, it } from "vitest";
import { parseEdgeConfig } from "./edge-config.js";

const base = { OMNIA_AGENT_NAME: "secured", OMNIA_RUNTIME_URL: "https://runtime.example:9002" };
const keysAuth = JSON.stringify({ clientKeys: { secretRef: { name: "secured-keys" } } });

describe("parseEdgeConfig: auth", () => {
  it("refuses to serve an agent without auth from a public Worker unless OMNIA_AUTH=none", () => {
    expect(() => parseEdgeConfig(base)).toThrow(/refusing to listen on the edge \(a public Worker\) with no auth for agent\(s\) default\/secured: .*OMNIA_AUTH=none/);
    expect(parseEdgeConfig({ ...base, OMNIA_AUTH: "none" }).auth.settings.mode).toBe("none");
  });

  it("reads the keys from the OMNIA_AUTH_KEYS secret that clientKeys needs", () => {
    const config = parseEdgeConfig({ ...base, OMNIA_EXTERNAL_AUTH: keysAuth, OMNIA_AUTH_KEYS: JSON.stringify({ alice: "omnia-demo-alice" }) });
    expect(config.auth.settings.mode).toBe("required");
    expect(config.auth.clientKeys).toEqual([{ name: "alice", key: "omnia-demo-alice", role: "viewer" }]);
  });

  it("names the variable and field that is wrong, never quoting a key", () => {
    expect(() => parseEdgeConfig({ ...base, OMNIA_EXTERNAL_AUTH: keysAuth })).toThrow(/^OMNIA_AUTH_KEYS: required by OMNIA_EXTERNAL_AUTH\.clientKeys/);
    expect(() => parseEdgeConfig({ ...base, OMNIA_EXTERNAL_AUTH: keysAuth, OMNIA_AUTH_KEYS: "{omnia-demo-alice" })).toThrow(/^OMNIA_AUTH_KEYS: not valid JSON$/);
    expect(() => parseEdgeConfig({ ...base, OMNIA_EXTERNAL_AUTH: keysAuth, OMNIA_AUTH_KEYS: JSON.stringify({ alice: "short" }) })).toThrow(/the key alice is shorter than/);
    expect(() => parseEdgeConfig({ ...base, OMNIA_EXTERNAL_AUTH: JSON.stringify({ oidc: { issuer: "http://idp.example", audience: "omnia" } }) })).toThrow(/^OMNIA_EXTERNAL_AUTH\.oidc\.issuer: must be an https URL/);
  });
});
