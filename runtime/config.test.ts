import { describe, expect, it } from "vitest";
import { ConfigError, parseRuntimeConfig } from "./config.js";
import { BridgeToken } from "./grpc-web/bridge-token.js";

/** The problems a ConfigError lists for an agent's environment plus `env`. */
function problemsOf(env: Record<string, string>): string {
  try {
    parseRuntimeConfig({ OMNIA_AGENT_NAME: "a", ...env });
  } catch (err) {
    if (err instanceof ConfigError) return err.problems.join("\n");
    throw err;
  }
  throw new Error("no ConfigError");
}

describe("parseRuntimeConfig", () => {
  it("applies the defaults", () => {
    expect(parseRuntimeConfig({ OMNIA_AGENT_NAME: "assistant" })).toEqual({
      agentName: "assistant",
      namespace: "default",
      grpc: { host: "127.0.0.1", port: 9000 },
      health: { host: "127.0.0.1", port: 9001 },
      promptPack: { path: "/etc/omnia/pack", promptName: "default" },
      toolsConfigPath: "/etc/omnia/tools/tools.yaml",
      tools: { secretsDir: "/etc/omnia/tool-secrets" },
      provider: { type: "mock", model: "mock-model", headers: {}, maxRetries: 2, pricing: { inputCostPer1K: 0, outputCostPer1K: 0 } },
      mock: { chunkDelayMs: 0 },
      session: { ttlMs: 24 * 3_600_000, turnLeaseMs: 10_000 },
      media: {
        storage: { type: "none" },
        limits: { maxFileSizeBytes: 104_857_600, mediaTtlMs: 24 * 3_600_000, uploadUrlTtlMs: 900_000, downloadUrlTtlMs: 3_600_000, allowedMimeTypes: expect.any(Array) },
      },
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
      parseRuntimeConfig({ OMNIA_GRPC_PORT: "90000", OMNIA_PROVIDER_TYPE: "voyageai", OMNIA_CONTEXT_TTL: "soon", OMNIA_PROVIDER_OUTPUT_COST_PER_1K: "cheap" });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join("\n");
    expect(problems).toMatch(/^OMNIA_AGENT_NAME: is required/m);
    expect(problems).toMatch(/^OMNIA_GRPC_PORT: must be between 1 and 65535/m);
    expect(problems).toMatch(/^OMNIA_PROVIDER_TYPE: "voyageai" is not supported \(supported: mock, claude, openai, gemini, ollama, vllm\)/m);
    expect(problems).toMatch(/^OMNIA_CONTEXT_TTL: "soon" is not a duration/m);
    expect(problems).toMatch(/^OMNIA_PROVIDER_OUTPUT_COST_PER_1K: must be a non-negative decimal/m);
  });

  describe("the provider", () => {
    it("reads every OMNIA_PROVIDER_* variable and the key from the type's default variable", () => {
      const config = parseRuntimeConfig({
        OMNIA_AGENT_NAME: "a",
        OMNIA_PROVIDER_TYPE: "claude",
        OMNIA_PROVIDER_MODEL: "claude-sonnet-4-5",
        OMNIA_PROVIDER_BASE_URL: "https://gateway.example/v1",
        OMNIA_PROVIDER_HEADERS: '{"X-Team":"support"}',
        OMNIA_PROVIDER_TEMPERATURE: "0.2",
        OMNIA_PROVIDER_TOP_P: "0.9",
        OMNIA_PROVIDER_MAX_TOKENS: "1024",
        OMNIA_PROVIDER_REQUEST_TIMEOUT: "2m",
        OMNIA_PROVIDER_STREAM_IDLE_TIMEOUT: "30s",
        OMNIA_PROVIDER_MAX_RETRIES: "0",
        ANTHROPIC_API_KEY: " sk-ant-secret ",
      });
      expect(config.provider).toMatchObject({
        type: "claude",
        model: "claude-sonnet-4-5",
        baseURL: "https://gateway.example/v1",
        headers: { "X-Team": "support" },
        temperature: 0.2,
        topP: 0.9,
        maxTokens: 1024,
        requestTimeoutMs: 120_000,
        streamIdleTimeoutMs: 30_000,
        maxRetries: 0,
      });
      expect(config.provider.apiKey?.reveal()).toBe("sk-ant-secret");
      expect(JSON.stringify(config)).not.toContain("sk-ant-secret");
    });

    it("reads the key from the variable the credential names, or leaves a key file to read at start", () => {
      const named = parseRuntimeConfig({ OMNIA_AGENT_NAME: "a", OMNIA_PROVIDER_TYPE: "openai", OMNIA_PROVIDER_MODEL: "gpt-4o", OMNIA_PROVIDER_CREDENTIAL_ENV: "TEAM_KEY", TEAM_KEY: "sk-team", OPENAI_API_KEY: "sk-default" });
      expect(named.provider.apiKey?.reveal()).toBe("sk-team");
      const file = parseRuntimeConfig({ OMNIA_AGENT_NAME: "a", OMNIA_PROVIDER_TYPE: "gemini", OMNIA_PROVIDER_MODEL: "gemini-2.5-flash", OMNIA_PROVIDER_CREDENTIAL_FILE: "/keys/gemini" });
      expect(file.provider).toMatchObject({ apiKeyFile: "/keys/gemini" });
      expect(file.provider.apiKey).toBeUndefined();
    });

    it("runs Ollama and vLLM without a key, and takes OMNIA_PROVIDER_API_KEY when given", () => {
      expect(parseRuntimeConfig({ OMNIA_AGENT_NAME: "a", OMNIA_PROVIDER_TYPE: "ollama", OMNIA_PROVIDER_MODEL: "llama3.2" }).provider.apiKey).toBeUndefined();
      const vllm = parseRuntimeConfig({ OMNIA_AGENT_NAME: "a", OMNIA_PROVIDER_TYPE: "vllm", OMNIA_PROVIDER_MODEL: "qwen", OMNIA_PROVIDER_API_KEY: "k" });
      expect(vllm.provider.apiKey?.reveal()).toBe("k");
    });

    it("requires a model and, for hosted providers, a key, naming the variable", () => {
      expect(problemsOf({ OMNIA_PROVIDER_TYPE: "openai", OPENAI_API_KEY: "k" })).toMatch(/^OMNIA_PROVIDER_MODEL: is required for provider type openai/m);
      expect(problemsOf({ OMNIA_PROVIDER_TYPE: "claude", OMNIA_PROVIDER_MODEL: "m" })).toMatch(/^ANTHROPIC_API_KEY: is required for provider type claude/m);
      expect(problemsOf({ OMNIA_PROVIDER_TYPE: "gemini", OMNIA_PROVIDER_MODEL: "m", OMNIA_PROVIDER_CREDENTIAL_ENV: "MY_KEY", GEMINI_API_KEY: "k" })).toMatch(/^MY_KEY: is required for provider type gemini/m);
      expect(problemsOf({ OMNIA_PROVIDER_TYPE: "claude", OMNIA_PROVIDER_MODEL: "m", OMNIA_PROVIDER_CREDENTIAL_ENV: "K", OMNIA_PROVIDER_CREDENTIAL_FILE: "/k", K: "k" })).toMatch(
        /^OMNIA_PROVIDER_CREDENTIAL_FILE: set either/m,
      );
    });

    it("fails naming each bad provider variable", () => {
      const problems = problemsOf({
        OMNIA_PROVIDER_BASE_URL: "gateway.example/v1",
        OMNIA_PROVIDER_HEADERS: '{"X-Team":1}',
        OMNIA_PROVIDER_CREDENTIAL_ENV: "1-KEY",
        OMNIA_PROVIDER_TEMPERATURE: "hot",
        OMNIA_PROVIDER_TOP_P: "-1",
        OMNIA_PROVIDER_MAX_TOKENS: "0",
        OMNIA_PROVIDER_REQUEST_TIMEOUT: "soon",
        OMNIA_PROVIDER_STREAM_IDLE_TIMEOUT: "0s",
        OMNIA_PROVIDER_MAX_RETRIES: "many",
      });
      expect(problems).toMatch(/^OMNIA_PROVIDER_BASE_URL: must be a URL/m);
      expect(problems).toMatch(/^OMNIA_PROVIDER_HEADERS: must be a JSON object whose values are strings/m);
      expect(problems).toMatch(/^OMNIA_PROVIDER_CREDENTIAL_ENV: must be an environment variable name/m);
      expect(problems).toMatch(/^OMNIA_PROVIDER_TEMPERATURE: must be a non-negative decimal/m);
      expect(problems).toMatch(/^OMNIA_PROVIDER_TOP_P: must be a non-negative decimal/m);
      expect(problems).toMatch(/^OMNIA_PROVIDER_MAX_TOKENS: must be at least 1/m);
      expect(problems).toMatch(/^OMNIA_PROVIDER_REQUEST_TIMEOUT: "soon" is not a duration/m);
      expect(problems).toMatch(/^OMNIA_PROVIDER_STREAM_IDLE_TIMEOUT: must be a positive duration/m);
      expect(problems).toMatch(/^OMNIA_PROVIDER_MAX_RETRIES: must be a whole number/m);
      expect(problemsOf({ OMNIA_PROVIDER_HEADERS: "X-Team: support" })).toMatch(/^OMNIA_PROVIDER_HEADERS: must be a JSON object of header names/m);
    });
  });

  describe("media storage (OMNIA_MEDIA_*, the facade's variables)", () => {
    it("reads the store the facade writes to and the download URL lifetime", () => {
      const config = parseRuntimeConfig({
        OMNIA_AGENT_NAME: "a",
        OMNIA_MEDIA_STORAGE_TYPE: "S3",
        OMNIA_MEDIA_S3_BUCKET: "uploads",
        OMNIA_MEDIA_S3_PREFIX: "omnia",
        OMNIA_MEDIA_S3_ENDPOINT: "http://minio:9000",
        AWS_ACCESS_KEY_ID: "AKID",
        AWS_SECRET_ACCESS_KEY: "secret",
        OMNIA_MEDIA_DOWNLOAD_URL_TTL: "10m",
      });
      expect(config.media.storage).toEqual({
        type: "s3",
        bucket: "uploads",
        region: "us-east-1",
        prefix: "omnia",
        endpoint: "http://minio:9000",
        credentials: { accessKeyId: "AKID", secretAccessKey: "secret" },
      });
      expect(config.media.limits.downloadUrlTtlMs).toBe(600_000);
      expect(parseRuntimeConfig({ OMNIA_AGENT_NAME: "a", OMNIA_MEDIA_STORAGE_TYPE: "local", OMNIA_MEDIA_STORAGE_PATH: "/data/media" }).media.storage).toEqual({
        type: "local",
        path: "/data/media",
        baseUrl: "",
      });
    });

    it("names each bad media variable, together with the runtime's own", () => {
      expect(problemsOf({ OMNIA_MEDIA_STORAGE_TYPE: "ftp" })).toMatch(/^OMNIA_MEDIA_STORAGE_TYPE: must be one of none, local, s3, gcs, azure, got "ftp"/m);
      expect(problemsOf({ OMNIA_MEDIA_STORAGE_TYPE: "gcs" })).toMatch(/^OMNIA_MEDIA_GCS_BUCKET: /m);
      expect(problemsOf({ OMNIA_MEDIA_STORAGE_TYPE: "azure", OMNIA_MEDIA_AZURE_ACCOUNT: "acct" })).toMatch(/^OMNIA_MEDIA_AZURE_CONTAINER: /m);
      const both = problemsOf({ OMNIA_GRPC_PORT: "port", OMNIA_MEDIA_DOWNLOAD_URL_TTL: "soon" });
      expect(both).toMatch(/^OMNIA_GRPC_PORT: must be a port number/m);
      expect(both).toMatch(/^OMNIA_MEDIA_DOWNLOAD_URL_TTL: /m);
    });
  });

  describe("the gRPC-web port", () => {
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
