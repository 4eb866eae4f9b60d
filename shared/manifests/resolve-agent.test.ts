import { describe, expect, it } from "vitest";
import { loadManifestTexts } from "./load-manifests.js";
import { ManifestLoadError } from "./manifest-error.js";
import { resolveAgents } from "./resolve-agent.js";
import { agentRuntime, packConfigMap, promptPack, provider, toolRegistry, validPackJson, yamlDocs } from "./test-fixtures.js";

const mockScenarios = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "mock" }, data: { "scenarios.yaml": "defaultResponse: hi\n" } };
const mockAnnotation = { annotations: { "omnia.altairalabs.ai/mock-config-path": "/etc/omnia/mock/scenarios.yaml" } };
const mockRuntime = {
  volumes: [{ name: "m", configMap: { name: "mock" } }],
  volumeMounts: [{ name: "m", mountPath: "/etc/omnia/mock/" }],
};

function resolve(...objects: unknown[]) {
  return resolveAgents(loadManifestTexts([{ file: "all.yaml", text: yamlDocs(...objects) }]));
}

function resolveErrors(...objects: unknown[]): string[] {
  try {
    resolve(...objects);
  } catch (err) {
    if (err instanceof ManifestLoadError) return err.errors.map((e) => `${e.object}: ${e.field}: ${e.message}`);
    throw err;
  }
  throw new Error("expected ManifestLoadError");
}

describe("resolveAgents", () => {
  it("resolves provider, pack content, tools and the mounted mock file", () => {
    const [agent] = resolve(
      provider(),
      packConfigMap(),
      promptPack(),
      toolRegistry(),
      mockScenarios,
      agentRuntime("assistant", { toolRegistryRef: { name: "assistant-tools" }, runtime: mockRuntime }, mockAnnotation),
    );
    expect(agent?.provider.metadata.name).toBe("mock");
    expect(agent?.pack.prompts.assistant?.id).toBe("assistant");
    expect(JSON.parse(agent?.packJson ?? "")).toEqual(validPackJson);
    expect(agent?.toolRegistry?.spec.handlers[0]?.name).toBe("get_location");
    expect(agent?.mockConfig).toMatchObject({ path: "/etc/omnia/mock/scenarios.yaml", key: "scenarios.yaml", text: "defaultResponse: hi\n" });
  });

  it("uses the legacy providerRef and the first llm entry of providers[]", () => {
    const embed = provider("embed", { type: "openai", role: "embedding" });
    const [legacy] = resolve(provider("p1"), packConfigMap(), promptPack(), agentRuntime("a", { providers: undefined, providerRef: { name: "p1" } }));
    expect(legacy?.provider.metadata.name).toBe("p1");
    const providers = [
      { name: "e", providerRef: { name: "embed" }, role: "embedding" },
      { name: "llm", providerRef: { name: "p1" } },
    ];
    const [current] = resolve(embed, provider("p1"), packConfigMap(), promptPack(), agentRuntime("a", { providers }));
    expect(current?.provider.metadata.name).toBe("p1");
  });

  it("names the referencing object and field for each missing reference", () => {
    const errors = resolveErrors(
      agentRuntime("a", { promptPackRef: { name: "x" }, toolRegistryRef: { name: "tools" }, runtime: mockRuntime }, mockAnnotation),
    );
    expect(errors).toEqual([
      'AgentRuntime default/a: spec.providers[0].providerRef.name: Provider "mock" not found in namespace default',
      'AgentRuntime default/a: spec.promptPackRef.name: PromptPack "x" not found in namespace default',
      'AgentRuntime default/a: spec.toolRegistryRef.name: ToolRegistry "tools" not found in namespace default',
      'AgentRuntime default/a: spec.runtime.volumes[0].configMap.name: ConfigMap "mock" not found in namespace default',
    ]);
  });

  it("reports a missing pack ConfigMap at the PromptPack", () => {
    expect(resolveErrors(provider(), promptPack(), agentRuntime())).toEqual([
      'PromptPack default/assistant: spec.source.configMapRef.name: ConfigMap "assistant-pack" not found in namespace default',
    ]);
  });

  it("reports schema errors in pack.json at the ConfigMap key and at the PromptPack", () => {
    const badPack = { ...validPackJson, template_engine: { version: "v1" } };
    expect(resolveErrors(provider(), packConfigMap("assistant-pack", badPack), promptPack(), agentRuntime())).toEqual([
      "ConfigMap default/assistant-pack: data.pack.json: /template_engine: must have required property 'syntax'",
      'PromptPack default/assistant: spec.source.configMapRef.name: ConfigMap "assistant-pack" key pack.json is not a valid PromptPack 1.4.0 (1 schema error)',
    ]);
  });

  it("reports invalid JSON and a missing key", () => {
    expect(resolveErrors(provider(), packConfigMap("assistant-pack", "{"), promptPack(), agentRuntime())[0]).toMatch(
      /^ConfigMap default\/assistant-pack: data\.pack\.json: invalid JSON: /,
    );
    const empty = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "assistant-pack" }, data: {} };
    expect(resolveErrors(provider(), empty, promptPack(), agentRuntime())[0]).toBe(
      'ConfigMap default/assistant-pack: data.pack.json: missing: PromptPack "assistant" reads its content from this key',
    );
  });

  it("reports a pack shared by two agents once", () => {
    const errors = resolveErrors(provider(), promptPack(), agentRuntime("a"), agentRuntime("b"));
    expect(errors).toHaveLength(1);
  });

  it("checks the requested pack version and the provider's role", () => {
    const embed = provider("mock", { type: "openai", role: "embedding" });
    expect(resolveErrors(embed, packConfigMap(), promptPack(), agentRuntime("a", { promptPackRef: { name: "assistant", version: "2.0.0" } }))).toEqual([
      'AgentRuntime default/a: spec.providers[0].providerRef.name: Provider "mock" has role embedding, expected llm',
      'AgentRuntime default/a: spec.promptPackRef.version: PromptPack "assistant" is version 1.0.0, not 2.0.0',
    ]);
  });

  it("explains a mock path outside every mount", () => {
    const annotations = { annotations: { "omnia.altairalabs.ai/mock-config-path": "/tmp/mock.yaml" } };
    expect(resolveErrors(provider(), packConfigMap(), promptPack(), mockScenarios, agentRuntime("a", { runtime: mockRuntime }, annotations))).toEqual([
      'AgentRuntime default/a: metadata.annotations["omnia.altairalabs.ai/mock-config-path"]: no runtime.volumeMounts entry contains /tmp/mock.yaml',
    ]);
  });

  it("uses a mock provider when the mock-provider annotation is set", () => {
    const annotations = { annotations: { "omnia.altairalabs.ai/mock-provider": "true" } };
    const [agent] = resolve(packConfigMap(), promptPack(), agentRuntime("a", {}, annotations));
    expect(agent?.provider.spec).toMatchObject({ type: "mock", model: "mock-model" });
  });
});
