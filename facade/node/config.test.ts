import { describe, expect, it } from "vitest";
import { loadNodeFacadeConfig } from "./config.js";

describe("loadNodeFacadeConfig", () => {
  it("has the protocol's defaults for one agent on localhost:9000", () => {
    const config = loadNodeFacadeConfig({ OMNIA_AGENT_NAME: "assistant" });
    expect(config).toMatchObject({
      host: "127.0.0.1",
      port: 8080,
      healthPort: undefined,
      agents: [{ namespace: "default", name: "assistant", runtimeAddress: "127.0.0.1:9000" }],
      allowedOrigins: [],
      limits: { maxFrameBytes: 16 * 1024 * 1024, ratePerSecond: 50, rateBurst: 100, clientToolAckTimeoutMs: 5_000, clientToolTimeoutMs: 60_000 },
      pingIntervalMs: 30_000,
      pongTimeoutMs: 60_000,
    });
  });

  it("reads routes for several agents, origins and durations", () => {
    const config = loadNodeFacadeConfig({
      OMNIA_AGENT_ROUTES: "default/a=127.0.0.1:9100, team/b=127.0.0.1:9200",
      OMNIA_ALLOWED_ORIGINS: "https://a.example, https://b.example",
      OMNIA_CLIENT_TOOL_TIMEOUT: "2m",
      PORT: "9999",
      OMNIA_HEALTH_PORT: "8081",
    });
    expect(config.agents.map((a) => `${a.namespace}/${a.name}@${a.runtimeAddress}`)).toEqual(["default/a@127.0.0.1:9100", "team/b@127.0.0.1:9200"]);
    expect(config.allowedOrigins).toEqual(["https://a.example", "https://b.example"]);
    expect(config.limits.clientToolTimeoutMs).toBe(120_000);
    expect(config.port).toBe(9999);
    expect(config.healthPort).toBe(8081);
  });

  it("names the variable that is wrong", () => {
    expect(() => loadNodeFacadeConfig({})).toThrow(/OMNIA_AGENT_NAME is required/);
    expect(() => loadNodeFacadeConfig({ OMNIA_AGENT_NAME: "a", PORT: "http" })).toThrow(/PORT="http"/);
    expect(() => loadNodeFacadeConfig({ OMNIA_AGENT_NAME: "a", OMNIA_PING_INTERVAL: "soon" })).toThrow(/OMNIA_PING_INTERVAL/);
    expect(() => loadNodeFacadeConfig({ OMNIA_AGENT_ROUTES: "a=b" })).toThrow(/OMNIA_AGENT_ROUTES: "a=b"/);
  });
});
