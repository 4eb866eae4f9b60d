// Valid manifests for tests to copy and break, and a temp-dir writer for loader tests.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";

export const validPackJson = {
  id: "assistant",
  name: "Assistant",
  version: "1.0.0",
  template_engine: { version: "v1", syntax: "{{variable}}" },
  prompts: {
    assistant: {
      id: "assistant",
      name: "Assistant",
      version: "1.0.0",
      system_template: "You are {{assistant_name}}.",
      variables: [{ name: "assistant_name", type: "string", required: false, default: "Omnia" }],
    },
  },
};

export function provider(name = "mock", spec: Record<string, unknown> = { type: "mock", model: "mock-model" }) {
  return { apiVersion: "omnia.altairalabs.ai/v1alpha1", kind: "Provider", metadata: { name }, spec };
}

export function packConfigMap(name = "assistant-pack", packJson: unknown = validPackJson) {
  const text = typeof packJson === "string" ? packJson : JSON.stringify(packJson, null, 2);
  return { apiVersion: "v1", kind: "ConfigMap", metadata: { name }, data: { "pack.json": text } };
}

export function promptPack(name = "assistant", configMapName = "assistant-pack") {
  return {
    apiVersion: "omnia.altairalabs.ai/v1alpha1",
    kind: "PromptPack",
    metadata: { name },
    spec: { packName: name, version: "1.0.0", source: { type: "configmap", configMapRef: { name: configMapName } } },
  };
}

export function toolRegistry(name = "assistant-tools") {
  return {
    apiVersion: "omnia.altairalabs.ai/v1alpha1",
    kind: "ToolRegistry",
    metadata: { name },
    spec: {
      handlers: [
        {
          name: "get_location",
          type: "client",
          tool: { name: "get_location", description: "Where the user is", inputSchema: { type: "object" } },
          clientConfig: { consentMessage: "Share your location?", categories: ["location"] },
        },
      ],
    },
  };
}

export function agentRuntime(name = "assistant", spec: Record<string, unknown> = {}, metadata: Record<string, unknown> = {}) {
  return {
    apiVersion: "omnia.altairalabs.ai/v1alpha1",
    kind: "AgentRuntime",
    metadata: { name, ...metadata },
    spec: {
      promptPackRef: { name: "assistant" },
      facades: [{ type: "websocket", port: 8080 }],
      providers: [{ name: "llm", providerRef: { name: "mock" } }],
      ...spec,
    },
  };
}

/** One YAML file with the given objects as documents. */
export function yamlDocs(...objects: unknown[]): string {
  return objects.map((o) => stringify(o)).join("---\n");
}

/** Writes files into a fresh temp dir; call the returned cleanup when done. */
export async function writeManifestDir(files: Record<string, string>): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), "omnia-manifests-"));
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}
