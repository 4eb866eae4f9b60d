import { describe, expect, it } from "vitest";
import { ConfigError, parseRuntimeConfig } from "./config.js";
import { BridgeToken } from "./grpc-web/bridge-token.js";

describe("parseRuntimeConfig", () => {
  it("applies the defaults", () => {
    expect(parseRuntimeConfig({ OMNIA_AGENT_NAME: "assistant" })).toEqual({
      agentName: "assistant",
      namespace: "default",
      grpc: { host: "127.0.0.1", port: 9000 },
      health: { host: "127.0.0.1", port: 9001 },
      promptPack: { path: "/etc/omnia/pack", promptName: "default" },
      toolsConfigPath: "/etc/omnia/tools/tools.yaml",
      provider: { type: "mock", model: "mock-model", pricing: { inputCostPer1K: 0, outputCostPer1K: 0 } },
      mock: { chunkDelayMs: 0 },
      session: { ttlMs: 24 * 3_600_000, turnLeaseMs: 10_000 },
      instanceName: "local",
      clientToolTimeoutMs: 75_000,
      logLevel: "info",
    });
  });

  it("reads every variable, preferring OMNIA_CONTEXT_* over their older aliases", () => {
    const config = parseRuntimeConfig({
      OMNIA_AGENT_NAME: "a",
      OMNIA_NAMESPACE: "team",
      OMNIA_GRPC_HOST: "0.0.0.0",
      OMNIA_GRPC_PORT: "7000",
      OMNIA_HEALTH_PORT: "7001",
      OMNIA_PROMPTPACK_PATH: "/pack",
      OMNIA_PROMPTPACK_NAME: "support",
      OMNIA_PROMPTPACK_VERSION: "1.2.0",
      OMNIA_PROMPT_NAME: "triage",
      OMNIA_TOOLS_CONFIG_PATH: "/tools.yaml",
      OMNIA_PROVIDER_MODEL: "m",
      OMNIA_PROVIDER_INPUT_COST_PER_1K: "0.001",
      OMNIA_PROVIDER_OUTPUT_COST_PER_1K: "0.002",
      OMNIA_MOCK_CONFIG_PATH: "/mock.yaml",
      OMNIA_MOCK_CHUNK_DELAY_MS: "25",
      OMNIA_CONTEXT_URL: "redis://ctx:6379",
      OMNIA_REDIS_URL: "redis://old:6379",
      OMNIA_CONTEXT_TTL: "1h",
      OMNIA_SESSION_TTL: "2h",
      OMNIA_CLIENT_TOOL_TIMEOUT: "90s",
      OMNIA_TURN_LEASE: "4s",
      HOSTNAME: "assistant-7d9f-abcde",
      LOG_LEVEL: "DEBUG",
    });
    expect(config).toMatchObject({
      namespace: "team",
      grpc: { host: "0.0.0.0", port: 7000 },
      health: { host: "127.0.0.1", port: 7001 },
      promptPack: { path: "/pack", name: "support", version: "1.2.0", promptName: "triage" },
      provider: { model: "m", pricing: { inputCostPer1K: 0.001, outputCostPer1K: 0.002 } },
      mock: { configPath: "/mock.yaml", chunkDelayMs: 25 },
      session: { redisUrl: "redis://ctx:6379", ttlMs: 3_600_000, turnLeaseMs: 4_000 },
      instanceName: "assistant-7d9f-abcde",
      clientToolTimeoutMs: 90_000,
      logLevel: "debug",
    });
    expect(parseRuntimeConfig({ OMNIA_AGENT_NAME: "a", OMNIA_REDIS_URL: "redis://old:6379", OMNIA_SESSION_TTL: "2h" }).session).toEqual({
      redisUrl: "redis://old:6379",
      ttlMs: 7_200_000,
      turnLeaseMs: 10_000,
    });
  });

  it("treats blank values as unset", () => {
    expect(parseRuntimeConfig({ OMNIA_AGENT_NAME: "a", OMNIA_GRPC_PORT: "", OMNIA_CONTEXT_URL: " " })).toMatchObject({ grpc: { port: 9000 }, session: { ttlMs: 86_400_000 } });
  });

  it("fails naming each bad variable", () => {
    let error: unknown;
    try {
      parseRuntimeConfig({ OMNIA_GRPC_PORT: "90000", OMNIA_PROVIDER_TYPE: "openai", OMNIA_CONTEXT_TTL: "soon", OMNIA_PROVIDER_OUTPUT_COST_PER_1K: "cheap" });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join("\n");
    expect(problems).toMatch(/^OMNIA_AGENT_NAME: is required/m);
    expect(problems).toMatch(/^OMNIA_GRPC_PORT: must be between 1 and 65535/m);
    expect(problems).toMatch(/^OMNIA_PROVIDER_TYPE: "openai" is not supported yet/m);
    expect(problems).toMatch(/^OMNIA_CONTEXT_TTL: "soon" is not a duration/m);
    expect(problems).toMatch(/^OMNIA_PROVIDER_OUTPUT_COST_PER_1K: must be a non-negative decimal/m);
  });

  describe("the gRPC-web port", () => {
    const problemsOf = (env: Record<string, string>): string => {
      try {
        parseRuntimeConfig({ OMNIA_AGENT_NAME: "a", ...env });
      } catch (err) {
        if (err instanceof ConfigError) return err.problems.join("\n");
        throw err;
      }
      throw new Error("no ConfigError");
    };

    it("is off unless a port or a bridge token is given, and `off` turns it off", () => {
      expect(parseRuntimeConfig({ OMNIA_AGENT_NAME: "a" }).grpcWeb).toBeUndefined();
      expect(parseRuntimeConfig({ OMNIA_AGENT_NAME: "a", OMNIA_GRPC_WEB_PORT: "off", OMNIA_BRIDGE_TOKEN: "secret" }).grpcWeb).toBeUndefined();
    });

    it("listens on 9002 with a token, which it keeps only as a digest", () => {
      const config = parseRuntimeConfig({ OMNIA_AGENT_NAME: "a", OMNIA_GRPC_WEB_HOST: "0.0.0.0", OMNIA_BRIDGE_TOKEN: "s3cret-token" });
      expect(config.grpcWeb).toMatchObject({ host: "0.0.0.0", port: 9002, heartbeatMs: 15_000 });
      expect(config.grpcWeb?.token).toBeInstanceOf(BridgeToken);
      expect(config.grpcWeb?.token?.admits("Bearer s3cret-token")).toBe(true);
      expect(config.grpcWeb?.token?.admits("Bearer s3cret-tokeN")).toBe(false);
      expect(JSON.stringify(config)).not.toContain("s3cret-token");
      expect(String(config.grpcWeb?.token)).not.toContain("s3cret-token");
    });

    it("reads the port, the heartbeat and a token file", () => {
      expect(
        parseRuntimeConfig({ OMNIA_AGENT_NAME: "a", OMNIA_GRPC_WEB_PORT: "9100", OMNIA_GRPC_WEB_HEARTBEAT: "250ms", OMNIA_BRIDGE_TOKEN_FILE: "/var/run/omnia/bridge-token" }).grpcWeb,
      ).toEqual({ host: "127.0.0.1", port: 9100, heartbeatMs: 250, tokenFile: "/var/run/omnia/bridge-token" });
    });

    it("runs open without a token only on a loopback host", () => {
      for (const host of ["127.0.0.1", "localhost", "::1"]) {
        expect(parseRuntimeConfig({ OMNIA_AGENT_NAME: "a", OMNIA_GRPC_WEB_HOST: host, OMNIA_GRPC_WEB_PORT: "9002" }).grpcWeb).toEqual({ host, port: 9002, heartbeatMs: 15_000 });
      }
      expect(problemsOf({ OMNIA_GRPC_WEB_HOST: "0.0.0.0", OMNIA_GRPC_WEB_PORT: "9002" })).toMatch(/^OMNIA_BRIDGE_TOKEN: the gRPC-web port would listen on 0\.0\.0\.0 without a bearer token/m);
    });

    it("fails naming the variable for a bad port, heartbeat, or two tokens", () => {
      expect(problemsOf({ OMNIA_GRPC_WEB_PORT: "on" })).toMatch(/^OMNIA_GRPC_WEB_PORT: must be a port number \(1-65535\) or "off", got "on"/m);
      expect(problemsOf({ OMNIA_GRPC_WEB_HEARTBEAT: "often" })).toMatch(/^OMNIA_GRPC_WEB_HEARTBEAT: /m);
      expect(problemsOf({ OMNIA_BRIDGE_TOKEN: "a", OMNIA_BRIDGE_TOKEN_FILE: "/t" })).toMatch(/^OMNIA_BRIDGE_TOKEN_FILE: set either/m);
    });
  });
});
