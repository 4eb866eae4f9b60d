// The OMNIA_* environment of an agent's runtime and facade containers, derived from a resolved
// agent. Pure, so local mode and the operator's Deployment builder produce identical variables.
import type { ResolvedAgent } from "./resolve-agent.js";

export interface RuntimePaths {
  /** Directory containing pack.json (the reference mounts the pack ConfigMap at /etc/omnia/pack). */
  packDir: string;
  /** tools.yaml path (the reference mounts it at /etc/omnia/tools/tools.yaml). */
  toolsPath: string;
  /** Where the scripted mock file is; defaults to the annotation's path when the agent has one. */
  mockConfigPath?: string;
}

const DEFAULT_CONTEXT_TTL = "24h";

export function renderRuntimeEnv(agent: ResolvedAgent, paths: RuntimePaths): Record<string, string> {
  const { metadata, spec } = agent.agent;
  const provider = agent.provider.spec;
  const env: Record<string, string> = {
    OMNIA_AGENT_NAME: metadata.name,
    OMNIA_NAMESPACE: metadata.namespace,
    OMNIA_PROMPTPACK_NAME: agent.promptPack.spec.packName,
    OMNIA_PROMPTPACK_VERSION: agent.promptPack.spec.version,
    OMNIA_PROMPTPACK_PATH: paths.packDir,
    OMNIA_TOOLS_CONFIG_PATH: paths.toolsPath,
    OMNIA_PROVIDER_TYPE: provider.type,
    OMNIA_CONTEXT_TTL: spec.context.ttl ?? DEFAULT_CONTEXT_TTL,
  };
  if (provider.model !== undefined) env.OMNIA_PROVIDER_MODEL = provider.model;
  if (provider.baseURL !== undefined) env.OMNIA_PROVIDER_BASE_URL = provider.baseURL;
  if (provider.pricing?.inputCostPer1K !== undefined) env.OMNIA_PROVIDER_INPUT_COST_PER_1K = provider.pricing.inputCostPer1K;
  if (provider.pricing?.outputCostPer1K !== undefined) env.OMNIA_PROVIDER_OUTPUT_COST_PER_1K = provider.pricing.outputCostPer1K;
  const mockPath = paths.mockConfigPath ?? agent.mockConfig?.path;
  if (mockPath !== undefined) env.OMNIA_MOCK_CONFIG_PATH = mockPath;
  // User-supplied values come last so they can override ours, as container env order does.
  // Entries using valueFrom are resolved by Kubernetes and have no literal value to copy.
  for (const entry of spec.runtime.extraEnv) {
    if (entry.value !== undefined) env[entry.name] = entry.value;
  }
  return env;
}

/** The facade container's environment; the first facade is the one a pod serves. */
export function renderFacadeEnv(agent: ResolvedAgent): Record<string, string> {
  const { metadata, spec } = agent.agent;
  const facade = spec.facades[0];
  const env: Record<string, string> = {
    OMNIA_AGENT_NAME: metadata.name,
    OMNIA_NAMESPACE: metadata.namespace,
    OMNIA_FACADE_TYPE: facade?.type ?? "websocket",
    OMNIA_FACADE_PORT: String(facade?.port ?? 8080),
    OMNIA_HANDLER_MODE: facade?.handler ?? "runtime",
  };
  if (facade?.clientToolTimeout !== undefined) env.OMNIA_CLIENT_TOOL_TIMEOUT = facade.clientToolTimeout;
  if (facade?.drainTimeout !== undefined) env.OMNIA_DRAIN_TIMEOUT = facade.drainTimeout;
  for (const entry of facade?.extraEnv ?? []) {
    if (entry.value !== undefined) env[entry.name] = entry.value;
  }
  return env;
}
