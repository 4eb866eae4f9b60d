import { describe, expect, it } from "vitest";
import { loadManifestTexts } from "./load-manifests.js";
import { resolveAgents } from "./resolve-agent.js";
import { parseRuntimeConfig } from "../../runtime/config.js";
import { renderFacadeEnv, renderProviderEnv, renderRuntimeEnv } from "./runtime-env.js";
import { agentRuntime, packConfigMap, promptPack, provider, yamlDocs } from "./test-fixtures.js";

function resolveOne(...objects: unknown[]) {
  const [agent] = resolveAgents(loadManifestTexts([{ file: "all.yaml", text: yamlDocs(...objects) }]));
  if (!agent) throw new Error("no agent");
  return agent;
}

const paths = { packDir: "/etc/omnia/pack", toolsPath: "/etc/omnia/tools/tools.yaml" };

describe("renderRuntimeEnv", () => {
  it("renders the minimal environment with the default context TTL", () => {
    const agent = resolveOne(provider(), packConfigMap(), promptPack(), agentRuntime());
    expect(renderRuntimeEnv(agent, paths)).toEqual({
      OMNIA_AGENT_NAME: "assistant",
      OMNIA_NAMESPACE: "default",
      OMNIA_PROMPTPACK_NAME: "assistant",
      OMNIA_PROMPTPACK_VERSION: "1.0.0",
      OMNIA_PROMPTPACK_PATH: "/etc/omnia/pack",
      OMNIA_TOOLS_CONFIG_PATH: "/etc/omnia/tools/tools.yaml",
      OMNIA_PROVIDER_TYPE: "mock",
      OMNIA_PROVIDER_MODEL: "mock-model",
      OMNIA_CONTEXT_TTL: "24h",
    });
  });

  it("adds base URL, pricing, mock path, context TTL and extraEnv (which wins)", () => {
    const openai = provider("mock", {
      type: "openai",
      model: "gpt-4o",
      baseURL: "https://openrouter.ai/api/v1",
      pricing: { inputCostPer1K: "0.0025", outputCostPer1K: "0.01" },
    });
    const runtime = {
      extraEnv: [
        { name: "LOG_LEVEL", value: "debug" },
        { name: "OMNIA_CONTEXT_TTL", value: "2h" },
        { name: "FROM_SECRET", valueFrom: { secretKeyRef: { name: "s", key: "k" } } },
      ],
    };
    const agent = resolveOne(openai, packConfigMap(), promptPack(), agentRuntime("a", { context: { ttl: "1h" }, runtime }));
    const env = renderRuntimeEnv(agent, { ...paths, mockConfigPath: "/tmp/mock.yaml" });
    expect(env).toMatchObject({
      OMNIA_PROVIDER_TYPE: "openai",
      OMNIA_PROVIDER_MODEL: "gpt-4o",
      OMNIA_PROVIDER_BASE_URL: "https://openrouter.ai/api/v1",
      OMNIA_PROVIDER_INPUT_COST_PER_1K: "0.0025",
      OMNIA_PROVIDER_OUTPUT_COST_PER_1K: "0.01",
      OMNIA_MOCK_CONFIG_PATH: "/tmp/mock.yaml",
      OMNIA_CONTEXT_TTL: "2h",
      LOG_LEVEL: "debug",
    });
    expect(env).not.toHaveProperty("FROM_SECRET");
  });
});

describe("renderProviderEnv", () => {
  it("renders model, headers, credential pointer, defaults and pricing, which the runtime parses back", () => {
    const claude = provider("mock", {
      type: "claude",
      model: "claude-sonnet-4-5",
      headers: { "X-Team": "support" },
      credential: { envVar: "MY_ANTHROPIC_KEY" },
      defaults: { temperature: "0.2", topP: 0.9, maxTokens: 1024, requestTimeout: "2m", streamIdleTimeout: "30s" },
      pricing: { inputCostPer1K: "0.003", outputCostPer1K: "0.015" },
    });
    const agent = resolveOne(claude, packConfigMap(), promptPack(), agentRuntime("a"));
    const env = renderProviderEnv(agent.provider);
    expect(env).toEqual({
      OMNIA_PROVIDER_TYPE: "claude",
      OMNIA_PROVIDER_MODEL: "claude-sonnet-4-5",
      OMNIA_PROVIDER_HEADERS: '{"X-Team":"support"}',
      OMNIA_PROVIDER_CREDENTIAL_ENV: "MY_ANTHROPIC_KEY",
      OMNIA_PROVIDER_TEMPERATURE: "0.2",
      OMNIA_PROVIDER_TOP_P: "0.9",
      OMNIA_PROVIDER_MAX_TOKENS: "1024",
      OMNIA_PROVIDER_REQUEST_TIMEOUT: "2m",
      OMNIA_PROVIDER_STREAM_IDLE_TIMEOUT: "30s",
      OMNIA_PROVIDER_INPUT_COST_PER_1K: "0.003",
      OMNIA_PROVIDER_OUTPUT_COST_PER_1K: "0.015",
    });
    const config = parseRuntimeConfig({ OMNIA_AGENT_NAME: "a", ...env, MY_ANTHROPIC_KEY: "sk-ant" });
    expect(config.provider).toMatchObject({
      type: "claude",
      headers: { "X-Team": "support" },
      temperature: 0.2,
      topP: 0.9,
      maxTokens: 1024,
      requestTimeoutMs: 120_000,
      streamIdleTimeoutMs: 30_000,
    });
    expect(config.provider.apiKey?.reveal()).toBe("sk-ant");
  });

  it("names a key file, and leaves a secretRef's key to the container's Secret-backed variable", () => {
    const fromFile = provider("mock", { type: "openai", model: "gpt-4o", credential: { filePath: "/var/run/keys/openai" } });
    const fromSecret = provider("mock", { type: "openai", model: "gpt-4o", credential: { secretRef: { name: "openai" } } });
    const [withFile, withSecret] = [fromFile, fromSecret].map((p) =>
      renderProviderEnv(resolveOne(p, packConfigMap(), promptPack(), agentRuntime("a")).provider),
    );
    expect(withFile).toMatchObject({ OMNIA_PROVIDER_CREDENTIAL_FILE: "/var/run/keys/openai" });
    expect(Object.keys(withSecret ?? {}).filter((k) => k.includes("CREDENTIAL"))).toEqual([]);
  });
});

describe("renderFacadeEnv", () => {
  it("renders port, handler and the facade's timeouts", () => {
    const facades = [{ port: 9090, clientToolTimeout: "45s", drainTimeout: "10s" }];
    const agent = resolveOne(provider(), packConfigMap(), promptPack(), agentRuntime("a", { facades }));
    expect(renderFacadeEnv(agent)).toEqual({
      OMNIA_AGENT_NAME: "a",
      OMNIA_NAMESPACE: "default",
      OMNIA_FACADE_TYPE: "websocket",
      OMNIA_FACADE_PORT: "9090",
      OMNIA_HANDLER_MODE: "runtime",
      OMNIA_CLIENT_TOOL_TIMEOUT: "45s",
      OMNIA_DRAIN_TIMEOUT: "10s",
    });
  });
});
