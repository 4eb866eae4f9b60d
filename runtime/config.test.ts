import { describe, expect, it } from "vitest";
import { ConfigError, parseRuntimeConfig } from "./config.js";

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
});
