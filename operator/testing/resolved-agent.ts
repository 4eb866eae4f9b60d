// Test helper: a ResolvedAgent built the way the operator builds one, through the manifest loader and
// resolver, from the shared fixtures with the AgentRuntime spec (and other objects) a test gives.
import { loadManifestTexts } from "../../shared/manifests/load-manifests.js";
import type { ResolvedAgent } from "../../shared/manifests/resolve-agent.js";
import { resolveAgents } from "../../shared/manifests/resolve-agent.js";
import { agentRuntime, packConfigMap, promptPack, provider, toolRegistry, yamlDocs } from "../../shared/manifests/test-fixtures.js";

export interface AgentCase {
  spec?: Record<string, unknown>;
  metadata?: Record<string, unknown>;
  /** Replaces the mock Provider named "mock". */
  providerSpec?: Record<string, unknown>;
  extra?: unknown[];
}

export function resolvedAgent(c: AgentCase = {}): ResolvedAgent {
  const objects = [
    provider("mock", c.providerSpec ?? { type: "mock", model: "mock-model" }),
    packConfigMap(),
    promptPack(),
    toolRegistry(),
    agentRuntime("assistant", c.spec ?? {}, c.metadata ?? {}),
    ...(c.extra ?? []),
  ];
  const set = loadManifestTexts([{ file: "case.yaml", text: yamlDocs(...objects) }]);
  const [resolved] = resolveAgents(set);
  if (!resolved) throw new Error("fixture did not resolve");
  return resolved;
}
