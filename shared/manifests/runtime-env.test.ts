import { describe, expect, it } from "vitest";
import { loadManifestTexts } from "./load-manifests.js";
import { resolveAgents } from "./resolve-agent.js";
import { renderFacadeEnv, renderRuntimeEnv } from "./runtime-env.js";
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
